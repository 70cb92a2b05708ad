import { stackS3RequireEncryption } from "../../../policies/stack/stack-s3-require-encryption";
import { describeStackPolicy } from "../harness";
import { bucketStack } from "../fixtures";

describeStackPolicy(stackS3RequireEncryption, [
  {
    resources: [...bucketStack("media"), ...bucketStack("backups")],
    cases: [
      {
        rule: "a bucket without an encryption configuration",
        remove: "backups-sse",
        expect: /Bucket backups has no server-side encryption configuration/,
      },
      {
        rule: "an encryption configuration without an algorithm",
        set: ["media-sse", "rules", []],
        expect: /Bucket media: its encryption configuration sets no default algorithm/,
      },
      {
        rule: "a new bucket added without one",
        add: {
          type: "aws:s3/bucket:Bucket",
          name: "uploads",
          props: { id: "uploads-id", bucket: "uploads-id" },
        },
        expect: /Bucket uploads has no/,
      },
    ],
    passes: [
      {
        rule: "the configuration names the bucket by value only",
        set: ["media-sse", "bucket", "media-id"],
      },
    ],
  },
]);
