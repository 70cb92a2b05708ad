import * as aws from "@pulumi/aws";
import { awsDataRequireDeletionProtection } from "../../../policies/aws/aws-data-require-deletion-protection";
import { describeResourcePolicy } from "../harness";
import { rdsInstance } from "../fixtures";

const protectedOpts = { protect: true };

describeResourcePolicy(awsDataRequireDeletionProtection, [
  {
    type: aws.rds.Instance,
    props: rdsInstance(),
    opts: protectedOpts,
    cases: [
      {
        rule: "RDS deletion protection off",
        set: ["deletionProtection", false],
        expect: /deletionProtection is not true/,
      },
      {
        rule: "RDS instance without protect",
        opts: { protect: false },
        expect: /RDS instance is unprotected/,
      },
    ],
  },
  {
    type: aws.elasticache.ReplicationGroup,
    props: { description: "cache" },
    opts: protectedOpts,
    cases: [
      {
        rule: "cache without protect",
        opts: { protect: false },
        expect: /ElastiCache .* unprotected/,
      },
    ],
  },
  {
    type: aws.ebs.Volume,
    props: { availabilityZone: "eu-central-1a", size: 100, encrypted: true },
    opts: protectedOpts,
    cases: [
      {
        rule: "EBS volume without protect",
        opts: { protect: false },
        expect: /EBS volume is unprotected/,
      },
    ],
  },
  {
    type: aws.s3.Bucket,
    props: { bucket: "media" },
    opts: protectedOpts,
    cases: [
      {
        rule: "bucket without protect",
        opts: { protect: false },
        expect: /S3 bucket is unprotected/,
      },
    ],
  },
  {
    type: aws.kms.Key,
    props: { description: "RDS", enableKeyRotation: true, deletionWindowInDays: 30 },
    opts: protectedOpts,
    cases: [
      {
        rule: "KMS key without protect",
        opts: { protect: false },
        expect: /KMS key is unprotected/,
      },
      {
        rule: "KMS key deleted after the shortest window",
        set: ["deletionWindowInDays", 7],
        expect: /deletionWindowInDays is 7; use 30/,
      },
    ],
  },
  {
    type: aws.s3.BucketV2,
    props: { bucket: "media" },
    opts: protectedOpts,
    cases: [
      {
        rule: "legacy BucketV2 without protect",
        opts: { protect: false },
        expect: /S3 bucket is unprotected/,
      },
    ],
  },
]);
