import type { Usage } from "../requests";
import type { PodRequests, PodShape, Workload } from "../workloads";
import { ClusterState } from "./cluster-state";
import { nodeMatches, untoleratedTaint, type Failure, type Pod } from "./filters";
import { HOSTNAME, ZONE, type PlannedNode } from "./nodes";
import { cores, describe, gib } from "./reasons";

export interface NodePlacement {
  name: string;
  zone?: string;
  /** What pods may request of the node. */
  allocatable: Usage;
  /** What the pods placed on it request. */
  requested: Usage;
  /** Pods on it: `Kind/namespace/name#replica`. */
  pods: string[];
}

export interface PoolPlacement {
  pool: string;
  type: string;
  nodes: NodePlacement[];
}

export interface UnschedulablePod {
  /** `Kind/namespace/name`. */
  workload: string;
  /** Replica index (0-based); a DaemonSet's is the node's name. */
  replica: number | string;
  /** A Job or CronJob pod: it could not start even alone beside the long-running pods. */
  transient: boolean;
  reason: string;
  /** URN of the registration that makes the workload. */
  urn: string;
}

export interface Placement {
  pools: PoolPlacement[];
  /** Pods of long-running workloads that landed on a node. */
  placed: number;
  unschedulable: UnschedulablePod[];
}

export interface PlacementOptions {
  /**
   * Placements a backtracking search may try when first-fit leaves pods out: first-fit is not
   * complete (bins of 10 take 4+3+3 twice, which first-fit-decreasing misses), the search is, up
   * to this budget; past it first-fit's answer stands. @default 50000
   */
  searchBudget?: number;
}

const usage = (r: PodRequests): Usage => ({ cpu: cores(r.milliCpu), memoryGi: gib(r.memoryBytes) });
const workloadId = (w: Workload) => `${w.kind}/${w.namespace}/${w.name}`;

/**
 * Placing order by kind of pod: those that keep others apart (anti-affinity, hard spread) first,
 * then the plain ones, and last those that must join pods placed before them (pod affinity).
 */
const rank = (s: PodShape) =>
  s.podAffinity.length > 0 ? 2 : s.podAntiAffinity.length + s.spread.length > 0 ? 0 : 1;

/**
 * Places every pod: DaemonSet pods first (one on each node that their selector, affinity and
 * tolerations admit), then the other long-running pods first-fit on the nodes in pool order, the
 * most constrained first (by `rank`, then fewest admissible nodes, then largest request),
 * then each Job's pods on their own against that result. Deterministic for the same input.
 */
