/**
 * The plan's scheduler: every pod replica of a stack placed on its node pools at their minimum
 * size, by the rules kube-scheduler filters with (kubernetes/kubernetes
 * pkg/scheduler/framework/plugins: nodeaffinity, tainttoleration, interpodaffinity,
 * podtopologyspread, noderesources/fit.go). Scoring (preferred rules, ScheduleAnyway spreads,
 * balancing) decides where a pod goes in a real cluster, never whether it can go: it is left out.
 * Pure functions.
 */
import { resolveProfile } from "../catalog";
import type { MachineType } from "../catalog";
import { ROLE_LABEL, TAINTED_ROLES } from "../components/k8s/placement";
import { nodePoolSpecs } from "../components/digitalocean/specs";
import { nodeLabels } from "../components/hetzner/cloud-init";
import { nodePlan } from "../components/hetzner/plan";
import { environmentOf, ROLES, type StackConfig } from "../config";
import type { Violation } from "./policy";
import type { Usage } from "./requests";
import type {
  LabelSelector,
  PodAffinityTerm,
  PodRequests,
  PodShape,
  Requirement,
  Toleration,
  Workload,
} from "./workloads";

// --- Nodes ---------------------------------------------------------------------------------------

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** A node the stack's pools start with. */
export interface PlannedNode {
  name: string;
  /** The node pool: a role, or Hetzner's dedicated `control-plane` servers. */
  pool: string;
  /** Machine type. @example "m7g.xlarge" */
  type: string;
  labels: Record<string, string>;
  taints: Taint[];
  allocatable: PodRequests;
}

export const HOSTNAME = "kubernetes.io/hostname";
export const ZONE = "topology.kubernetes.io/zone";
export const REGION = "topology.kubernetes.io/region";

/**
 * Allocatable is what the kubelet offers pods: the machine less what it keeps for itself and the
 * system daemons. An assumption of about 10 % of the CPU and 20 % of the memory, not a provider's
 * published figure; providers' own agents (CNI, kube-proxy, CSI node plugins they install) are
 * meant to fit in it.
 */
export const SYSTEM_RESERVED = { cpu: 0.1, memory: 0.2 };

function allocatable(type: Pick<MachineType, "vcpu" | "memoryGb">): PodRequests {
  return {
    milliCpu: Math.round(type.vcpu * 1000 * (1 - SYSTEM_RESERVED.cpu)),
    memoryBytes: Math.round(type.memoryGb * 2 ** 30 * (1 - SYSTEM_RESERVED.memory)),
  };
}

function standardLabels(name: string, type: MachineType, region: string) {
  return {
    [HOSTNAME]: name,
    "kubernetes.io/os": "linux",
    "kubernetes.io/arch": type.arch ?? "amd64",
    "node.kubernetes.io/instance-type": type.name,
    [REGION]: region,
  };
}

/** The taint that keeps other workloads off a role's pool (components/cluster.ts). */
const roleTaints = (role: string): Taint[] =>
  (TAINTED_ROLES as readonly string[]).includes(role)
    ? [{ key: ROLE_LABEL, value: role, effect: "NoSchedule" }]
    : [];

/** "key=value:Effect" (k3s `node-taint`) as a taint. */
function parseTaint(s: string): Taint {
  const [kv, effect] = s.split(":");
  const [key, value] = kv.split("=");
  return { key, ...(value !== undefined ? { value } : {}), effect };
}

/**
 * The nodes of a stack at the pools' minimum size, labelled and tainted as each cloud layer does;
 * null on an existing cluster, which is not ours to size.
 * - AWS (components/aws/eks.ts): a managed node group per pool, spread by EKS over the app subnets,
 *   so nodes take the zones round-robin (at least two zones, as components/aws/network.ts builds).
 * - DigitalOcean (components/digitalocean/specs.ts): the pools DOKS gets; its nodes carry a region
 *   and no zone label (digitalocean/digitalocean-cloud-controller-manager docs/controllers/node/labels.md).
 * - Hetzner (components/hetzner/plan.ts): the servers `nodePlan` builds, a fixed count with no
 *   autoscaler, the dedicated k3s servers included (tainted CriticalAddonsOnly=true:NoExecute). The
 *   hcloud cloud controller labels the zone with the server's datacenter (hcloud/instances.go,
 *   v1.28.0); all servers share the stack's location, so they share one zone.
 */
