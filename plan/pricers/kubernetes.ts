import { SERVICES } from "../../catalog";
import type { Provider } from "../../catalog/types";
import { NETWORK_STORAGE_CLASS } from "../../components/hetzner/addons";
import { VOLUME_MIN_GB } from "../../components/hetzner/plan";
import { registerPricers, type Pricer } from "../cost";
import { persistentVolumes, VOLUME_TYPES } from "../volumes";

// The persistent volumes the clusters' CSI drivers create from the platform's claims (plan/volumes.ts
// finds them), priced on the resource that claims them.

/** How a provider bills a volume of a storage class: per GB-month, or not by itself (and why). */
type Rate = { perGbMonthUsd: number; minGb?: number; what: string } | { free: string };

const RATES: Record<Provider, (storageClass: string | undefined) => Rate> = {
  // Every class of the EKS and DigitalOcean layers makes one volume of the claimed size; the EKS
  // gp3 class asks for no IOPS or throughput beyond gp3's free baseline.
  aws: () => ({ perGbMonthUsd: SERVICES.aws.volume.perGbMonthUsd, what: "gp3 volume" }),
  digitalocean: () => ({
    perGbMonthUsd: SERVICES.digitalocean.volume.perGbMonthUsd,
    what: "block storage volume",
  }),
  // The Hetzner layer's default class is k3s's local-path: a directory on the node's own disk or
  // on the hcloud volume the layer attaches for the profile's disk, both priced with the node, so
  // pricing the claim again would count the disk twice. Only the CSI driver's class makes a new
  // hcloud volume, at least hcloud's minimum size.
  hetzner: (storageClass) =>
    storageClass === NETWORK_STORAGE_CLASS
      ? {
          perGbMonthUsd: SERVICES.hetzner.volume.perGbMonthUsd,
          minGb: VOLUME_MIN_GB,
          what: "hcloud volume",
        }
      : { free: "local-path on the node's disk, priced with its server and volume" },
  existing: () => ({ free: "on the existing cluster, not billed to this stack" }),
};

const price = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;

const persistentVolumePricer =
  (type: string): Pricer =>
  (inputs, provider) => {
    const claims = persistentVolumes({ type, inputs });
    if (claims.length === 0) return undefined;
    let monthlyUsd = 0;
    // Claims billed alike share one phrase: "2 × 2 GB + 1 × 50 GB gp3 volume at $0.08 ...".
    const byRate = new Map<string, { sizes: string[]; rate: Rate }>();
    for (const { count, gb, storageClass } of claims) {
      const rate = RATES[provider](storageClass);
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

registerPricers(
  Object.fromEntries(VOLUME_TYPES.map((type) => [type, persistentVolumePricer(type)])),
);
