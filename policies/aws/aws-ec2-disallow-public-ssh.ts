import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";
import {
  fromAwsIngressRule,
  fromAwsSecurityGroup,
  fromAwsSecurityGroupRule,
  sshFindings,
} from "../lib/ingress";

export const awsEc2DisallowPublicSsh: ResourceValidationPolicy = {
  name: "aws-ec2-disallow-public-ssh",
  description:
    "Infrastructure recommendations, Security Infrastructure (SSH from VPN/jumpbox only) and self-hosted deployment §2.1: security groups open SSH (22, or 2222) only to adminCidrs or private ranges, never to 0.0.0.0/0 or ::/0.",
  configSchema: configSchema("adminCidrs"),
  validateResource: [
    validateResourceOfType(aws.ec2.SecurityGroup, (sg, args, report) =>
      sshFindings(fromAwsSecurityGroup(sg), readConfig(args).adminCidrs).forEach((m) => report(m)),
    ),
    validateResourceOfType(aws.ec2.SecurityGroupRule, (rule, args, report) =>
      sshFindings(fromAwsSecurityGroupRule(rule), readConfig(args).adminCidrs).forEach((m) =>
        report(m),
      ),
    ),
    validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (rule, args, report) =>
      sshFindings(fromAwsIngressRule(rule), readConfig(args).adminCidrs).forEach((m) => report(m)),
    ),
  ],
};
