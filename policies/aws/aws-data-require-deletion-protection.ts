import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

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
      if (!args.opts.protect) report(`RDS instance is unprotected: ${PROTECT}`);
    }),
    validateResourceOfType(aws.elasticache.ReplicationGroup, (_group, args, report) => {
      if (!args.opts.protect) report(`ElastiCache replication group is unprotected: ${PROTECT}`);
    }),
    validateResourceOfType(aws.ebs.Volume, (_volume, args, report) => {
      if (!args.opts.protect) report(`EBS volume is unprotected: ${PROTECT}`);
    }),
    validateResourceOfType(aws.s3.Bucket, (_bucket, args, report) => {
      if (!args.opts.protect) report(`S3 bucket is unprotected: ${PROTECT}`);
    }),
    validateResourceOfType(aws.s3.BucketV2, (_bucket, args, report) => {
      if (!args.opts.protect) report(`S3 bucket is unprotected: ${PROTECT}`);
    }),
    // Deleting a key makes everything encrypted with it unreadable, backups included.
    validateResourceOfType(aws.kms.Key, (key, args, report) => {
      if (!args.opts.protect) report(`KMS key is unprotected: ${PROTECT}`);
      const window = key.deletionWindowInDays ?? KMS_MAX_WINDOW_DAYS;
      if (window < KMS_MAX_WINDOW_DAYS)
        report(
          `deletionWindowInDays is ${window}; use ${KMS_MAX_WINDOW_DAYS}, so a scheduled deletion can be cancelled for a month.`,
        );
    }),
  ],
};
