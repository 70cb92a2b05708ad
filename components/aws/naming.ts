import { physicalName } from "../kit/naming";

/**
 * Pure helpers for the names and values AWS constrains: S3 bucket names, CloudWatch retention
 * steps, maintenance windows and ARNs. Physical names in general come from the cloud kit.
 */

/**
 * A globally unique S3 bucket name: the stack's domain (which its owner alone controls), the stack
 * and the bucket's config name. S3 allows 3-63 characters of a-z, 0-9 and -, starting and ending
 * with a letter or digit.
 */
export function bucketName(domain: string, stack: string, name: string): string {
  return physicalName([domain.replace(/\./g, "-"), stack, name], 63);
}

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_STEPS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** The smallest retention CloudWatch accepts that keeps logs at least `days`. */
export function logRetentionDays(days: number): number {
  return LOG_RETENTION_STEPS.find((step) => step >= days) ?? LOG_RETENTION_STEPS.at(-1)!;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "HH:MM-HH:MM" window of `minutes` starting at the given time (UTC), wrapping past midnight. */
export function timeWindow(hour: number, minute: number, minutes: number): string {
  const start = hour * 60 + minute;
  const end = (start + minutes) % (24 * 60);
  return `${pad(Math.floor(start / 60) % 24)}:${pad(start % 60)}-${pad(Math.floor(end / 60))}:${pad(end % 60)}`;
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/**
 * "ddd:HH:MM-ddd:HH:MM" weekly window (RDS and ElastiCache maintenance) of `minutes` starting on
 * `day` at the given time (UTC), rolling into the next day past midnight.
 */
export function weeklyWindow(
  day: (typeof DAYS)[number],
  hour: number,
  minute: number,
  minutes: number,
): string {
  const week = 7 * 24 * 60;
  const start = DAYS.indexOf(day) * 24 * 60 + hour * 60 + minute;
  const at = (t: number) => {
    const m = ((t % week) + week) % week;
    return `${DAYS[Math.floor(m / 1440)]}:${pad(Math.floor((m % 1440) / 60))}:${pad(m % 60)}`;
  };
  return `${at(start)}-${at(start + minutes)}`;
}

/** The account id inside an ARN: arn:partition:service:region:account:resource. */
export function accountOf(arn: string): string {
  const account = arn.split(":")[4];
  if (!account || !/^\d{12}$/.test(account)) throw new RangeError(`no account id in ARN "${arn}"`);
  return account;
}
