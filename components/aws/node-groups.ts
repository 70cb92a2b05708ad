import { resolveProfile } from "../../catalog";
import type { NodePoolConfig, Role } from "../../config";
import { ROLE_LABEL, TAINTED_ROLES } from "../k8s";

/** Smallest node root volume: the EKS AMI, container images and logs need room (EKS default 20 GB). */
export const MIN_ROOT_VOLUME_GB = 50;

/** Node IAM role policies: kubelet, VPC CNI, image pulls from ECR and SSM access (there is no SSH). */
export const NODE_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryReadOnly",
  "AmazonSSMManagedInstanceCore",
] as const;

/** How a node pool of the config becomes an EKS managed node group. */
export interface NodeGroupPlan {
  role: Role;
  instanceType: string;
  amiType: string;
  rootVolumeGb: number;
  minSize: number;
  maxSize: number;
  desiredSize: number;
  taints: { key: string; value: string; effect: "NO_SCHEDULE" }[];
}

/**
 * Node groups sized by the catalog: the cheapest type that meets the pool's documented profile,
 * the root volume carrying the profile's disk beyond the type's own (at least 50 GB), the pool's
 * autoscaling bounds, and a taint on the roles that keep other workloads off.
 */
export function nodeGroupPlans(pools: Partial<Record<Role, NodePoolConfig>>): NodeGroupPlan[] {
  return (Object.entries(pools) as [Role, NodePoolConfig][]).map(([role, pool]) => {
    const resolved = resolveProfile("aws", pool.profile);
    return {
      role,
      instanceType: resolved.type.name,
      // EKS-optimised Amazon Linux 2023 for the type's CPU architecture.
      amiType: resolved.type.arch === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
      rootVolumeGb: Math.max(MIN_ROOT_VOLUME_GB, resolved.extraDiskGb),
      minSize: pool.min,
      maxSize: pool.max,
      desiredSize: pool.desired,
      taints: TAINTED_ROLES.includes(role)
        ? [{ key: ROLE_LABEL, value: role, effect: "NO_SCHEDULE" as const }]
        : [],
    };
  });
}
