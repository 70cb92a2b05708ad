import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** True when an add-on's configuration values turn the VPC CNI's network policy agent on. */
function enforcesNetworkPolicy(configurationValues: string | undefined): boolean {
  try {
    const values = JSON.parse(configurationValues ?? "{}");
    return String(values.enableNetworkPolicy) === "true";
  } catch {
    return false;
  }
}

export const awsEksRequireNetworkPolicy: ResourceValidationPolicy = {
  name: "aws-eks-require-network-policy",
  description:
    "Infrastructure recommendations, Security Infrastructure, Firewall Rules (PostgreSQL 5432 and Redis 6379 internal only): the platform keeps its data tier private with Kubernetes NetworkPolicies, which EKS enforces only when the vpc-cni add-on sets enableNetworkPolicy.",
  validateResource: validateResourceOfType(aws.eks.Addon, (addon, _args, report) => {
    if (addon.addonName !== "vpc-cni") return;
    if (!enforcesNetworkPolicy(addon.configurationValues))
      report(
        'the vpc-cni add-on does not set enableNetworkPolicy to "true": NetworkPolicies are accepted but not enforced.',
      );
  }),
};