export function clusterNodes(config: StackConfig): PlannedNode[] | null {
  const nodes: PlannedNode[] = [];
  if (config.provider === "existing") return null;
  if (config.provider === "aws") {
    const zones = Array.from(
      { length: Math.max(2, config.network.zones) },
      (_, i) => `${config.region}${String.fromCharCode(97 + i)}`,
    );
    for (const role of ROLES) {
      const pool = config.nodePools[role];
      if (!pool) continue;
      const type = resolveProfile("aws", pool.profile).type;
      for (let i = 0; i < pool.min; i++) {
        const name = `${role}-${i + 1}`;
        nodes.push({
          name,
          pool: role,
          type: type.name,
          labels: {
            ...standardLabels(name, type, config.region),
            [ZONE]: zones[i % zones.length],
            [ROLE_LABEL]: role,
          },
          taints: roleTaints(role),
          allocatable: allocatable(type),
        });
      }
    }
  } else if (config.provider === "digitalocean") {
    for (const spec of nodePoolSpecs(config)) {
      const type = resolveProfile("digitalocean", config.nodePools[spec.role]!.profile).type;
      const count = spec.autoScale ? (spec.minNodes ?? spec.nodeCount) : spec.nodeCount;
      for (let i = 0; i < count; i++) {
        const name = `${spec.name}-${i + 1}`;
        nodes.push({
          name,
          pool: spec.role,
          type: type.name,
          labels: { ...standardLabels(name, type, config.region), ...spec.labels },
          taints: spec.taints.map((t) => ({ ...t })),
          allocatable: allocatable(type),
        });
      }
    }
  } else {
    for (const spec of nodePlan(config, "plan")) {
      const type = spec.resolved.type;
      const server = spec.k3s !== "agent";
      const labels: Record<string, string> = {
        ...standardLabels(spec.name, type, config.region),
        [ZONE]: config.region,
        ...Object.fromEntries(nodeLabels(spec.role, spec.k3s).map((l) => l.split("="))),
      };
      // k3s labels its servers with the control-plane roles (docs.k3s.io, "Node labels and taints").
      if (server)
        Object.assign(labels, {
          "node-role.kubernetes.io/control-plane": "true",
          "node-role.kubernetes.io/master": "true",
        });
      nodes.push({
        name: spec.name,
        pool: spec.group,
        type: type.name,
        labels,
        taints: spec.taints.map(parseTaint),
        allocatable: allocatable(type),
      });
    }
  }
  return nodes;
}

// --- Rules ---------------------------------------------------------------------------------------

/** A label selector requirement (apimachinery labels.Requirement.Matches). */
function requirementMatches(labels: Record<string, string>, r: Requirement): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case "In":
      return has && (r.values ?? []).includes(v);
    case "NotIn":
      return !has || !(r.values ?? []).includes(v);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      const a = Number.parseInt(v ?? "", 10);
      const b = Number.parseInt(r.values?.[0] ?? "", 10);
      if (!has || Number.isNaN(a) || Number.isNaN(b)) return false;
      return r.operator === "Gt" ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A label selector; a missing selector selects nothing, an empty one everything. */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>) {
  if (!selector) return false;
  return (
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    (selector.matchExpressions ?? []).every((r) => requirementMatches(labels, r))
  );
}

/** NodeAffinity filter: the pod's nodeSelector, then its required node affinity terms (ORed). */
export function nodeMatches(pod: PodShape, node: PlannedNode): boolean {
  if (!Object.entries(pod.nodeSelector).every(([k, v]) => node.labels[k] === v)) return false;
  if (!pod.nodeAffinity) return true;
  return pod.nodeAffinity.some((term) => {
    const exprs = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    // An empty term selects no node (component-helpers scheduling/corev1/nodeaffinity).
    if (exprs.length === 0 && fields.length === 0) return false;
    return (
      exprs.every((r) => requirementMatches(node.labels, r)) &&
      fields.every((r) => requirementMatches({ "metadata.name": node.name }, r))
    );
  });
}

