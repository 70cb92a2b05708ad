import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";
import { cidrWithinAny } from "../lib/cidr";

export const awsEksLimitPublicEndpoint: ResourceValidationPolicy = {
  name: "aws-eks-limit-public-endpoint",
  description:
    "Infrastructure recommendations, Security Infrastructure (admin access from VPN/jumpbox only): the EKS API endpoint is private, or public only to adminCidrs.",
  configSchema: configSchema("adminCidrs"),
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, args, report) => {
    // EKS turns the public endpoint on, open to 0.0.0.0/0, unless told otherwise.
    if (cluster.vpcConfig?.endpointPublicAccess === false) return;
    const cidrs = cluster.vpcConfig?.publicAccessCidrs ?? [];
    if (cidrs.length === 0) {
      report("the public API endpoint is open to 0.0.0.0/0; disable it or list adminCidrs.");
      return;
    }
    const { adminCidrs } = readConfig(args);
    for (const cidr of cidrs.filter((c) => !cidrWithinAny(c, adminCidrs))) {
      report(`publicAccessCidrs allows ${cidr}, which is not in adminCidrs.`);
    }
  }),
};
