import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

const PROTECT = "set the resource option protect: true so Pulumi refuses to delete it.";

export const awsDataRequireDeletionProtection: ResourceValidationPolicy = {
  name: "aws-data-require-deletion-protection",
  description:
    "Self-hosted deployment §3 (backup and disaster recovery) and the platform's stateful-resource rule: RDS instances, ElastiCache groups, EBS volumes and S3 buckets carry protect, and RDS also its own deletionProtection.",
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
  ],
};