/** k8s.io/api core/v1 toleration.go ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === "Exists") return true;
  if (!t.operator || t.operator === "Equal") return (t.value ?? "") === (taint.value ?? "");
  return false;
}

/** TaintToleration filter: the first NoSchedule or NoExecute taint the pod does not tolerate. */
export function untoleratedTaint(pod: PodShape, node: PlannedNode): Taint | undefined {
  return node.taints.find(
    (taint) =>
      (taint.effect === "NoSchedule" || taint.effect === "NoExecute") &&
      !pod.tolerations.some((t) => tolerates(t, taint)),
  );
}

const taintText = (t: Taint) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;

/** A pod as the scheduler holds it. */
interface Pod {
  id: string;
  workload: Workload;
  index: number;
  shape: PodShape;
  namespace: string;
}

/** Does a pod affinity term of `owner` select `other`? (namespaces: the owner's by default) */
function termSelects(term: PodAffinityTerm, owner: Pod, other: Pod): boolean {
  const listed = term.namespaces ?? [];
  const sel = term.namespaceSelector;
  const everywhere = !!sel && !sel.matchLabels && !sel.matchExpressions?.length;
  const inNamespace =
    everywhere ||
    listed.includes(other.namespace) ||
    // Kubernetes labels every namespace with its own name.
    (!!sel && selects(sel, { "kubernetes.io/metadata.name": other.namespace })) ||
    (listed.length === 0 && !sel && other.namespace === owner.namespace);
  return inNamespace && selects(term.labelSelector, other.shape.labels);
}

type FailureCode =
  "selector" | "taint" | "anti-affinity" | "affinity" | "spread" | "cpu" | "memory";

interface Failure {
  code: FailureCode;
  detail: string;
  /** Free amount of the short resource (cpu, memory failures). */
  free?: number;
}

/** Pods placed so far, node by node. */
class ClusterState {
  readonly used: PodRequests[];
  readonly pods: Pod[][];

  constructor(readonly nodes: PlannedNode[]) {
    this.used = nodes.map(() => ({ milliCpu: 0, memoryBytes: 0 }));
    this.pods = nodes.map(() => []);
  }

  place(pod: Pod, n: number) {
    this.pods[n].push(pod);
    this.used[n].milliCpu += pod.shape.requests.milliCpu;
    this.used[n].memoryBytes += pod.shape.requests.memoryBytes;
  }

  remove(pod: Pod, n: number) {
    const i = this.pods[n].lastIndexOf(pod);
    this.pods[n].splice(i, 1);
    this.used[n].milliCpu -= pod.shape.requests.milliCpu;
    this.used[n].memoryBytes -= pod.shape.requests.memoryBytes;
  }

  /** Pods on nodes whose `key` label equals `value`. */
  *inDomain(key: string, value: string): Generator<Pod> {
    for (let n = 0; n < this.nodes.length; n++)
      if (this.nodes[n].labels[key] === value) yield* this.pods[n];
  }

  /** Every placed pod with its node. */
  *all(): Generator<[Pod, PlannedNode]> {
    for (let n = 0; n < this.nodes.length; n++)
      for (const p of this.pods[n]) yield [p, this.nodes[n]];
  }

  /** The first filter a pod fails on node `n`, in kube-scheduler's order; null when it fits. */
  check(pod: Pod, n: number): Failure | null {
    const node = this.nodes[n];
    if (!nodeMatches(pod.shape, node)) return { code: "selector", detail: "node selector" };
    const taint = untoleratedTaint(pod.shape, node);
    if (taint) return { code: "taint", detail: taintText(taint) };
    return this.checkPods(pod, node) ?? this.checkSpread(pod, node) ?? this.checkFit(pod, n);
  }

  /** NodeResourcesFit: only the resources the pod requests are compared (noderesources/fit.go). */
  checkFit(pod: Pod, n: number): Failure | null {
    const need = pod.shape.requests;
    const alloc = this.nodes[n].allocatable;
    const used = this.used[n];
    const freeCpu = alloc.milliCpu - used.milliCpu;
    const freeMem = alloc.memoryBytes - used.memoryBytes;
    if (need.milliCpu > 0 && need.milliCpu > freeCpu)
      return { code: "cpu", detail: "cpu", free: freeCpu };
    if (need.memoryBytes > 0 && need.memoryBytes > freeMem)
      return { code: "memory", detail: "memory", free: freeMem };
    return null;
  }

