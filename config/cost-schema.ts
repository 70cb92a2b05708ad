import { z } from "zod";
import { int } from "./fields";

/**
 * What the stack is expected to use a month, for the plan's pricers to price the usage-billed
 * lines (README, "Cost in review"). Estimates, not limits: nothing in the program reads them.
 */
export const costUsage = z.strictObject({
  /** GB served to the internet a month from object storage (egress beyond the included allowance). */
  transferGb: int(0, 10_000_000),
  /** Millions of HTTPS requests the CDN answers a month. */
  cdnRequestsMillions: int(0, 1_000_000),
  /** GB a bucket with no size of its own holds after a month's growth. */
  objectStorageGrowthGb: int(0, 10_000_000),
  /** GB a log group with no volume of its own ingests a month. */
  logIngestGb: int(0, 1_000_000),
});

export type CostUsage = z.infer<typeof costUsage>;

export const cost = z.strictObject({ usage: costUsage });
