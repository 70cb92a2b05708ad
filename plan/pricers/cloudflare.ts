import { CLOUDFLARE_PLAN_PRICES, CLOUDFLARE_SERVICES } from "../../catalog";
import type { CloudflarePlan } from "../../config";
import type { Pricer } from "../cost";

// The Cloudflare edge, on whatever cloud the cluster runs (catalog/cloudflare.ts): the zone's plan
// a month, billed monthly, and the Load Balancing add-on by endpoint. Transfer is not billed on
// these plans, so traffic adds nothing. R2, where it is the stack's object store, by GB stored.

const usd = (n: number) => `$${(Math.round(n * 100) / 100).toFixed(2)}`;

/** The Load Balancing add-on for `endpoints` endpoints (a pool origin each); 0 without it. */
export function loadBalancingMonthlyUsd(endpoints: number): number {
  if (endpoints <= 0) return 0;
  const lb = CLOUDFLARE_SERVICES.loadBalancing;
  return lb.monthlyUsd + Math.max(0, endpoints - lb.includedEndpoints) * lb.perEndpointMonthUsd;
}

const edge: Pricer = (inputs) => {
  const plan = String(inputs.plan ?? "free") as CloudflarePlan;
  const price = CLOUDFLARE_PLAN_PRICES[plan];
  if (!price)
    return { monthlyUsd: 0, basis: `Cloudflare plan ${plan}: not in the catalog, priced at $0` };
  const endpoints = Number(inputs.loadBalancedEndpoints ?? 0);
  const lb = loadBalancingMonthlyUsd(endpoints);
  const parts = [
    `Cloudflare ${plan} plan ${usd(price.monthlyUsd ?? 0)} (${price.source.ref}, ${price.source.date})`,
    ...(lb > 0
      ? [
          `Load Balancing ${usd(lb)} for ${endpoints} endpoints (estimate, ${CLOUDFLARE_SERVICES.loadBalancing.source.date})`,
        ]
      : []),
  ];
  return { monthlyUsd: (price.monthlyUsd ?? 0) + lb, basis: parts.join(" + ") };
};

/** R2 Standard storage for `storageGb` GB a month, beyond the free allowance; egress is free. */
export function r2MonthlyUsd(storageGb: number): number {
  const r2 = CLOUDFLARE_SERVICES.r2;
  return Math.max(0, storageGb - r2.includedGb) * r2.perGbMonthUsd;
}

// The buckets hold at most what objectStorage.storageGb says the store holds; operations beyond
// the free million class A and ten million class B a month are not estimated.
const r2: Pricer = (inputs) => {
  const gb = Number(inputs.storageGb ?? 0);
  const price = CLOUDFLARE_SERVICES.r2;
  return {
    monthlyUsd: r2MonthlyUsd(gb),
    basis: `R2 Standard ${gb} GB, ${price.includedGb} GB free, $${price.perGbMonthUsd} per GB-month beyond (${price.source.ref}); operations not estimated`,
  };
};

/** The Cloudflare edge's pricers: the edge serves every cloud, so they are no cloud layer's. */
export const CLOUDFLARE_PRICERS: Record<string, Pricer> = {
  "platform:edge:CloudflareEdge": edge,
  "platform:edge:R2Storage": r2,
};