  /**
   * InterPodAffinity (interpodaffinity/filtering.go): the pod's required anti-affinity against
   * pods in the node's domain, placed pods' required anti-affinity against the pod, and the
   * pod's required affinity (a domain holding a matching pod; or, while no pod matches anywhere,
   * a pod matching its own terms may start the group).
   */
  checkPods(pod: Pod, node: PlannedNode): Failure | null {
    for (const term of pod.shape.podAntiAffinity) {
      const value = node.labels[term.topologyKey];
      if (value === undefined) continue;
      for (const other of this.inDomain(term.topologyKey, value))
        if (other !== pod && termSelects(term, pod, other))
          return { code: "anti-affinity", detail: `${term.topologyKey}|${other.id}` };
    }
    for (const [other, at] of this.all()) {
      if (other === pod) continue;
      for (const term of other.shape.podAntiAffinity) {
        const value = at.labels[term.topologyKey];
        if (
          value !== undefined &&
          node.labels[term.topologyKey] === value &&
          termSelects(term, other, pod)
        )
          return { code: "anti-affinity", detail: `${term.topologyKey}|${other.id}` };
      }
    }
    const terms = pod.shape.podAffinity;
    if (terms.length === 0) return null;
    if (terms.some((t) => node.labels[t.topologyKey] === undefined))
      return { code: "affinity", detail: `${terms[0].topologyKey}|no such label` };
    const satisfied = terms.every((t) => {
      for (const other of this.inDomain(t.topologyKey, node.labels[t.topologyKey]))
        if (other !== pod && termSelects(t, pod, other)) return true;
      return false;
    });
    if (satisfied) return null;
    const anyMatch = [...this.all()].some(
      ([other]) => other !== pod && terms.some((t) => termSelects(t, pod, other)),
    );
    if (!anyMatch && terms.every((t) => termSelects(t, pod, pod))) return null;
    return { code: "affinity", detail: `${terms[0].topologyKey}|no matching pod` };
  }

  /**
   * PodTopologySpread with DoNotSchedule (podtopologyspread/filtering.go): domains are the values
   * of the key on nodes that pass the pod's node selector and affinity and carry every key of its
   * constraints (nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore: the defaults); a node without
   * the key is no place for the pod; the pod's domain may exceed the emptiest by maxSkew at most,
   * the emptiest counting as zero while there are fewer domains than minDomains.
   */
  checkSpread(pod: Pod, node: PlannedNode): Failure | null {
    const constraints = pod.shape.spread;
    if (constraints.length === 0) return null;
    const keys = constraints.map((c) => c.topologyKey);
    if (keys.some((k) => node.labels[k] === undefined))
      return {
        code: "spread",
        detail: `${keys.find((k) => node.labels[k] === undefined)}|missing label`,
      };
    const eligible = this.nodes
      .map((n, i) => [n, i] as const)
      .filter(([n]) => keys.every((k) => n.labels[k] !== undefined) && nodeMatches(pod.shape, n));
    for (const c of constraints) {
      const counts = new Map<string, number>();
      for (const [n, i] of eligible) {
        const domain = n.labels[c.topologyKey];
        const here = this.pods[i].filter(
          (p) =>
            p !== pod && p.namespace === pod.namespace && selects(c.labelSelector, p.shape.labels),
        ).length;
        counts.set(domain, (counts.get(domain) ?? 0) + here);
      }
      const min =
        c.minDomains !== undefined && counts.size < c.minDomains ? 0 : Math.min(...counts.values());
      const self = selects(c.labelSelector, pod.shape.labels) ? 1 : 0;
      const skew = (counts.get(node.labels[c.topologyKey]) ?? 0) + self - min;
      if (skew > c.maxSkew) return { code: "spread", detail: `${c.topologyKey}|${c.maxSkew}` };
    }
    return null;
  }
}

// --- Placement -----------------------------------------------------------------------------------

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

const cores = (milli: number) => Math.round(milli / 10) / 100;
const gib = (bytes: number) => Math.round((bytes / 2 ** 30) * 100) / 100;
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

