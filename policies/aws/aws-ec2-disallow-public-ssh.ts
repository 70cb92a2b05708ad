import * as aws from "@pulumi/aws";
import {
  ResourceValidationArgs,
  ResourceValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import { configSchema, readConfig } from "../config";
import {
  fromAwsIngressRule,
  fromAwsSecurityGroup,
  fromAwsSecurityGroupRule,
  sshCheck,
} from "../lib/ingress";

const adminCidrs = (args: ResourceValidationArgs) => readConfig(args).adminCidrs;

export const awsEc2DisallowPublicSsh: ResourceValidationPolicy = {
  name: "aws-ec2-disallow-public-ssh",
  description:
    "Infrastructure recommendations, Security Infrastructure (SSH from VPN/jumpbox only) and self-hosted deployment §2.1: security groups open SSH (22, or 2222) only to adminCidrs or private ranges, never to 0.0.0.0/0 or ::/0.",
  configSchema: configSchema("adminCidrs"),
  validateResource: [
    validateResourceOfType(aws.ec2.SecurityGroup, sshCheck(fromAwsSecurityGroup, adminCidrs)),
    validateResourceOfType(
      aws.ec2.SecurityGroupRule,
      sshCheck(fromAwsSecurityGroupRule, adminCidrs),
    ),
    validateResourceOfType(
      aws.vpc.SecurityGroupIngressRule,
      sshCheck(fromAwsIngressRule, adminCidrs),
    ),
  ],
};
