import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { bucketCompanionPolicy } from "../lib/buckets";

export const stackS3RequireLifecycle: StackValidationPolicy = bucketCompanionPolicy({
  name: "stack-s3-require-lifecycle",
  description:
    "Infrastructure recommendations, Storage Strategy (lifecycle policies) and File Storage Backups (previous versions kept 30 days): every S3 bucket has a lifecycle configuration with an enabled rule.",
  types: [aws.s3.BucketLifecycleConfiguration, aws.s3.BucketLifecycleConfigurationV2],
  what: "lifecycle configuration",
  problem: (lc) => {
    const rules: { status?: string }[] = lc.rules ?? [];
    return rules.some((r) => r.status === "Enabled")
      ? undefined
      : "its lifecycle configuration has no enabled rule.";
  },
  inline: (b) => (b.lifecycleRules ?? []).some((r: { enabled?: boolean }) => r.enabled === true),
});
