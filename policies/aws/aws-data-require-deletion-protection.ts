import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { reportUnprotected, requireProtect } from "../lib/protect";

const PROTECT = "set the resource option protect: true so Pulumi refuses to delete it.";
/** The longest waiting period KMS allows before it deletes a key (7 to 30 days). */
const KMS_MAX_WINDOW_DAYS = 30;

export const awsDataRequireDeletionProtection: ResourceValidationPolicy = {
  name: "aws-data-require-deletion-protection",
  description:
    "Self-hosted deployment §3 (backup and disaster recovery) and the platform's stateful-resource rule: RDS instances, ElastiCache groups, EBS volumes, S3 buckets and the KMS keys that encrypt them carry protect, RDS also its own deletionProtection, and a KMS key the longest deletion window (30 days).",
  validateResource: [
    validateResourceOfType(aws.rds.Instance, (db, args, report) => {
      if (db.deletionProtection !== true)
        report("deletionProtection is not true on the RDS instance.");
      reportUnprotected(args, report, "RDS instance", PROTECT);
    }),
    requireProtect(aws.elasticache.ReplicationGroup, "ElastiCache replication group", PROTECT),
    requireProtect(aws.ebs.Volume, "EBS volume", PROTECT),
    requireProtect(aws.s3.Bucket, "S3 bucket", PROTECT),
    requireProtect(aws.s3.BucketV2, "S3 bucket", PROTECT),
    // Deleting a key makes everything encrypted with it unreadable, backups included.
    validateResourceOfType(aws.kms.Key, (key, args, report) => {
      reportUnprotected(args, report, "KMS key", PROTECT);
      const window = key.deletionWindowInDays ?? KMS_MAX_WINDOW_DAYS;
      if (window < KMS_MAX_WINDOW_DAYS)
        report(
          `deletionWindowInDays is ${window}; use ${KMS_MAX_WINDOW_DAYS}, so a scheduled deletion can be cancelled for a month.`,
        );
    }),
  ],
};
