import * as hcloud from "@pulumi/hcloud";
import { hetznerFirewallDisallowPublicSsh } from "../../../policies/hetzner/hetzner-firewall-disallow-public-ssh";
import { describeResourcePolicy } from "../harness";
import { hcloudFirewall } from "../fixtures";

describeResourcePolicy(hetznerFirewallDisallowPublicSsh, [
  {
    type: hcloud.Firewall,
    config: { adminCidrs: ["203.0.113.0/24"] },
    props: hcloudFirewall(),
    cases: [
      {
        rule: "SSH on 2222 open to the internet",
        set: ["rules.2.sourceIps", ["0.0.0.0/0"]],
        expect: /SSH port 2222 to 0\.0\.0\.0\/0/,
      },
      {
        rule: "SSH on 22 open to ::/0",
        set: ["rules.2", { direction: "in", protocol: "tcp", port: "22", sourceIps: ["::/0"] }],
        expect: /SSH port 22 to ::\/0/,
      },
      {
        rule: "every port open to the internet",
        set: ["rules.4.sourceIps", ["0.0.0.0/0"]],
        expect: /SSH port 22 to 0\.0\.0\.0\/0/,
      },
      {
        rule: "the admin range is not configured",
        config: { adminCidrs: [] },
        expect: /not in adminCidrs/,
      },
    ],
    passes: [{ rule: "the open rule is outbound", set: ["rules.2.direction", "out"] }],
  },
]);
