import * as aws from "@pulumi/aws";
import { awsEc2DisallowPublicSsh } from "../../../policies/aws/aws-ec2-disallow-public-ssh";
import { describeResourcePolicy } from "../harness";

const config = { adminCidrs: ["203.0.113.0/24"] };

describeResourcePolicy(awsEc2DisallowPublicSsh, [
  {
    type: aws.ec2.SecurityGroup,
    config,
    props: {
      ingress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["203.0.113.0/26"] },
        { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/16"] },
      ],
    },
    cases: [
      {
        rule: "SSH open to 0.0.0.0/0",
        set: ["ingress.1.cidrBlocks", ["0.0.0.0/0"]],
        expect: /SSH port 22 to 0\.0\.0\.0\/0/,
      },
      {
        rule: "SSH moved to 2222 but open to ::/0",
        set: [
          "ingress.1",
          { protocol: "tcp", fromPort: 2222, toPort: 2222, ipv6CidrBlocks: ["::/0"] },
        ],
        expect: /SSH port 2222 to ::\/0/,
      },
      {
        rule: "SSH from a public address outside adminCidrs",
        set: ["ingress.1.cidrBlocks", ["198.51.100.7/32"]],
        expect: /198\.51\.100\.7\/32, which is not in adminCidrs/,
      },
      {
        rule: "no adminCidrs means SSH is allowed from no public address",
        config: { adminCidrs: [] },
        expect: /not in adminCidrs/,
      },
      {
        rule: "all traffic from the internet includes SSH",
        set: ["ingress.2.cidrBlocks", ["0.0.0.0/0"]],
        expect: /SSH port 22 to 0\.0\.0\.0\/0/,
      },
      {
        rule: "a split 0.0.0.0/1 is still the internet",
        set: ["ingress.1.cidrBlocks", ["0.0.0.0/1"]],
        expect: /SSH port 22 to 0\.0\.0\.0\/1/,
      },
    ],
    passes: [
      {
        rule: "SSH comes from the private VPC range",
        set: ["ingress.1.cidrBlocks", ["10.0.1.0/24"]],
      },
    ],
  },
  {
    type: aws.ec2.SecurityGroupRule,
    config,
    props: {
      type: "ingress",
      protocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrBlocks: ["203.0.113.10/32"],
      securityGroupId: "sg-1",
    },
    cases: [
      {
        rule: "SSH rule open to the internet",
        set: ["cidrBlocks", ["0.0.0.0/0"]],
        expect: /SSH port 22 to 0\.0\.0\.0\/0/,
      },
    ],
    passes: [{ rule: "the rule is egress", set: ["type", "egress"] }],
  },
  {
    type: aws.vpc.SecurityGroupIngressRule,
    config,
    props: {
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "203.0.113.10/32",
      securityGroupId: "sg-1",
    },
    cases: [
      {
        rule: "SSH rule open to 0.0.0.0/0",
        set: ["cidrIpv4", "0.0.0.0/0"],
        expect: /SSH port 22 to 0\.0\.0\.0\/0/,
      },
      { rule: "SSH rule open to ::/0", set: ["cidrIpv6", "::/0"], expect: /SSH port 22 to ::\/0/ },
    ],
  },
]);
