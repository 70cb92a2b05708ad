import { stackR2DisallowPublicAccess } from "../../../policies/stack/stack-r2-disallow-public-access";
import { describeStackPolicy } from "../harness";
import { R2, r2Domain, r2Stack } from "../cloudflare/r2";

describeStackPolicy(stackR2DisallowPublicAccess, [
  {
    resources: r2Stack(),
    cases: [
      {
        rule: "the media bucket's r2.dev domain is enabled",
        add: r2Domain(R2.managedDomain, "r2-media"),
        expect: /enables public access to bucket p-media at r2.dev/,
      },
      {
        rule: "a custom domain serves the backup bucket",
        add: r2Domain(R2.customDomain, "r2-backup", { domain: "backup.example.com" }),
        expect: /serves the backup bucket R2Bucket r2-backup publicly at backup.example.com/,
      },
    ],
    passes: [
      {
        rule: "the r2.dev domain is managed but disabled",
        add: r2Domain(R2.managedDomain, "r2-media", { enabled: false }),
      },
      {
        rule: "a custom domain behind the edge serves the media bucket",
        add: r2Domain(R2.customDomain, "r2-media", { domain: "media.example.com" }),
      },
    ],
  },
]);
