import type { Role } from "../../config";

/** Label every node of a role's pool carries; the platform layer pins workloads with it. */
export const ROLE_LABEL = "platform/role";

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
