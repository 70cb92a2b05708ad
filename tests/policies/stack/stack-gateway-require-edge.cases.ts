import { stackGatewayRequireEdge } from "../../../policies/stack/stack-gateway-require-edge";
import { describeStackPolicy } from "../harness";
import { distribution } from "../fixtures";
import { apexGateway, record, T } from "../cloudflare/zone";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const LB = "service.beta.kubernetes.io/aws-load-balancer";
/** CloudFront's origin-facing prefix list on the NLB's group (components/aws/firewall.ts). */
const fromCloudFront = { protocol: "tcp", fromPort: 80, toPort: 443, prefixListIds: ["pl-cf"] };
const nlbProxy = (annotations: Record<string, unknown>) => ({
  type: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
  name: "gateway-proxy",
  props: {
    metadata: { name: "gateway", namespace: "gateway" },
    spec: { provider: { kubernetes: { envoyService: { annotations } } } },
  },
  refs: { spec: ["dmz"] },
});

describeStackPolicy(stackGatewayRequireEdge, [
  {
    // Cloudflare proxies the apex the gateway serves.
    resources: [
      { type: T.gateway, name: "public", props: apexGateway() },
      { type: T.record, name: "apex", props: record() },
    ],
    cases: [
      {
        rule: "the record is DNS-only: the host is served straight from the gateway",
        set: ["apex", "proxied", false],
        expect:
          /example.com \(listener https of Gateway public\) is served straight from the gateway/,
      },
      {
        rule: "no edge record at all",
        remove: "apex",
        expect: /is served straight from the gateway/,
      },
      {
        rule: "a second host bypasses the edge",
        set: [
          "public",
          "spec.listeners.2",
          { name: "https-api", protocol: "HTTPS", port: 443, hostname: "api.example.com" },
        ],
        expect: /^api.example.com .*served straight from the gateway/,
      },
    ],
    passes: [
      { rule: "a laptop cluster has no edge", config: { environment: "development" } },
      {
        rule: "a proxied Cloudflare load balancer answers the host",
        add: {
          type: T.lb,
          name: "lb",
          props: { zoneId: "z", name: "api.example.com", proxied: true },
        },
      },
    ],
  },
  {
    // CloudFront with a web ACL answers the apex.
    resources: [
      { type: T.gateway, name: "public", props: apexGateway() },
      {
        type: DISTRIBUTION,
        name: "cdn",
        props: { ...distribution(), aliases: ["example.com"], webAclId: "arn:waf" },
      },
    ],
    cases: [
      {
        rule: "the distribution has no web ACL",
        set: ["cdn", "webAclId", undefined],
        expect: /example.com .*no edge with a WAF answers it/,
      },
      {
        rule: "the host is not an alias of the distribution",
        set: ["cdn", "aliases", ["media.example.com"]],
        expect: /example.com .*served straight from the gateway/,
      },
    ],
  },
  {
    // A secondary region: the group's distribution in stack production-large answers the apex,
    // and the gateway's NLB admits the web from CloudFront's prefix list alone.
    config: { frontedBy: "production-large" },
    resources: [
      { type: T.gateway, name: "public", props: apexGateway() },
      { type: SG, name: "dmz", props: { id: "sg-dmz", ingress: [fromCloudFront] } },
      nlbProxy({ [`${LB}-type`]: "external", [`${LB}-security-groups`]: "sg-dmz" }),
    ],
    cases: [
      {
        rule: "the stack names no distribution that fronts it",
        config: { frontedBy: "" },
        expect:
          /^example.com .*no edge with a WAF answers it \(edge.provider cloudflare or cloudfront\)/,
      },
      {
        rule: "the NLB also admits the internet, so clients go around the distribution",
        set: [
          "dmz",
          "ingress",
          [
            fromCloudFront,
            { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
          ],
        ],
        expect: /example.com .*the distribution of stack production-large fronts it only while/,
      },
      {
        rule: "the NLB's group admits nothing through a prefix list",
        set: ["dmz", "ingress", []],
        expect: /example.com .*served straight from the gateway/,
      },
      {
        rule: "the gateway's NLB names no security group",
        set: ["gateway-proxy", "spec", nlbProxy({ [`${LB}-type`]: "external" }).props.spec],
        expect: /example.com .*served straight from the gateway/,
      },
    ],
    passes: [
      {
        rule: "a second group of the NLB admits Route 53's health checkers by their prefix list",
        add: {
          type: SG,
          name: "health",
          props: {
            id: "sg-health",
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: ["pl-r53"] }],
          },
        },
      },
    ],
  },
]);
