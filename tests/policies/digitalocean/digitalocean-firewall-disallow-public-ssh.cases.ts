import * as digitalocean from "@pulumi/digitalocean";
import { digitaloceanFirewallDisallowPublicSsh } from "../../../policies/digitalocean/digitalocean-firewall-disallow-public-ssh";
import { describeResourcePolicy } from "../harness";
import { doFirewall } from "../fixtures";

describeResourcePolicy(digitaloceanFirewallDisallowPublicSsh, [
  {
    type: digitalocean.Firewall,
    config: { adminCidrs: ["203.0.113.0/24"] },
    props: doFirewall(),
    cases: [
      {
        rule: "SSH open to the internet",
        set: ["inboundRules.2.sourceAddresses", ["0.0.0.0/0", "::/0"]],
        expect: /SSH port 22 to (0\.0\.0\.0\/0|::\/0)/,
      },
      {
        rule: "SSH on 2222 open to the internet",
        set: [
          "inboundRules.2",
          { protocol: "tcp", portRange: "2222", sourceAddresses: ["0.0.0.0/0"] },
        ],
        expect: /SSH port 2222/,
      },
      {
        rule: "every TCP port open to the internet",
        set: ["inboundRules.0.portRange", "all"],
        expect: /SSH port 22 to/,
      },
      {
        rule: "SSH from a public address outside adminCidrs",
        set: ["inboundRules.2.sourceAddresses", ["198.51.100.9"]],
        expect: /198\.51\.100\.9, which is not in adminCidrs/,
      },
    ],
  },
]);
