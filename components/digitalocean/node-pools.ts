/** The DOKS node pools: which roles get one, and each pool's size and placement labels. */
import { resolveProfile } from "../../catalog";
import { ROLES, type Role, type StackConfig } from "../../config";
import { ROLE_LABEL, TAINTED_ROLES } from "../k8s";

const CLOUD = "digitalocean";

/**
 * The roles that get a pool. The db pool hosts the self-hosted Postgres and Valkey and the storage
 * pool the self-hosted MinIO: when DigitalOcean runs those services, a pool of their own would
 * stand empty at full price, so it is left out and the facts say so (`pools`).
 */
export function poolRoles(config: StackConfig): Role[] {
  const needed: Record<Role, boolean> = {
    app: true,
    gateway: true,
    monitoring: true,
    db: config.database.mode === "self-hosted" || config.cache.mode === "self-hosted",
    storage: config.objectStorage.mode === "self-hosted",
  };
  return ROLES.filter((role) => config.nodePools[role] !== undefined && needed[role]);
}

export interface PoolSpec {
  role: Role;
  /** Pool name in DOKS. @example "app" */
  name: string;
  /** Droplet size slug resolved from the pool's documented profile. @example "s-2vcpu-4gb" */
  size: string;
  nodeCount: number;
  autoScale: boolean;
  minNodes?: number;
  maxNodes?: number;
  labels: Record<string, string>;
  taints: { key: string; value: string; effect: "NoSchedule" }[];
  /** Monthly price of `nodeCount` nodes. */
  monthlyUsd: number;
}

/**
 * One pool per role that needs one, the app pool first (it becomes the cluster's default pool).
 * Sizes come from the documented profiles; the autoscaler runs only where min and max differ
 * (staging: "auto-scaling disabled", 3..3).
 */
export function nodePoolSpecs(config: StackConfig): PoolSpec[] {
  return poolRoles(config).map((role) => {
    const pool = config.nodePools[role]!;
    const resolved = resolveProfile(CLOUD, pool.profile);
    const autoScale = pool.min !== pool.max;
    return {
      role,
      name: role,
      size: resolved.type.name,
      nodeCount: pool.desired,
      autoScale,
      ...(autoScale ? { minNodes: pool.min, maxNodes: pool.max } : {}),
      labels: { [ROLE_LABEL]: role },
      taints: TAINTED_ROLES.includes(role)
        ? [{ key: ROLE_LABEL, value: role, effect: "NoSchedule" as const }]
        : [],
      monthlyUsd: resolved.type.monthlyUsd * pool.desired,
    };
  });
}
