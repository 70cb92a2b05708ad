import * as aws from "@pulumi/aws";
import { awsEc2LimitPublicIngress } from "../../../policies/aws/aws-ec2-limit-public-ingress";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(awsEc2LimitPublicIngress, [
  {
    type: aws.ec2.SecurityGroup,
    props: {
      ingress: [
        {
          protocol: "tcp",
          fromPort: 80,
          toPort: 80,
          cidrBlocks: ["0.0.0.0/0"],
          ipv6CidrBlocks: ["::/0"],
        },
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "udp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "icmp", fromPort: -1, toPort: -1, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/16"] },
      ],
    },
    cases: [
      {
        rule: "Postgres 5432 open to the internet",
        set: ["ingress.4.cidrBlocks", ["0.0.0.0/0"]],
        expect: /port 5432 \(Postgres 5432\) to 0\.0\.0\.0\/0/,
      },
      {
        rule: "Redis 6379 open to ::/0",
        set: [
          "ingress.1",
          { protocol: "tcp", fromPort: 6379, toPort: 6379, ipv6CidrBlocks: ["::/0"] },
        ],
        expect: /Redis\/Valkey 6379/,
      },
      {
        rule: "Sentinel 26379 open to the internet",
        set: [
          "ingress.1",
          { protocol: "tcp", fromPort: 26379, toPort: 26379, cidrBlocks: ["0.0.0.0/0"] },
        ],
        expect: /Sentinel 26379/,
      },
      {
        rule: "MinIO 9000-9001 open to the internet",
        set: [
          "ingress.1",
          { protocol: "tcp", fromPort: 9000, toPort: 9001, cidrBlocks: ["0.0.0.0/0"] },
        ],
        expect: /MinIO API 9000, MinIO console 9001/,
      },
      {
        rule: "the Kubernetes API 6443 open to the internet",
        set: [
          "ingress.1",
          { protocol: "tcp", fromPort: 6443, toPort: 6443, cidrBlocks: ["0.0.0.0/0"] },
        ],
        expect: /Kubernetes API 6443/,
      },
      {
        rule: "node exporter 9100 open to the internet",
        set: [
          "ingress.1",
          { protocol: "tcp", fromPort: 9100, toPort: 9100, cidrBlocks: ["0.0.0.0/0"] },
        ],
        expect: /node exporter 9100/,
      },
      {
        rule: "a range 80-443 opens everything between",
        set: ["ingress.0.toPort", 443],
        expect: /ports 80-443/,
      },
      {
        rule: "all protocols open to the internet",
        set: ["ingress.1.protocol", "-1"],
        expect: /all ports/,
      },
    ],
  },
  {
    type: aws.ec2.SecurityGroupRule,
    props: {
      type: "ingress",
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrBlocks: ["0.0.0.0/0"],
      securityGroupId: "sg-1",
    },
    cases: [
      {
        rule: "a standalone rule widens 443 into a range of data and admin ports",
        set: ["toPort", 6379],
        expect: /ports 443-6379 \(SSH 2222, .* and \d+ more\)/,
      },
    ],
  },
  {
    type: aws.vpc.SecurityGroupIngressRule,
    props: {
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
      securityGroupId: "sg-1",
    },
    cases: [
      {
        rule: "a VPC ingress rule opens all traffic to the internet",
        set: ["ipProtocol", "-1"],
        expect: /all ports/,
      },
    ],
  },
]);
