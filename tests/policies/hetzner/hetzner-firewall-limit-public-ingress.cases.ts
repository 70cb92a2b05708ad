import * as hcloud from "@pulumi/hcloud";
import { hetznerFirewallLimitPublicIngress } from "../../../policies/hetzner/hetzner-firewall-limit-public-ingress";
import { describeResourcePolicy } from "../harness";
import { hcloudFirewall } from "../fixtures";

describeResourcePolicy(hetznerFirewallLimitPublicIngress, [
  {
    type: hcloud.Firewall,
    props: hcloudFirewall(),
    cases: [
      {
        rule: "the k3s API open to the internet",
        set: ["rules.3.sourceIps", ["0.0.0.0/0"]],
        expect: /Kubernetes API 6443/,
      },
      {
        rule: "a Valkey range open to the internet",
        set: ["rules.1.port", "6379-6380"],
        expect: /Redis\/Valkey 6379/,
      },
      {
        rule: "every port open to the internet",
        set: ["rules.4.sourceIps", ["::/0"]],
        expect: /all ports/,
      },
    ],
  },
]);
