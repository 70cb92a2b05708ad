import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { bucketCompanionPolicy } from "../lib/buckets";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const stackS3RequirePublicAccessBlock: StackValidationPolicy = bucketCompanionPolicy({
  name: "stack-s3-require-public-access-block",
  description:
    "Self-hosted deployment §2.2 (access control with least privilege) and Infrastructure recommendations, Security Infrastructure: every S3 bucket has a public access block with all four flags true.",
  types: [aws.s3.BucketPublicAccessBlock],
  what: "public access block",
  problem: (block) => {
    const off = FLAGS.filter((f) => block[f] !== true);
    return off.length === 0 ? undefined : `its public access block leaves ${off.join(", ")} off.`;
  },
});
