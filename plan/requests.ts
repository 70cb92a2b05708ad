import { resolveProfile } from "../catalog";
import { ROLE_LABEL, TAINTED_ROLES } from "../components/cluster";
import type { NodePoolConfig, Role, StackConfig } from "../config";
import type { Registered } from "./mocks";

/** CPU cores of a Kubernetes quantity: "500m" → 0.5, "2" → 2. */
export function cpuCores(q: unknown): number {
  if (typeof q === "number") return q;
  if (typeof q !== "string") return 0;
  return q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q) || 0;
}

const UNITS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
};

/** GiB of a Kubernetes memory quantity: "512Mi" → 0.5, "4Gi" → 4, "1G" → 0.93. */
export function memoryGi(q: unknown): number {
  if (typeof q === "number") return q / 2 ** 30;
  const m = typeof q === "string" ? /^(\d+(?:\.\d+)?)([KMGT]i?|k)?$/.exec(q) : null;
  if (!m) return 0;
  return (Number(m[1]) * (m[2] ? UNITS[m[2]] : 1)) / 2 ** 30;
}

export interface Usage {
  cpu: number;
  memoryGi: number;
}

export interface Requests extends Usage {
  /** Requests of DaemonSet pods, paid once on every node. */
  perNode: Usage;
  /** The same requests by the node pool role the workload is pinned to; `unpinned` for the rest. */
  byPool: Record<string, Usage>;
}

/** Keys that count a workload's pods: Kubernetes, chart values, CloudNativePG, Elastic node sets. */
const REPLICA_KEYS = ["replicas", "replicaCount", "instances", "count"];
export const UNPINNED = "unpinned";

/** The role a `nodeSelector` (of a pod spec, chart values or CloudNativePG's affinity) pins to. */
function pinnedRole(o: Record<string, unknown>): string | undefined {
  const affinity = o.affinity as Record<string, unknown> | undefined;
  const selector = (o.nodeSelector ?? affinity?.nodeSelector) as
    Record<string, unknown> | undefined;
  const role = selector?.[ROLE_LABEL];
  return typeof role === "string" ? role : undefined;
}

/** Where an object sits: the nearest enclosing replica count and node pool role. */
export interface Scale {
  count: number;
  role: string;
}

/**
 * Visits every object in a workload's spec or chart values with its scale: the nearest enclosing
 * replica count (a workload without one runs one pod) and the role of the nearest enclosing node
 * selector. `visit` returns the keys it has read itself, which are not descended into.
 */
export function forEachScaled(
  node: unknown,
  visit: (o: Record<string, any>, scale: Scale) => Iterable<string>,
  scale: Scale = { count: 1, role: UNPINNED },
): void {
  if (Array.isArray(node)) return node.forEach((n) => forEachScaled(n, visit, scale));
  if (!node || typeof node !== "object") return;
  const o = node as Record<string, any>;
  const count = REPLICA_KEYS.map((k) => o[k]).find((v) => typeof v === "number") as
    number | undefined;
  const here = { count: count ?? scale.count, role: pinnedRole(o) ?? scale.role };
  const read = new Set(visit(o, here));
  for (const [k, v] of Object.entries(o)) if (!read.has(k)) forEachScaled(v, visit, here);
}

const round = (n: number) => Math.round(n * 100) / 100;

/** What the stack asks the cluster to reserve: the sum of every workload's requests. */
export function sumRequests(registered: Registered[]): Requests {
  const total = { cpu: 0, memoryGi: 0 };
  const perNode = { cpu: 0, memoryGi: 0 };
  const byPool: Record<string, Usage> = {};
  for (const r of registered) {
    if (!r.custom || !r.type.startsWith("kubernetes:")) continue;
    const daemon = r.type === "kubernetes:apps/v1:DaemonSet";
    const source = r.type === "kubernetes:helm.sh/v3:Release" ? r.inputs.values : r.inputs.spec;
    forEachScaled(source, (o, { count, role }) => {
      const requests = o.resources?.requests;
      if (!requests) return [];
      const cpu = cpuCores(requests.cpu) * count;
      const mem = memoryGi(requests.memory) * count;
      const targets = daemon ? [perNode] : [total, (byPool[role] ??= { cpu: 0, memoryGi: 0 })];
      for (const t of targets) {
        t.cpu += cpu;
        t.memoryGi += mem;
      }
      return ["resources"];
    });
  }
  const rounded = (u: Usage) => ({ cpu: round(u.cpu), memoryGi: round(u.memoryGi) });
  return {
    ...rounded(total),
    perNode: rounded(perNode),
    byPool: Object.fromEntries(Object.entries(byPool).map(([k, u]) => [k, rounded(u)])),
  };
}

/** One node pool at its largest: what it offers, and what is asked of it. */
export interface PoolFit {
  role: Role;
  nodes: number;
  /** Allocatable at `nodes`, less the DaemonSets' share on every node. */
  capacity: Usage;
  /** Requests pinned to the pool, plus the unpinned ones on the pools without a taint. */
  requested: Usage;
  fits: boolean;
}

export interface Capacity extends Usage {
  pools: PoolFit[];
}

/**
 * What the node pools offer at their largest: vCPU and memory of the resolved machine types times
 * each pool's maximum, less what the kubelet and system daemons keep (about 10 % CPU, 20 % memory),
 * set against what the workloads pinned to each pool request. Unpinned workloads may land on any
 * pool without a taint, so they are set against those pools together. Null for an existing
 * cluster, which is not ours to size.
 */
export function poolCapacity(config: StackConfig, requests: Requests): Capacity | null {
  if (config.provider === "existing") return null;
  const open = (Object.keys(config.nodePools) as Role[]).filter((r) => !TAINTED_ROLES.includes(r));
  const openNodes = open.reduce((n, r) => n + config.nodePools[r]!.max, 0);
  const pools: PoolFit[] = [];
  for (const [role, pool] of Object.entries(config.nodePools) as [Role, NodePoolConfig][]) {
    const type = resolveProfile(config.provider, pool.profile).type;
    const capacity = {
      cpu: round(pool.max * (type.vcpu * 0.9 - requests.perNode.cpu)),
      memoryGi: round(pool.max * (type.memoryGb * 0.8 - requests.perNode.memoryGi)),
    };
    const pinned = requests.byPool[role] ?? { cpu: 0, memoryGi: 0 };
    // The unpinned requests, shared among the open pools by their node counts.
    const share = open.includes(role) && openNodes > 0 ? pool.max / openNodes : 0;
    const unpinned = requests.byPool[UNPINNED] ?? { cpu: 0, memoryGi: 0 };
    const requested = {
      cpu: round(pinned.cpu + share * unpinned.cpu),
      memoryGi: round(pinned.memoryGi + share * unpinned.memoryGi),
    };
    pools.push({
      role,
      nodes: pool.max,
      capacity,
      requested,
      fits: requested.cpu <= capacity.cpu && requested.memoryGi <= capacity.memoryGi,
    });
  }
  return {
    cpu: round(pools.reduce((n, p) => n + p.capacity.cpu, 0)),
    memoryGi: round(pools.reduce((n, p) => n + p.capacity.memoryGi, 0)),
    pools,
  };
}
