import { stackS3RequireLifecycle } from "../../../policies/stack/stack-s3-require-lifecycle";
import { describeStackPolicy } from "../harness";
import { bucketStack } from "../fixtures";

describeStackPolicy(stackS3RequireLifecycle, [
  {
    resources: bucketStack(),
    cases: [
      {
        rule: "no lifecycle configuration",
        remove: "media-lifecycle",
        expect: /Bucket media has no lifecycle configuration/,
      },
      {
        rule: "the only rule is disabled",
        set: ["media-lifecycle", "rules.0.status", "Disabled"],
        expect: /no enabled rule/,
      },
    ],
  },
]);
