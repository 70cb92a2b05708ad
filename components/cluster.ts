import * as k8s from "@pulumi/kubernetes";
import type { Role } from "../config";

/** Label every node of a role's pool carries; the platform layer pins workloads with it. */
export const ROLE_LABEL = "platform/role";

/**
 * What a cloud layer hands the platform layer: a Kubernetes provider and the facts needed to place
 * and expose workloads. The platform layer never calls a cloud API, so this is all it knows.
 */
export interface ClusterFacts {
  provider: k8s.Provider;
  /** Roles that have a dedicated node pool. Workloads of other roles share the app nodes. */
  pools: Role[];
  /** Storage class for persistent volumes; empty for the cluster's default. */
  storageClass: string;
}

/** Pool roles whose nodes are tainted so that only that role's workloads land there. */
export const TAINTED_ROLES: readonly Role[] = ["db", "storage", "monitoring", "gateway"];

/** nodeSelector and tolerations that pin a workload to its role's pool, when the cluster has one. */
export function placement(role: Role, pools: readonly Role[]) {
  if (!pools.includes(role)) return {};
  return {
    nodeSelector: { [ROLE_LABEL]: role },
    tolerations: TAINTED_ROLES.includes(role)
      ? [{ key: ROLE_LABEL, operator: "Equal", value: role, effect: "NoSchedule" }]
      : undefined,
  };
}
