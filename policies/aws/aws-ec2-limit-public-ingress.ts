import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import {
  fromAwsIngressRule,
  fromAwsSecurityGroup,
  fromAwsSecurityGroupRule,
  publicPortCheck,
} from "../lib/ingress";

export const awsEc2LimitPublicIngress: ResourceValidationPolicy = {
  name: "aws-ec2-limit-public-ingress",
  description:
    "Infrastructure recommendations, Security Infrastructure (only HTTP/HTTPS from anywhere; PostgreSQL and Redis internal only): security groups open nothing but 80 and 443 to the internet, so Postgres, Valkey, Sentinel, MinIO, the Kubernetes API and exporters stay internal.",
  validateResource: [
    validateResourceOfType(aws.ec2.SecurityGroup, publicPortCheck(fromAwsSecurityGroup)),
    validateResourceOfType(aws.ec2.SecurityGroupRule, publicPortCheck(fromAwsSecurityGroupRule)),
    validateResourceOfType(aws.vpc.SecurityGroupIngressRule, publicPortCheck(fromAwsIngressRule)),
  ],
};
