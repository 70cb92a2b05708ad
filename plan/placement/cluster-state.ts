import type { PodRequests } from "../workloads";
import type { PlannedNode } from "./nodes";
import {
  nodeMatches,
  selects,
  taintText,
  termSelects,
  untoleratedTaint,
  type Failure,
  type Pod,
} from "./filters";

/** Pods placed so far, node by node. */
export class ClusterState {
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
