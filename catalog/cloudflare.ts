import type { CloudflarePlan } from "../config/schema";
import type { ServicePrice, Source } from "./types";

// Cloudflare list prices in USD. prices.md has no Cloudflare section, so each row names its own
// public source and the date it was read. Cloudflare bills each zone's plan every 30 days
// (cloudflare/cloudflare-docs, "Cloudflare Billing Policy"), and a monthly price is that bill.

/** cloudflare.com/plans as transcribed on 2026-10-07 (api-evangelist/cloudflare-ai-gateway plans). */
const PLANS_PAGE: Source = {
  ref: "https://www.cloudflare.com/plans/",
  date: "2026-10-07",
  status: "confirmed",
  note: "billed monthly; the same plan billed annually is $20 (Pro) or $200 (Business) a month",
};

/** developers.cloudflare.com/r2/pricing (cloudflare/cloudflare-docs src/content/docs/r2/pricing.mdx). */
const R2_PAGE: Source = {
  ref: "https://developers.cloudflare.com/r2/pricing/",
  date: "2026",
  status: "confirmed",
  note: "Standard storage; 10 GB-month, 1 M class A and 10 M class B operations free each month; egress free",
};

/** A zone's plan a month, billed monthly. */
export const CLOUDFLARE_PLAN_PRICES: Record<CloudflarePlan, ServicePrice> = {
  free: { monthlyUsd: 0, source: { ...PLANS_PAGE, note: "no charge; no transfer billing" } },
  pro: { monthlyUsd: 25, source: PLANS_PAGE },
  business: { monthlyUsd: 250, source: PLANS_PAGE },
};

/**
 * Standalone Health Checks a zone's plan includes, at no charge beyond the plan (cloudflare/
 * cloudflare-docs src/content/plans/index.json, traffic.health_checks: Free 0, Pro 10, Business 50;
 * https://developers.cloudflare.com/health-checks/).
 */
export const CLOUDFLARE_HEALTH_CHECKS: Record<CloudflarePlan, number> = {
  free: 0,
  pro: 10,
  business: 50,
};

export const CLOUDFLARE_SERVICES = {
  /**
   * Load Balancing, a paid add-on on every plan (cloudflare/cloudflare-docs
   * src/content/plans/index.json, traffic.load_balancing): the base subscription covers two
   * endpoints; each further endpoint is billed on top.
   */
  loadBalancing: {
    monthlyUsd: 5,
    includedEndpoints: 2,
    perEndpointMonthUsd: 5,
    source: {
      ref: "https://www.cloudflare.com/application-services/products/load-balancing/",
      date: "2026",
      status: "estimate",
      note: "no dated price page found; $5 a month for two endpoints is the figure public projects quote (kyawswarthwin/cloudflare-workers-load-balancing README); budget the dashboard's price",
    },
  },
  /** R2 object storage, Standard class. */
  r2: {
    perGbMonthUsd: 0.015,
    includedGb: 10,
    source: R2_PAGE,
  },
} satisfies Record<string, ServicePrice & Record<string, unknown>>;
