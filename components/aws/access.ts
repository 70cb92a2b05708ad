import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AccessGrant, AccessLevel } from "../../config";

/**
 * The EKS managed access policy of each level, by scope. AmazonEKSClusterAdminPolicy is
 * cluster-admin and takes the cluster scope; a namespaced admin gets AmazonEKSAdminPolicy, the
 * Kubernetes `admin` user-facing role. Edit and view match the `edit` and `view` roles.
 * https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
 */
export const ACCESS_POLICIES: Record<AccessLevel, { cluster: string; namespace: string }> = {
  admin: { cluster: "AmazonEKSClusterAdminPolicy", namespace: "AmazonEKSAdminPolicy" },
  edit: { cluster: "AmazonEKSEditPolicy", namespace: "AmazonEKSEditPolicy" },
  view: { cluster: "AmazonEKSViewPolicy", namespace: "AmazonEKSViewPolicy" },
};

/** A managed access policy's ARN: arn:aws:eks::aws:cluster-access-policy/<name> (same docs page). */
export const accessPolicyArn = (policy: string) =>
  `arn:aws:eks::aws:cluster-access-policy/${policy}`;

/** The policy association a grant makes: which policy, over the cluster or some namespaces. */
export interface AccessAssociation {
  policyArn: string;
  accessScope: { type: "cluster" } | { type: "namespace"; namespaces: string[] };
}

export function accessAssociation(grant: AccessGrant): AccessAssociation {
  const namespaces = grant.namespaces ?? [];
  const scope = namespaces.length > 0 ? "namespace" : "cluster";
  return {
    policyArn: accessPolicyArn(ACCESS_POLICIES[grant.level][scope]),
    accessScope: scope === "cluster" ? { type: "cluster" } : { type: "namespace", namespaces },
  };
}

/** The last part of an IAM principal ARN, path dropped. @example "platform-admin" */
export const principalName = (arn: string) => arn.split("/").pop() ?? arn;

/** Account, kind, path and name of a principal: unique per principal, so it names its resources. */
const principalId = (arn: string) => arn.split(":").slice(4).join("-").replace(/\//g, "-");

/** The kubeconfig command of one grant: the CLI assumes the role for its tokens (users need none). */
export function kubeconfigCommand(
  clusterName: string,
  region: string,
  stack: string,
  grant: AccessGrant,
): string {
  const role = /:role\//.test(grant.principalArn) ? ` --role-arn ${grant.principalArn}` : "";
  const alias = `${stack}-${grant.level}-${principalName(grant.principalArn)}`;
  return `aws eks update-kubeconfig --name ${clusterName} --region ${region}${role} --alias ${alias}`;
}

/**
 * An access entry and its policy association per grant. The cluster name is the plain config value
 * (the entry waits for the cluster through dependsOn), so the policy pack can match entries to
 * their cluster even in a preview. Access entries cost nothing.
 */
export function accessEntries(
  name: string,
  clusterName: string,
  grants: AccessGrant[],
  opts: pulumi.CustomResourceOptions,
): aws.eks.AccessPolicyAssociation[] {
  return grants.map((grant) => {
    const id = `${name}-access-${principalId(grant.principalArn)}`;
    const entry = new aws.eks.AccessEntry(
      id,
      { clusterName, principalArn: grant.principalArn, type: "STANDARD" },
      opts,
    );
    const association = accessAssociation(grant);
    return new aws.eks.AccessPolicyAssociation(
      id,
      { clusterName, principalArn: entry.principalArn, ...association },
      opts,
    );
  });
}
