/**
 * The servers of a stack: each group's machines, names, addresses, k3s role, taints and placement
 * group, worked out from the stack config so every rule is tested without the Pulumi runtime.
 */
import { PROFILES, resolveProfile } from "../../catalog";
import type { Profile, Resolved } from "../../catalog";
import { ROLES, type Role, type StackConfig } from "../../config";
import { TAINTED_ROLES } from "../k8s";
import { physicalName } from "../kit/naming";
import { privateIp, SLOTS, subnetPlan, type NetworkTier, type NodeGroup } from "./subnets";

/** Labels the layer sets on servers (hcloud) and nodes (Kubernetes). */
export const LABELS = {
  role: "platform/role",
  cluster: "platform/cluster",
  tier: "platform/tier",
  controlPlane: "platform/control-plane",
} as const;

/**
 * The k3s servers when they get machines of their own. k3s's sizing guide asks 2 vCPU / 4 GB of
 * a server with embedded etcd for a cluster of up to 10 agents.
 */
export const CONTROL_PLANE_PROFILE: Profile = {
  vcpu: 2,
  memoryGb: 4,
  diskGb: 0,
  doc: "k3s documentation, server sizing with embedded etcd (up to 10 agents)",
};

/** How a server takes part in k3s: the first server, a joining server, or an agent. */
export type K3sMode = "init" | "server" | "agent";

export interface NodeSpec {
  /** Server name, hostname and Kubernetes node name. @example "platform-prod-db-1" */
  name: string;
  group: NodeGroup;
  /** The `platform/role` of a pool's node; undefined on a dedicated k3s server. */
  role?: Role;
  /** 1-based position in its group. */
  index: number;
  /** The cheapest x86 server type meeting the group's profile, with the volume for the rest. */
  resolved: Resolved;
  privateIp: string;
  tier: NetworkTier;
  k3s: K3sMode;
  /** Runs the k3s datastore or keeps data: delete protection, backups and `protect`. */
  stateful: boolean;
  /** k3s `node-taint` values. */
  taints: string[];
  /** Which of the group's spread placement groups (0-based) the server joins. */
  placementGroup: number;
}

/** Roles whose pool keeps data on the node (self-hosted §1.1's database, storage, monitoring). */
export const STATEFUL_ROLES: readonly Role[] = ["db", "storage", "monitoring"];

/**
 * Dedicated k3s servers keep workloads off with k3s's documented taint; the cloud controller,
 * CoreDNS and metrics-server tolerate it.
 */
export const CONTROL_PLANE_TAINT = "CriticalAddonsOnly=true:NoExecute";

/**
 * Server types are x86 (amd64): the product's own images come from the stack config and may be
 * built for amd64 only, and the catalog has no ARM type cheaper than the x86 choice for any
 * documented profile (a test keeps that true).
 */
export function resolveNode(profile: keyof typeof PROFILES | Profile): Resolved {
  return resolveProfile("hetzner", profile, { arch: "amd64" });
}

/** Roles with a pool of at least one server, in the documents' tier order. */
export function poolRoles(config: StackConfig): Role[] {
  return ROLES.filter((role) => (config.nodePools[role]?.desired ?? 0) > 0);
}

/**
 * Where the k3s control plane runs. One server in all: that server. Production: three dedicated
 * servers (an etcd quorum survives one loss) rather than three of the documented nodes, so that
 * the DMZ node never holds the cluster's datastore and secrets, Prometheus' and Postgres' disk
 * load never delays etcd, and a role's node can be rebuilt without touching the quorum; they add
 * three of the cheapest type. Other multi-node stacks: one dedicated server. The count is
 * `kubernetes.controlPlaneServers` (config/presets.ts: 3 in production, 1 otherwise).
 */
export function controlPlaneServers(config: StackConfig): number {
  const workers = poolRoles(config).reduce((n, r) => n + config.nodePools[r]!.desired, 0);
  if (workers <= 1) return 0;
  return config.kubernetes.controlPlaneServers;
}

/** k3s `node-taint` values of a role's servers: the tainted roles keep other workloads off. */
export function roleTaints(role: Role): string[] {
  return TAINTED_ROLES.includes(role) ? [`${LABELS.role}=${role}:NoSchedule`] : [];
}

/** Hetzner names end a cut name with 6 hex digits of its hash (2 fewer than the kit's default). */
export const HETZNER_NAME_HASH_LENGTH = 6;

/** A spread placement group holds at most 10 servers, each on different physical hardware. */
export const PLACEMENT_GROUP_SIZE = 10;

/** Every server of the stack: dedicated k3s servers first, then each role's pool. */
export function nodePlan(config: StackConfig, prefix: string): NodeSpec[] {
  const plan = subnetPlan(config.network.cidr);
  const dedicated = controlPlaneServers(config);
  const nodes: NodeSpec[] = [];
  const spec = (group: NodeGroup, index: number, resolved: Resolved) => ({
    name: physicalName([prefix, group, String(index)], 63, HETZNER_NAME_HASH_LENGTH),
    group,
    index,
    resolved,
    privateIp: privateIp(plan, group, index),
    tier: SLOTS[group].tier,
    placementGroup: Math.floor((index - 1) / PLACEMENT_GROUP_SIZE),
  });
  const controlPlane = resolveNode(CONTROL_PLANE_PROFILE);
  for (let i = 1; i <= dedicated; i++) {
    nodes.push({
      ...spec("control-plane", i, controlPlane),
      k3s: i === 1 ? "init" : "server",
      stateful: true,
      taints: [CONTROL_PLANE_TAINT],
    });
  }
  for (const role of poolRoles(config)) {
    const pool = config.nodePools[role]!;
    const resolved = resolveNode(pool.profile);
    for (let i = 1; i <= pool.desired; i++) {
      const single = dedicated === 0;
      nodes.push({
        ...spec(role, i, resolved),
        role,
        // With no dedicated servers the only server runs k3s and, with it, every workload.
        k3s: single ? "init" : "agent",
        stateful: single || STATEFUL_ROLES.includes(role),
        taints: roleTaints(role),
      });
    }
  }
  return nodes;
}
