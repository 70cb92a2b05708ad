import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

type Cadence = "daily" | "weekly" | "monthly";

/** Infrastructure recommendations, Backup Strategy: 7 daily, 4 weekly, 12 monthly backups. */
const KEEP_DAYS: Record<Cadence, number> = { daily: 7, weekly: 28, monthly: 365 };
const ORDER: Cadence[] = ["daily", "weekly", "monthly"];

/** Cadence of an AWS cron schedule: `cron(min hour day-of-month month day-of-week year)`. */
export function cadenceOf(schedule: string | undefined): Cadence | undefined {
  const m = /^cron\((.+)\)$/.exec((schedule ?? "").trim());
  if (!m) return undefined;
  const [, , dom, month, dow] = m[1].trim().split(/\s+/);
  const any = (f: string | undefined) => f === "*" || f === "?";
  if (!any(dom)) return any(month) ? "monthly" : undefined;
  if (!any(dow)) return "weekly";
  return "daily";
}

export const awsBackupRequireRetention: ResourceValidationPolicy = {
  name: "aws-backup-require-retention",
  description:
    "Infrastructure recommendations, Backup & Disaster Recovery (daily backups kept 7 days, weekly 4 weeks, monthly 12 months): AWS Backup plans keep at least that many of each.",
  validateResource: validateResourceOfType(aws.backup.Plan, (plan, _args, report) => {
    const rules = plan.rules.map((r) => ({
      cadence: cadenceOf(r.schedule),
      days: r.lifecycle?.deleteAfter ?? Infinity,
    }));
    for (const need of ORDER) {
      // A more frequent schedule kept long enough also holds the rarer backups.
      const covered = rules.some(
        (r) =>
          r.cadence && ORDER.indexOf(r.cadence) <= ORDER.indexOf(need) && r.days >= KEEP_DAYS[need],
      );
      if (!covered) report(`no rule keeps ${need} backups for ${KEEP_DAYS[need]} days.`);
    }
  }),
};
