import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isGiven } from "../lib/props";

export const awsEksRequireSecretsEncryption: ResourceValidationPolicy = {
  name: "aws-eks-require-secrets-encryption",
  description:
    "Infrastructure recommendations, Security Infrastructure (Kubernetes Secrets encrypted at rest): EKS clusters set an encryptionConfig with a KMS key covering secrets.",
  validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, _args, report) => {
    const config = cluster.encryptionConfig;
    if (!config?.resources?.includes("secrets") || !isGiven(config.provider, "keyArn")) {
      report("encryptionConfig does not encrypt secrets with a KMS key.");
    }
  }),
};
