import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { bucketCompanionPolicy } from "../lib/buckets";

const ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

export const stackS3RequireEncryption: StackValidationPolicy = bucketCompanionPolicy({
  name: "stack-s3-require-encryption",
  description:
    "Infrastructure recommendations, Storage Strategy (encryption at rest) and Backup Strategy (AES-256): every S3 bucket has a server-side encryption configuration with a default algorithm.",
  types: [
    aws.s3.BucketServerSideEncryptionConfiguration,
    aws.s3.BucketServerSideEncryptionConfigurationV2,
  ],
  what: "server-side encryption configuration",
  problem: (sse) => {
    const rules: { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[] =
      sse.rules ?? [];
    const ok = rules.some((r) =>
      ALGORITHMS.includes(r.applyServerSideEncryptionByDefault?.sseAlgorithm ?? ""),
    );
    return ok ? undefined : "its encryption configuration sets no default algorithm.";
  },
  inline: (b) =>
    ALGORITHMS.includes(
      b.serverSideEncryptionConfiguration?.rule?.applyServerSideEncryptionByDefault?.sseAlgorithm ??
        "",
    ),
});
