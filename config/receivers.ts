import type { Problem } from "./problems";
import { environmentOf, type StackConfig } from "./schema";

type Receivers = StackConfig["monitoring"]["receivers"];

/** The pager the stack configures: none for `paging: none` (said on purpose) or left out. */
export function pagerOf(
  receivers: Receivers,
): Exclude<Receivers["paging"], "none" | null> | undefined {
  return receivers.paging === null || receivers.paging === "none" ? undefined : receivers.paging;
}

/**
 * Who hears of an alert (tiers document, Alerting Strategy: critical alerts page on-call, warnings
 * go by email or Slack). A production tier names its pager, or writes `paging: none` to say that
 * nobody is paged; left out, the stack's critical alerts would reach no one without anyone deciding
 * so. The secrets each receiver needs are checked with the other secrets (config/secrets.ts).
 */
export function receiverProblems(c: StackConfig): Problem[] {
  if (environmentOf(c.tier) !== "production" || c.monitoring.receivers.paging !== null) return [];
  return [
    {
      path: ["monitoring", "receivers", "paging"],
      message:
        `must name who is paged for critical alerts on the ${c.tier} tier (production): ` +
        "{type: pagerduty} or {type: webhook}, with the secret platform:pagingSecret, " +
        "or none to say on purpose that nobody is paged (got nothing)",
      quiet: true,
    },
  ];
}
