import { stackCloudfrontRequireOriginLock } from "../../../policies/stack/stack-cloudfront-require-origin-lock";
import { describeStackPolicy, UNKNOWN } from "../harness";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const PROXY = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy";
const LB = "service.beta.kubernetes.io/aws-load-balancer";
const PREFIX_LIST = "pl-3b927c52";
const fromCloudFront = { protocol: "tcp", fromPort: 80, toPort: 443, prefixListIds: [PREFIX_LIST] };
const gatewayOrigin = {
  originId: "gateway",
  domainName: "origin.example.com",
  customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only" },
};
const proxy = (annotations: Record<string, unknown>) => ({
  type: PROXY,
  name: "gateway-proxy",
  props: {
    metadata: { name: "gateway", namespace: "gateway" },
    spec: { provider: { kubernetes: { envoyService: { annotations } } } },
  },
  refs: { spec: ["dmz"] },
});
const annotations = { [`${LB}-type`]: "external", [`${LB}-security-groups`]: "sg-dmz" };

describeStackPolicy(stackCloudfrontRequireOriginLock, [
  {
    resources: [
      {
        type: "aws:cloudfront/distribution:Distribution",
        name: "cdn",
        props: { aliases: ["example.com"], origins: [gatewayOrigin] },
      },
      {
        type: SG,
        name: "dmz",
        props: { id: "sg-dmz", tags: { tier: "dmz" }, ingress: [fromCloudFront] },
      },
      {
        type: SG,
        name: "app",
        props: { id: "sg-app", ingress: [{ ...fromCloudFront, cidrBlocks: ["0.0.0.0/0"] }] },
      },
      proxy(annotations),
    ],
    cases: [
      {
        rule: "the NLB's group admits 443 from anywhere",
        set: [
          "dmz",
          "ingress",
          [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
        ],
        expect:
          /^SecurityGroup dmz fronts the gateway's NLB and admits 80\/443 from 0\.0\.0\.0\/0, so clients reach the gateway around CloudFront's WAF/,
      },
      {
        rule: "a standalone rule opens 80 to the IPv6 internet on the NLB's group",
        add: {
          type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
          name: "dmz-http-v6",
          props: {
            securityGroupId: "sg-dmz",
            ipProtocol: "tcp",
            fromPort: 80,
            toPort: 80,
            cidrIpv6: "::/0",
          },
          refs: { securityGroupId: ["dmz"] },
        },
        expect: /SecurityGroup dmz .* admits 80\/443 from ::\/0/,
      },
      {
        rule: "the NLB's group admits every port from anywhere",
        set: [
          "dmz",
          "ingress",
          [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        ],
        expect: /SecurityGroup dmz fronts the gateway's NLB/,
      },
      {
        rule: "the gateway's Service names no security group",
        set: ["gateway-proxy", "spec", proxy({ [`${LB}-type`]: "external" }).props.spec],
        expect:
          /^EnvoyProxy gateway-proxy: the gateway's NLB names no security group \(service\.beta\.kubernetes\.io\/aws-load-balancer-security-groups\)/,
      },
    ],
    passes: [
      {
        rule: "the NLB's group also admits the VPC's own addresses on 443",
        set: [
          "dmz",
          "ingress",
          [
            fromCloudFront,
            { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] },
          ],
        ],
      },
      {
        rule: "the annotation's value is unknown in preview: the groups the spec came from are judged",
        set: [
          "gateway-proxy",
          "spec",
          proxy({ ...annotations, [`${LB}-security-groups`]: UNKNOWN }).props.spec,
        ],
      },
    ],
  },
  {
    resources: [
      {
        type: "aws:cloudfront/distribution:Distribution",
        name: "media-only",
        props: {
          aliases: ["media.example.com"],
          origins: [{ originId: "media", domainName: "b.s3.amazonaws.com" }],
        },
      },
      {
        type: SG,
        name: "dmz",
        props: {
          id: "sg-dmz",
          ingress: [{ ...fromCloudFront, prefixListIds: [], cidrBlocks: ["0.0.0.0/0"] }],
        },
      },
      proxy(annotations),
    ],
    cases: [
      {
        rule: "the config names the group's distribution in another stack while the NLB stays open",
        config: { frontedBy: "production-large" },
        expect: /SecurityGroup dmz fronts the gateway's NLB and admits 80\/443 from 0\.0\.0\.0\/0/,
      },
      {
        rule: "CloudFront gains the gateway as an origin while the NLB stays open",
        set: ["media-only", "origins", [gatewayOrigin]],
        expect: /SecurityGroup dmz fronts the gateway's NLB and admits 80\/443 from 0\.0\.0\.0\/0/,
      },
    ],
  },
]);
