import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";
import { describe, ofType, refersTo } from "../lib/stack";

export const stackEksRequireAccessEntries: StackValidationPolicy = {
  name: "stack-eks-require-access-entries",
  description:
    "Self-hosted deployment §2.2 (access control: role-based access with least privilege): a production EKS cluster is reachable by more than its creator, granting at least one named principal access through an access entry with an access policy association or Kubernetes groups (platform:kubernetes.access).",
  validateStack: (args, report) => {
    const production = readConfig(args).environment === "production";
    const clusters = production ? ofType(args.resources, aws.eks.Cluster) : [];
    const entries = ofType(args.resources, aws.eks.AccessEntry);
    const associations = ofType(args.resources, aws.eks.AccessPolicyAssociation);
    for (const cluster of clusters) {
      // An entry with neither an access policy nor a group lets its principal in with no rights:
      // https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
      const granting = entries.filter(
        (e) =>
          refersTo(e, "clusterName", cluster, ["name"]) &&
          ((e.props.kubernetesGroups ?? []).length > 0 ||
            associations.some((a) => refersTo(a, "principalArn", e, ["principalArn"]))),
      );
      if (granting.length === 0)
        report(
          `${describe(cluster)} grants no one but its creator access; list admin roles in platform:kubernetes.access.`,
          cluster.urn,
        );
    }
  },
  configSchema: configSchema("environment"),
};