/**
 * Why no node takes a pod, pool by pool: pools it does not select or whose taints it does not
 * tolerate are named only when no pool is left; for the others, each rule that stopped it.
 */
function describe(pod: Pod, failures: [number, Failure][], state: ClusterState): string {
  const nodes = state.nodes;
  const open = failures.filter(([, f]) => f.code !== "selector" && f.code !== "taint");
  if (failures.length === 0) return "the cluster has no nodes";
  if (open.length === 0) {
    const tainted = failures.filter(([, f]) => f.code === "taint");
    if (tainted.length === 0) {
      const sel = Object.entries(pod.shape.nodeSelector).map(([k, v]) => `${k}=${v}`);
      return `no node matches its ${sel.length ? `node selector ${sel.join(",")}` : "required node affinity"}`;
    }
    const byPool = new Map<string, string>();
    for (const [n, f] of tainted) byPool.set(nodes[n].pool, f.detail);
    return `no pool tolerates its taints: ${[...byPool].map(([p, t]) => `pool ${p} has ${t}`).join("; ")}`;
  }
  const pools = new Map<string, [number, Failure][]>();
  for (const entry of open) {
    const pool = nodes[entry[0]].pool;
    pools.set(pool, [...(pools.get(pool) ?? []), entry]);
  }
  const parts: string[] = [];
  const count = (k: number) => `${k} node${k === 1 ? "" : "s"}`;
  for (const [pool, entries] of pools) {
    const byCode = new Map<FailureCode, Failure[]>();
    for (const [, f] of entries) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
    for (const [code, fs] of byCode) {
      const [key, extra] = fs[0].detail.split("|");
      if (code === "anti-affinity")
        parts.push(
          `required anti-affinity (${key}): ${count(fs.length)} in pool ${pool}, ${fs.length === 1 ? "already running" : "each already running"} a matching pod (${extra})`,
        );
      else if (code === "affinity")
        parts.push(
          `required pod affinity (${key}): ${extra} near ${count(fs.length)} in pool ${pool}`,
        );
      else if (code === "spread")
        parts.push(
          extra === "missing label"
            ? `topology spread: ${count(fs.length)} in pool ${pool} without the ${key} label`
            : `topology spread (${key}, maxSkew ${extra}): ${count(fs.length)} in pool ${pool}`,
        );
      else if (code === "cpu") {
        const free = Math.max(...fs.map((f) => f.free ?? 0));
        parts.push(
          `insufficient cpu: needs ${cores(pod.shape.requests.milliCpu)}, largest free ${cores(free)} in pool ${pool}`,
        );
      } else if (code === "memory") {
        const free = Math.max(...fs.map((f) => f.free ?? 0));
        parts.push(
          `insufficient memory: needs ${gib(pod.shape.requests.memoryBytes)} GiB, largest free ${gib(free)} GiB in pool ${pool}`,
        );
      }
    }
  }
  return parts.join("; ");
}

// --- The plan's view -----------------------------------------------------------------------------

/**
 * Every pod of a stack (`stackWorkloads`) placed on its pools at their minimum; null on an
 * existing cluster, whose nodes the stack does not know.
 */
export function planPlacement(
  config: StackConfig,
  workloads: Workload[],
  options?: PlacementOptions,
): Placement | null {
  const nodes = clusterNodes(config);
  if (!nodes) return null;
  return placePods(nodes, workloads, options);
}

/** Policy name of an unschedulable pod in the plan's report. */
export const SCHEDULABLE_POLICY = "plan-require-schedulable-pods";

/**
 * One violation per pod that cannot be scheduled: mandatory on production tiers (a pod stuck in
 * Pending is an outage waiting to happen), advisory elsewhere.
 */
export function placementViolations(placement: Placement | null, config: StackConfig): Violation[] {
  const level = environmentOf(config.tier) === "production" ? "mandatory" : "advisory";
  return (placement?.unschedulable ?? []).map((u) => ({
    policy: SCHEDULABLE_POLICY,
    enforcementLevel: level,
    resource: u.urn,
    message: `${u.workload} replica ${u.replica} cannot be scheduled: ${u.reason}`,
  }));
}
