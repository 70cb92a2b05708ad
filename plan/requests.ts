import { resolveProfile } from "../catalog";
import type { StackConfig } from "../config";
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

export interface Requests {
  cpu: number;
  memoryGi: number;
  /** Requests of DaemonSet pods, paid once on every node. */
  perNode: { cpu: number; memoryGi: number };
}

const REPLICA_KEYS = ["replicas", "replicaCount", "instances", "count"];

/**
 * Sums `resources.requests` found anywhere in an object (pod templates, chart values, operator
 * specs), each multiplied by the nearest enclosing replica count.
 */
function walk(node: unknown, multiplier: number, add: (cpu: number, mem: number) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, multiplier, add));
  if (!node || typeof node !== "object") return;
  const o = node as Record<string, unknown>;
  const count = REPLICA_KEYS.map((k) => o[k]).find((v) => typeof v === "number") as
    number | undefined;
  const m = count !== undefined ? count : multiplier;
  const res = o.resources as { requests?: Record<string, unknown> } | undefined;
  if (res && typeof res === "object" && res.requests)
    add(cpuCores(res.requests.cpu) * m, memoryGi(res.requests.memory) * m);
  for (const [k, v] of Object.entries(o)) if (k !== "resources") walk(v, m, add);
}

/** What the stack asks the cluster to reserve: the sum of every workload's requests. */
export function sumRequests(registered: Registered[]): Requests {
  const total = { cpu: 0, memoryGi: 0, perNode: { cpu: 0, memoryGi: 0 } };
  for (const r of registered) {
    if (!r.custom || !r.type.startsWith("kubernetes:")) continue;
    const daemon = r.type === "kubernetes:apps/v1:DaemonSet";
    const target = daemon ? total.perNode : total;
    const source = r.type === "kubernetes:helm.sh/v3:Release" ? r.inputs.values : r.inputs.spec;
    // A workload without `replicas` runs one pod (Deployments default to 1).
    walk(source, 1, (cpu, mem) => {
      target.cpu += cpu;
      target.memoryGi += mem;
    });
  }
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    cpu: round(total.cpu),
    memoryGi: round(total.memoryGi),
    perNode: { cpu: round(total.perNode.cpu), memoryGi: round(total.perNode.memoryGi) },
  };
}

/**
 * What the node pools offer at their largest: vCPU and memory of the resolved machine types times
 * each pool's maximum, less what the kubelet and system daemons keep (about 10 % CPU, 20 % memory).
 * Null for an existing cluster, which is not ours to size.
 */
export function poolCapacity(config: StackConfig): { cpu: number; memoryGi: number } | null {
  if (config.provider === "existing") return null;
  let cpu = 0;
  let memoryGi = 0;
  for (const pool of Object.values(config.nodePools)) {
    const type = resolveProfile(config.provider, pool.profile).type;
    cpu += pool.max * type.vcpu * 0.9;
    memoryGi += pool.max * type.memoryGb * 0.8;
  }
  return { cpu: Math.round(cpu * 100) / 100, memoryGi: Math.round(memoryGi * 100) / 100 };
}
