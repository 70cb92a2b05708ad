import type { Registered } from "../mocks";
import { cpuCores, memoryGi } from "../requests";

/** A requirement of a label or node selector (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`). */
export interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Requirement[];
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** A required (anti-)affinity term between pods. */
export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  topologyKey: string;
  /** Namespaces whose pods count; the pod's own when neither this nor a selector is set. */
  namespaces?: string[];
  /** `{}` selects every namespace. */
  namespaceSelector?: LabelSelector;
}

/** A topology spread constraint with `whenUnsatisfiable: DoNotSchedule`. */
export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  labelSelector?: LabelSelector;
  minDomains?: number;
}

/** Requests of one pod: millicores and bytes, so that sums stay exact. */
export interface PodRequests {
  milliCpu: number;
  memoryBytes: number;
}

/** What the scheduler reads of a pod. Preferred rules and ScheduleAnyway spreads are left out. */
export interface PodShape {
  labels: Record<string, string>;
  requests: PodRequests;
  nodeSelector: Record<string, string>;
  /** Required node affinity: terms ORed, each term's expressions ANDed; absent when none. */
  nodeAffinity?: { matchExpressions?: Requirement[]; matchFields?: Requirement[] }[];
  tolerations: Toleration[];
  podAffinity: PodAffinityTerm[];
  podAntiAffinity: PodAffinityTerm[];
  spread: SpreadConstraint[];
}

/** A set of identical pods: a workload's replicas, or one pod per eligible node for a DaemonSet. */
export interface Workload {
  kind: string;
  namespace: string;
  name: string;
  /** Replicas it keeps running; ignored for a DaemonSet. */
  replicas: number;
  daemon: boolean;
  /**
   * Runs to completion (Jobs, CronJobs, chart hooks). Such a pod reserves nothing for long: each is
   * checked on its own against the long-running pods, not beside the other transient ones.
   */
  transient: boolean;
  /** URN of the registration it comes from, for violations. */
  urn: string;
  pod: PodShape;
}

/** Defaults of a chart at a version (its values.yaml), when the plan has them vendored. */
export type ChartDefaults = (chart: string, version: string) => Record<string, unknown> | undefined;

/** What the extraction reads of a registration (a recorded one has no `custom` flag). */
export type Recorded = Pick<Registered, "type" | "name" | "urn" | "inputs"> & { custom?: boolean };

export type Obj = Record<string, any>;
export const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

// --- Pod specs -----------------------------------------------------------------------------------

/** A container's request of one resource; Kubernetes takes the limit when only a limit is set. */
export function containerRequest(resources: Obj | undefined, key: "cpu" | "memory"): number {
  const q = resources?.requests?.[key] ?? resources?.limits?.[key];
  return key === "cpu" ? Math.round(cpuCores(q) * 1000) : Math.round(memoryGi(q) * 2 ** 30);
}

/**
 * A pod's effective request, as kube-scheduler counts it (k8s.io/component-helpers
 * resource/helpers.go, PodRequests): app containers and sidecars (init containers with
 * `restartPolicy: Always`) add up; a plain init container runs alone beside the sidecars started
 * before it, and the pod needs the larger of the two.
 */
export function podRequests(spec: Obj): PodRequests {
  const out: PodRequests = { milliCpu: 0, memoryBytes: 0 };
  for (const key of ["cpu", "memory"] as const) {
    const field = key === "cpu" ? "milliCpu" : "memoryBytes";
    let sidecars = 0;
    let initPeak = 0;
    for (const c of (spec.initContainers ?? []) as Obj[]) {
      const r = containerRequest(c.resources, key);
      if (c.restartPolicy === "Always") sidecars += r;
      else initPeak = Math.max(initPeak, sidecars + r);
    }
    const running = ((spec.containers ?? []) as Obj[]).reduce(
      (n, c) => n + containerRequest(c.resources, key),
      0,
    );
    out[field] = Math.max(running + sidecars, initPeak);
  }
  return out;
}

/** Required terms only: preferred terms weigh in scoring, never in whether a pod fits. */
export function requiredTerms(section: Obj | undefined): PodAffinityTerm[] {
  const terms = section?.requiredDuringSchedulingIgnoredDuringExecution;
  return Array.isArray(terms) ? terms.filter((t) => typeof t?.topologyKey === "string") : [];
}

/** The scheduling-relevant part of a pod spec (core/v1 PodSpec field names). */
export function podShape(spec: Obj, labels: Record<string, string> = {}): PodShape {
  const affinity = (spec.affinity ?? {}) as Obj;
  const nodeTerms =
    affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const spread = ((spec.topologySpreadConstraints ?? []) as Obj[])
    // whenUnsatisfiable is required by the API; DoNotSchedule is the hard kind.
    .filter((c) => (c.whenUnsatisfiable ?? "DoNotSchedule") === "DoNotSchedule")
    .map((c) => ({
      maxSkew: Number(c.maxSkew ?? 1),
      topologyKey: String(c.topologyKey),
      labelSelector: withMatchLabelKeys(c.labelSelector, c.matchLabelKeys, labels),
      ...(c.minDomains !== undefined ? { minDomains: Number(c.minDomains) } : {}),
    }));
  return {
    labels: { ...labels },
    requests: podRequests(spec),
    nodeSelector: { ...(spec.nodeSelector ?? {}) },
    ...(Array.isArray(nodeTerms) ? { nodeAffinity: nodeTerms } : {}),
    tolerations: [...(spec.tolerations ?? [])],
    podAffinity: requiredTerms(affinity.podAffinity),
    podAntiAffinity: requiredTerms(affinity.podAntiAffinity),
    spread,
  };
}

/** `matchLabelKeys` adds the pod's own value of each key to the spread's selector. */
export function withMatchLabelKeys(
  selector: LabelSelector | undefined,
  keys: unknown,
  labels: Record<string, string>,
): LabelSelector | undefined {
  if (!Array.isArray(keys) || keys.length === 0) return selector;
  const extra = keys
    .filter((k): k is string => typeof k === "string" && labels[k] !== undefined)
    .map((k) => ({ key: k, operator: "In", values: [labels[k]] }));
  return { ...selector, matchExpressions: [...(selector?.matchExpressions ?? []), ...extra] };
}
