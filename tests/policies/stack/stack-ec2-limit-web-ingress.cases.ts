import { stackEc2LimitWebIngress } from "../../../policies/stack/stack-ec2-limit-web-ingress";
import { describeStackPolicy, UNKNOWN } from "../harness";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const web = { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] };

describeStackPolicy(stackEc2LimitWebIngress, [
  {
    resources: [
      { type: SG, name: "dmz", props: { id: "sg-dmz", tags: { tier: "dmz" }, ingress: [web] } },
      {
        type: SG,
        name: "app",
        props: {
          id: "sg-app",
          tags: { tier: "app" },
          ingress: [{ ...web, cidrBlocks: ["10.0.0.0/16"] }],
        },
      },
      {
        type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        name: "dmz-http",
        props: {
          securityGroupId: "sg-dmz",
          ipProtocol: "tcp",
          fromPort: 80,
          toPort: 80,
          cidrIpv4: "0.0.0.0/0",
        },
        refs: { securityGroupId: ["dmz"] },
      },
      {
        type: "aws:ec2/securityGroupRule:SecurityGroupRule",
        name: "dmz-https-v6",
        props: {
          type: "ingress",
          securityGroupId: "sg-dmz",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          ipv6CidrBlocks: ["::/0"],
        },
      },
    ],
    cases: [
      {
        rule: "the app tier serves the internet",
        set: ["app", "ingress.0.cidrBlocks", ["0.0.0.0/0"]],
        expect: /^SecurityGroup app opens 80\/443 to the internet, not tagged tier=dmz\.$/,
      },
      {
        rule: "the DMZ group loses its tier tag",
        set: ["dmz", "tags", { tier: "app" }],
        expect: /not tagged tier=dmz/,
      },
      {
        rule: "a rule opens 80 on the app group",
        add: {
          type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
          name: "app-http",
          props: {
            securityGroupId: "sg-app",
            ipProtocol: "tcp",
            fromPort: 80,
            toPort: 80,
            cidrIpv4: "0.0.0.0/0",
          },
          refs: { securityGroupId: ["app"] },
        },
        expect:
          /SecurityGroupIngressRule app-http opens 80\/443 to the internet on SecurityGroup app/,
      },
      {
        rule: "a standalone rule, matched by id, moves to the app group",
        set: ["dmz-https-v6", "securityGroupId", "sg-app"],
        expect: /SecurityGroupRule dmz-https-v6 .* SecurityGroup app/,
      },
      {
        rule: "a rule opens 443 on a group outside the stack",
        set: ["dmz-https-v6", "securityGroupId", "sg-elsewhere"],
        expect:
          /SecurityGroupRule dmz-https-v6 opens 80\/443 to the internet on a group outside this stack/,
      },
    ],
    passes: [
      {
        rule: "the app group's computed inline ingress is unknown in preview",
        set: ["app", "ingress", UNKNOWN],
      },
    ],
  },
]);
