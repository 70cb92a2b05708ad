/** The type token of @pulumiverse/time's Rotating resource. */
export const ROTATING = "time:index/rotating:Rotating";

/**
 * Creation moment of the offline plan's Rotating resources: `PLATFORM_PLAN_NOW` (an RFC 3339 time,
 * which the recorded test runs fix so that recordings repeat), else the moment of the plan.
 */
export function planNow(env: NodeJS.ProcessEnv = process.env): Date {
  const fixed = env.PLATFORM_PLAN_NOW;
  return fixed ? new Date(fixed) : new Date();
}

/** RFC 3339 in whole seconds, as the provider writes it. */
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * What the provider computes for a Rotating created at `now`: `rfc3339` the base time and
 * `rotationRfc3339` the base plus the period (terraform-provider-time docs, time_rotating:
 * "rotation_rfc3339 - Base timestamp with rotation time added").
 */
export function rotatingMockOutputs(
  inputs: Record<string, any>,
  now: Date,
): Record<string, unknown> {
  const base = inputs.rfc3339 ? new Date(inputs.rfc3339) : now;
  const next = new Date(base);
  next.setUTCDate(next.getUTCDate() + (inputs.rotationDays ?? 0));
  next.setUTCHours(next.getUTCHours() + (inputs.rotationHours ?? 0));
  next.setUTCMinutes(next.getUTCMinutes() + (inputs.rotationMinutes ?? 0));
  next.setUTCMonth(next.getUTCMonth() + (inputs.rotationMonths ?? 0));
  next.setUTCFullYear(next.getUTCFullYear() + (inputs.rotationYears ?? 0));
  return {
    rfc3339: rfc3339(base),
    rotationRfc3339: rfc3339(next),
    unix: Math.floor(base.getTime() / 1000),
  };
}
