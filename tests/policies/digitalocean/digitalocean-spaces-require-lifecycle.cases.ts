import * as digitalocean from "@pulumi/digitalocean";
import { digitaloceanSpacesRequireLifecycle } from "../../../policies/digitalocean/digitalocean-spaces-require-lifecycle";
import { describeResourcePolicy } from "../harness";
import { spacesBucket } from "../fixtures";

describeResourcePolicy(digitaloceanSpacesRequireLifecycle, [
  {
    type: digitalocean.SpacesBucket,
    props: spacesBucket(),
    cases: [
      {
        rule: "the lifecycle rule is disabled",
        set: ["lifecycleRules.0.enabled", false],
        expect: /no enabled lifecycleRules/,
      },
      {
        rule: "no lifecycle rules",
        set: ["lifecycleRules", undefined],
        expect: /no enabled lifecycleRules/,
      },
      {
        rule: "the rule never expires old versions",
        set: ["lifecycleRules.0.noncurrentVersionExpiration", undefined],
        expect: /noncurrent versions/,
      },
    ],
  },
]);
