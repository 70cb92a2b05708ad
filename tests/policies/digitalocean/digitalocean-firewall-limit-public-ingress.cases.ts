import * as digitalocean from "@pulumi/digitalocean";
import { digitaloceanFirewallLimitPublicIngress } from "../../../policies/digitalocean/digitalocean-firewall-limit-public-ingress";
import { describeResourcePolicy } from "../harness";
import { doFirewall } from "../fixtures";

describeResourcePolicy(digitaloceanFirewallLimitPublicIngress, [
  {
    type: digitalocean.Firewall,
    props: doFirewall(),
    cases: [
      {
        rule: "Postgres open to the internet",
        set: ["inboundRules.3.sourceAddresses", ["0.0.0.0/0"]],
        expect: /port 5432 \(Postgres 5432\)/,
      },
      {
        rule: "a port range 1-65535 open to the internet",
        set: ["inboundRules.0.portRange", "1-65535"],
        expect: /all ports/,
      },
      {
        rule: "MinIO console open to ::/0",
        set: ["inboundRules.1.portRange", "9001"],
        expect: /MinIO console 9001/,
      },
    ],
  },
]);