export function placePods(
  nodes: PlannedNode[],
  workloads: Workload[],
  options: PlacementOptions = {},
): Placement {
  const state = new ClusterState(nodes);
  const unschedulable: UnschedulablePod[] = [];
  const fail = (pod: Pod, reason: string, replica: number | string = pod.index) =>
    unschedulable.push({
      workload: workloadId(pod.workload),
      replica,
      transient: pod.workload.transient,
      reason,
      urn: pod.workload.urn,
    });
  const podsOf = (w: Workload, count: number): Pod[] =>
    Array.from({ length: count }, (_, index) => ({
      id: `${workloadId(w)}#${index}`,
      workload: w,
      index,
      shape: w.pod,
      namespace: w.namespace,
    }));

  // DaemonSets: the DaemonSet controller makes a pod for every node the pod's selector, affinity
  // and tolerations admit (pkg/controller/daemon, NodeShouldRunDaemonPod); it must then fit.
  for (const w of workloads.filter((x) => x.daemon && !x.transient)) {
    let index = 0;
    nodes.forEach((node, n) => {
      if (!nodeMatches(w.pod, node) || untoleratedTaint(w.pod, node)) return;
      const [pod] = podsOf(w, 1);
      Object.assign(pod, { index, id: `${workloadId(w)}#${node.name}` });
      index++;
      const failure = state.checkPods(pod, node) ?? state.checkFit(pod, n);
      if (failure)
        fail(pod, `on node ${node.name}: ${describe(pod, [[n, failure]], state)}`, node.name);
      else state.place(pod, n);
    });
  }

  const admissible = (p: Pod) =>
    nodes.filter((node) => nodeMatches(p.shape, node) && !untoleratedTaint(p.shape, node)).length;
  const pending = workloads
    .filter((w) => !w.daemon && !w.transient)
    .flatMap((w) => podsOf(w, w.replicas))
    .map((p, order) => ({ p, order, reach: admissible(p) }))
    .sort(
      (a, b) =>
        rank(a.p.shape) - rank(b.p.shape) ||
        a.reach - b.reach ||
        b.p.shape.requests.milliCpu - a.p.shape.requests.milliCpu ||
        b.p.shape.requests.memoryBytes - a.p.shape.requests.memoryBytes ||
        a.order - b.order,
    )
    .map((x) => x.p);

  const firstFit = (pod: Pod) => nodes.findIndex((_, n) => state.check(pod, n) === null);
  let left: Pod[] = pending;
  const where = new Map<Pod, number>();
  // Passes until one places nothing more: a pod may need a pod placed after it (pod affinity).
  for (let before = Infinity; left.length > 0 && left.length < before;) {
    before = left.length;
    left = left.filter((pod) => {
      const n = firstFit(pod);
      if (n < 0) return true;
      state.place(pod, n);
      where.set(pod, n);
      return false;
    });
  }
  if (left.length > 0) {
    const found = search(state, pending, options.searchBudget ?? 50000);
    if (found) {
      for (const [pod, n] of where) state.remove(pod, n);
      pending.forEach((pod, i) => state.place(pod, found[i]));
      left = [];
    }
  }
  for (const pod of left)
    fail(
      pod,
      describe(
        pod,
        nodes.map((_, n) => [n, state.check(pod, n)!] as [number, Failure]),
        state,
      ),
    );

  // Jobs and CronJobs: each one's pods on their own beside the long-running pods.
  for (const w of workloads.filter((x) => x.transient)) {
    const placed: [Pod, number][] = [];
    for (const pod of podsOf(w, Math.max(1, w.replicas))) {
      const n = firstFit(pod);
      if (n < 0) {
        const reason = describe(
          pod,
          nodes.map((_, i) => [i, state.check(pod, i)!] as [number, Failure]),
          state,
        );
        fail(pod, `${reason} (runs to completion; checked alone beside the long-running pods)`);
        continue;
      }
      state.place(pod, n);
      placed.push([pod, n]);
    }
    for (const [pod, n] of placed) state.remove(pod, n);
  }

  const pools: PoolPlacement[] = [];
  nodes.forEach((node, n) => {
    let pool = pools.find((p) => p.pool === node.pool);
    if (!pool) pools.push((pool = { pool: node.pool, type: node.type, nodes: [] }));
    pool.nodes.push({
      name: node.name,
      ...(node.labels[ZONE] !== undefined ? { zone: node.labels[ZONE] } : {}),
      allocatable: usage(node.allocatable),
      requested: usage(state.used[n]),
      pods: state.pods[n].map((p) => p.id),
    });
  });
  const placed = state.pods.reduce((s, ps) => s + ps.filter((p) => !p.workload.daemon).length, 0);
  return { pools, placed, unschedulable };
}

/**
 * Depth-first search over the pods in `order`, from an empty state but for the DaemonSet pods
 * already placed. Identical replicas without a spread constraint take nodes in non-decreasing
 * order, and of several empty nodes alike (pool, zone, type) only the first is tried: neither cuts
 * a solution, both cut the symmetric ones. Returns node indices in `order`, or null.
 */
function search(initial: ClusterState, order: Pod[], budget: number): number[] | null {
  const state = new ClusterState(initial.nodes);
  initial.pods.forEach((ps, n) =>
    ps.filter((p) => p.workload.daemon).forEach((p) => state.place(p, n)),
  );
  const chosen: number[] = [];
  let steps = 0;
  // Nodes alike but for their name: same labels (hostname aside), taints and room.
  const alike = state.nodes.map((node) => {
    const labels = Object.entries(node.labels).filter(([k]) => k !== HOSTNAME);
    return JSON.stringify([labels, node.taints, node.allocatable]);
  });
  const signature = (n: number) =>
    state.pods[n].every((p) => p.workload.daemon)
      ? `${alike[n]}|${state.used[n].milliCpu}|${state.used[n].memoryBytes}`
      : undefined;
  const dfs = (i: number): boolean => {
    if (i === order.length) return true;
    const pod = order[i];
    const prev = order[i - 1];
    const from =
      prev && prev.workload === pod.workload && pod.shape.spread.length === 0 ? chosen[i - 1] : 0;
    const tried = new Set<string>();
    for (let n = from; n < state.nodes.length; n++) {
      const sig = signature(n);
      if (sig !== undefined) {
        if (tried.has(sig)) continue;
        tried.add(sig);
      }
      if (++steps > budget) return false;
      if (state.check(pod, n) !== null) continue;
      state.place(pod, n);
      chosen[i] = n;
      if (dfs(i + 1)) return true;
      state.remove(pod, n);
      if (steps > budget) return false;
    }
    return false;
  };
  return dfs(0) ? chosen.slice(0, order.length) : null;
}
