import { ROLE_LABEL } from "../components/k8s/placement";
import type { Workload } from "./workloads";

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

/**
 * What the stack asks the cluster to reserve: every long-running workload's requests times its
 * replicas, DaemonSet pods once per node, and the same by the pool role a workload's
 * `platform/role` node selector pins it to (`unpinned` for the rest). Jobs are left out: they
 * hold their requests only while they run.
 */
export function sumRequests(workloads: Workload[]): Requests {
  const total = { cpu: 0, memoryGi: 0 };
  const perNode = { cpu: 0, memoryGi: 0 };
  const byPool: Record<string, Usage> = {};
  for (const w of workloads) {
    if (w.transient) continue;
    const count = w.daemon ? 1 : w.replicas;
    const cpu = (w.pod.requests.milliCpu / 1000) * count;
    const mem = (w.pod.requests.memoryBytes / 2 ** 30) * count;
    const role = w.pod.nodeSelector[ROLE_LABEL] ?? UNPINNED;
    const targets = w.daemon ? [perNode] : [total, (byPool[role] ??= { cpu: 0, memoryGi: 0 })];
    for (const t of targets) {
      t.cpu += cpu;
      t.memoryGi += mem;
    }
  }
  const rounded = (u: Usage) => ({ cpu: round(u.cpu), memoryGi: round(u.memoryGi) });
  return {
    ...rounded(total),
    perNode: rounded(perNode),
    byPool: Object.fromEntries(Object.entries(byPool).map(([k, u]) => [k, rounded(u)])),
  };
}
