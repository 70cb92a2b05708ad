import type {
  LabelSelector,
  PodAffinityTerm,
  PodShape,
  Requirement,
  Toleration,
  Workload,
} from "../workloads";
import type { PlannedNode, Taint } from "./nodes";

// The filters of kube-scheduler a pod must pass on a node.

/** A label selector requirement (apimachinery labels.Requirement.Matches). */
export function requirementMatches(labels: Record<string, string>, r: Requirement): boolean {
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

export const taintText = (t: Taint) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;

/** A pod as the scheduler holds it. */
export interface Pod {
  id: string;
  workload: Workload;
  index: number;
  shape: PodShape;
  namespace: string;
}

/** Does a pod affinity term of `owner` select `other`? (namespaces: the owner's by default) */
export function termSelects(term: PodAffinityTerm, owner: Pod, other: Pod): boolean {
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

export type FailureCode =
  "selector" | "taint" | "anti-affinity" | "affinity" | "spread" | "cpu" | "memory";

export interface Failure {
  code: FailureCode;
  detail: string;
  /** Free amount of the short resource (cpu, memory failures). */
  free?: number;
}
