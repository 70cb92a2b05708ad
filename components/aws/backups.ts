import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { managedPolicy, serviceRole } from "./iam";
import { protectedKey } from "./kms";

/**
 * The region backups are copied to: the nearest region of the same geography, so copies stay under
 * the same data-residency rules (tiers document, Backup Strategy: "Primary: Same cloud provider
 * (different region)").
 */
export const DR_REGIONS: Record<string, string> = {
  "us-east-1": "us-west-2",
  "us-east-2": "us-west-2",
  "us-west-1": "us-east-1",
  "us-west-2": "us-east-1",
  "ca-central-1": "ca-west-1",
  "eu-west-1": "eu-central-1",
  "eu-west-2": "eu-west-1",
  "eu-west-3": "eu-central-1",
  "eu-central-1": "eu-west-1",
  "eu-north-1": "eu-central-1",
  "ap-southeast-1": "ap-southeast-2",
  "ap-southeast-2": "ap-southeast-1",
  "ap-northeast-1": "ap-northeast-3",
  "ap-south-1": "ap-south-2",
};

/** The copy region of `region`, or undefined where no pair is listed. */
export function drRegionFor(region: string): string | undefined {
  return DR_REGIONS[region];
}

export interface BackupRule {
  name: "daily" | "weekly" | "monthly";
  /** AWS cron: cron(minutes hours day-of-month month day-of-week year). */
  schedule: string;
  deleteAfterDays: number;
}

/**
 * Tiers document, Backup Strategy: full backup daily at 2 AM UTC, kept 7 daily, 4 weekly and 12
 * monthly. Weekly points are taken on Sundays and monthly ones on the 1st, at the daily time; a
 * count of 0 drops the rule.
 */
export function backupRules(
  time: { hour: number; minute: number },
  keep: { daily: number; weekly: number; monthly: number },
): BackupRule[] {
  const at = `${time.minute} ${time.hour}`;
  const rules: BackupRule[] = [
    { name: "daily", schedule: `cron(${at} * * ? *)`, deleteAfterDays: keep.daily },
  ];
  if (keep.weekly > 0)
    rules.push({
      name: "weekly",
      schedule: `cron(${at} ? * SUN *)`,
      deleteAfterDays: keep.weekly * 7,
    });
  if (keep.monthly > 0)
    rules.push({
      name: "monthly",
      schedule: `cron(${at} 1 * ? *)`,
      deleteAfterDays: Math.ceil((keep.monthly * 365) / 12),
    });
  return rules;
}

export interface BackupsArgs {
  /** ARNs of what is backed up (the RDS primary). */
  resourceArns: pulumi.Input<string>[];
  /** Daily backup time, UTC. @example { hour: 2, minute: 0 } */
  time: { hour: number; minute: number };
  /** Recovery points kept. @example { daily: 7, weekly: 4, monthly: 12 } */
  keep: { daily: number; weekly: number; monthly: number };
  /** Region every recovery point is copied to; none when undefined. @example "us-west-2" */
  copyRegion?: string;
}

/**
 * AWS Backup: a plan with the documents' daily, weekly and monthly retention into a vault encrypted
 * with its own KMS key, and for the large tiers a copy of every recovery point in a vault of a
 * second region (its own key there). Cost: storage of the recovery points (usage, not estimated)
 * and one KMS key per vault.
 */
export class Backups extends pulumi.ComponentResource {
  public readonly vaultName: pulumi.Output<string>;
  public readonly copyVaultArn?: pulumi.Output<string>;

  constructor(name: string, args: BackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:aws:Backups", name, args, opts);
    const parent = { parent: this };
    const stateful = { ...parent, protect: true };

    const key = protectedKey(`${name}-key`, "AWS Backup vault", stateful);
    const vault = new aws.backup.Vault(`${name}-vault`, { kmsKeyArn: key.arn }, stateful);
    this.vaultName = vault.name;

    let copyVault: aws.backup.Vault | undefined;
    if (args.copyRegion) {
      // A resource's own region (provider v7) places the copy without a second provider.
      const copyKey = protectedKey(
        `${name}-copy-key`,
        "AWS Backup copy vault",
        stateful,
        args.copyRegion,
      );
      copyVault = new aws.backup.Vault(
        `${name}-copy-vault`,
        { region: args.copyRegion, kmsKeyArn: copyKey.arn },
        stateful,
      );
      this.copyVaultArn = copyVault.arn;
    }

    const plan = new aws.backup.Plan(
      `${name}-plan`,
      {
        rules: backupRules(args.time, args.keep).map((rule) => ({
          ruleName: rule.name,
          targetVaultName: vault.name,
          schedule: rule.schedule,
          scheduleExpressionTimezone: "Etc/UTC",
          startWindow: 60,
          completionWindow: 360,
          lifecycle: { deleteAfter: rule.deleteAfterDays },
          copyActions: copyVault
            ? [
                {
                  destinationVaultArn: copyVault.arn,
                  lifecycle: { deleteAfter: rule.deleteAfterDays },
                },
              ]
            : undefined,
        })),
      },
      parent,
    );
    const role = serviceRole(`${name}-role`, "backup.amazonaws.com", parent);
    for (const policy of [
      "AWSBackupServiceRolePolicyForBackup",
      "AWSBackupServiceRolePolicyForRestores",
    ]) {
      new aws.iam.RolePolicyAttachment(
        `${name}-${policy}`,
        { role: role.name, policyArn: managedPolicy(`service-role/${policy}`) },
        parent,
      );
    }
    new aws.backup.Selection(
      `${name}-selection`,
      { planId: plan.id, iamRoleArn: role.arn, resources: args.resourceArns },
      parent,
    );
    this.registerOutputs({ vaultName: this.vaultName, copyVaultArn: this.copyVaultArn });
  }
}
