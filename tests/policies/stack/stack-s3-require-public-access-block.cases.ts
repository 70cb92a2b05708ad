import { stackS3RequirePublicAccessBlock } from "../../../policies/stack/stack-s3-require-public-access-block";
import { describeStackPolicy } from "../harness";
import { bucketStack } from "../fixtures";

describeStackPolicy(stackS3RequirePublicAccessBlock, [
  {
    resources: bucketStack(),
    cases: [
      {
        rule: "no public access block",
        remove: "media-public-access",
        expect: /has no public access block/,
      },
      {
        rule: "public ACLs allowed",
        set: ["media-public-access", "blockPublicAcls", false],
        expect: /leaves blockPublicAcls off/,
      },
      {
        rule: "public policies allowed",
        set: ["media-public-access", "blockPublicPolicy", false],
        expect: /blockPublicPolicy/,
      },
      {
        rule: "public ACLs honoured",
        set: ["media-public-access", "ignorePublicAcls", undefined],
        expect: /ignorePublicAcls/,
      },
      {
        rule: "public buckets not restricted",
        set: ["media-public-access", "restrictPublicBuckets", false],
        expect: /restrictPublicBuckets/,
      },
    ],
  },
]);
