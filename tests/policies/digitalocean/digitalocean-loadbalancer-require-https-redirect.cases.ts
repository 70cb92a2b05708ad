import * as digitalocean from "@pulumi/digitalocean";
import { digitaloceanLoadbalancerRequireHttpsRedirect } from "../../../policies/digitalocean/digitalocean-loadbalancer-require-https-redirect";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(digitaloceanLoadbalancerRequireHttpsRedirect, [
  {
    type: digitalocean.LoadBalancer,
    props: {
      region: "fra1",
      redirectHttpToHttps: true,
      tlsCipherPolicy: "STRONG",
      forwardingRules: [
        { entryPort: 80, entryProtocol: "http", targetPort: 30080, targetProtocol: "http" },
        {
          entryPort: 443,
          entryProtocol: "https",
          targetPort: 30080,
          targetProtocol: "http",
          certificateName: "web",
        },
      ],
    },
    cases: [
      {
        rule: "HTTP served without redirect",
        set: ["redirectHttpToHttps", false],
        expect: /redirectHttpToHttps is not true/,
      },
      {
        rule: "the DEFAULT cipher policy",
        set: ["tlsCipherPolicy", "DEFAULT"],
        expect: /tlsCipherPolicy is DEFAULT/,
      },
    ],
  },
  {
    // A TCP pass-through to the gateway: Envoy's own listeners redirect and terminate TLS.
    type: digitalocean.LoadBalancer,
    props: {
      region: "fra1",
      forwardingRules: [
        { entryPort: 80, entryProtocol: "tcp", targetPort: 30080, targetProtocol: "tcp" },
        { entryPort: 443, entryProtocol: "tcp", targetPort: 30443, targetProtocol: "tcp" },
      ],
    },
    cases: [
      {
        rule: "port 80 switched to HTTP termination without redirect",
        set: ["forwardingRules.0.entryProtocol", "http"],
        expect: /redirectHttpToHttps/,
      },
    ],
  },
]);
