import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import {
  fromAwsIngressRule,
  fromAwsSecurityGroup,
  fromAwsSecurityGroupRule,
  publicPortFindings,
} from "../lib/ingress";

export const awsEc2LimitPublicIngress: ResourceValidationPolicy = {
  name: "aws-ec2-limit-public-ingress",
  description:
    "Infrastructure recommendations, Security Infrastructure (only HTTP/HTTPS from anywhere; PostgreSQL and Redis internal only): security groups open nothing but 80 and 443 to the internet, so Postgres, Valkey, Sentinel, MinIO, the Kubernetes API and exporters stay internal.",
  validateResource: [
    validateResourceOfType(aws.ec2.SecurityGroup, (sg, _args, report) =>
      publicPortFindings(fromAwsSecurityGroup(sg)).forEach((m) => report(m)),
    ),
    validateResourceOfType(aws.ec2.SecurityGroupRule, (rule, _args, report) =>
      publicPortFindings(fromAwsSecurityGroupRule(rule)).forEach((m) => report(m)),
    ),
    validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (rule, _args, report) =>
      publicPortFindings(fromAwsIngressRule(rule)).forEach((m) => report(m)),
    ),
  ],
};
