import type { Provider } from "../../catalog/types";
import type { VolumeRate } from "../../components/kit/cloud-layer";
import type { Pricer } from "../cost";
import { persistentVolumes, VOLUME_TYPES } from "../volumes";

// The persistent volumes the clusters' CSI drivers create from the platform's claims (plan/volumes.ts
// finds them), priced on the resource that claims them, at the rate of the provider's cloud layer
// (its `volumeRate`, registered with its pricers by plan/pricers/index.ts).

const rates: Partial<Record<Provider, (storageClass: string | undefined) => VolumeRate>> = {};

/** How a provider's claims are billed: registered from its cloud layer. */
export function registerVolumeRate(
  provider: Provider,
  rate: (storageClass: string | undefined) => VolumeRate,
): void {
  rates[provider] = rate;
}

const unregistered = (provider: Provider): VolumeRate => ({
  free: `no volume rate registered for ${provider}`,
});

const price = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;

const persistentVolumePricer =
  (type: string): Pricer =>
  (inputs, provider) => {
    const claims = persistentVolumes({ type, inputs });
    if (claims.length === 0) return undefined;
    let monthlyUsd = 0;
    // Claims billed alike share one phrase: "2 × 2 GB + 1 × 50 GB gp3 volume at $0.08 ...".
    const byRate = new Map<string, { sizes: string[]; rate: VolumeRate }>();
    for (const { count, gb, storageClass } of claims) {
      const rate = rates[provider]?.(storageClass) ?? unregistered(provider);
      const billed = "free" in rate ? gb : Math.max(gb, rate.minGb ?? 0);
      if (!("free" in rate)) monthlyUsd += count * billed * rate.perGbMonthUsd;
      const key = "free" in rate ? rate.free : rate.what;
      const group = byRate.get(key) ?? { sizes: [], rate };
      group.sizes.push(`${count} × ${billed} GB`);
      byRate.set(key, group);
    }
    const parts = [...byRate.values()].map(({ sizes, rate }) =>
      "free" in rate
        ? `${sizes.join(" + ")} volume: ${rate.free}`
        : `${sizes.join(" + ")} ${rate.what} at ${price(rate.perGbMonthUsd)} per GB-month`,
    );
    return { monthlyUsd, basis: parts.join("; ") };
  };

/** The claim pricers: one per Kubernetes type that claims volumes. */
export const KUBERNETES_PRICERS: Record<string, Pricer> = Object.fromEntries(
  VOLUME_TYPES.map((type) => [type, persistentVolumePricer(type)]),
);
