import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

const REQUIRED = ["api", "audit", "authenticator"];

export const awsEksRequireAuditLogs: ResourceValidationPolicy = {
  name: "aws-eks-require-audit-logs",
  description:
    "Self-hosted deployment §2.2 and §7.2 (comprehensive audit trails): EKS clusters ship the api, audit and authenticator control-plane logs.",
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, _args, report) => {
    const enabled = cluster.enabledClusterLogTypes ?? [];
    const missing = REQUIRED.filter((t) => !enabled.includes(t));
    if (missing.length > 0) report(`enabledClusterLogTypes lacks ${missing.join(", ")}.`);
  }),
};
