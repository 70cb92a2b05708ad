import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { bucketCompanionPolicy } from "../lib/buckets";

export const stackS3RequireVersioning: StackValidationPolicy = bucketCompanionPolicy({
  name: "stack-s3-require-versioning",
  description:
    "Infrastructure recommendations, Storage Strategy and File Storage Backups (versioning enabled on S3/MinIO): every S3 bucket has a versioning resource with status Enabled.",
  types: [aws.s3.BucketVersioning, aws.s3.BucketVersioningV2],
  what: "versioning resource",
  problem: (v) => {
    const status = v.versioningConfiguration?.status;
    return status === "Enabled"
      ? undefined
      : `its versioning status is ${status ?? "unset"}, not Enabled.`;
  },
  inline: (b) => b.versioning?.enabled === true,
});
