import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { checkBucketCompanions } from "../lib/buckets";

export const stackS3RequireLifecycle: StackValidationPolicy = {
  name: "stack-s3-require-lifecycle",
  description:
    "Infrastructure recommendations, Storage Strategy (lifecycle policies) and File Storage Backups (previous versions kept 30 days): every S3 bucket has a lifecycle configuration with an enabled rule.",
  validateStack: (args, report) =>
    checkBucketCompanions(args, report, {
      types: [aws.s3.BucketLifecycleConfiguration, aws.s3.BucketLifecycleConfigurationV2],
      what: "lifecycle configuration",
      problem: (lc) => {
        const rules: { status?: string }[] = lc.rules ?? [];
        return rules.some((r) => r.status === "Enabled")
          ? undefined
          : "its lifecycle configuration has no enabled rule.";
      },
      inline: (b) =>
        (b.lifecycleRules ?? []).some((r: { enabled?: boolean }) => r.enabled === true),
    }),
};
