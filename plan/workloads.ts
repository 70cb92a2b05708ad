/**
 * The pods a stack keeps running, read from what the program registered: Kubernetes workloads,
 * CloudNativePG clusters and poolers, Elastic resources, the Envoy proxies of the gateway, and the
 * workloads of the Helm charts as far as their values (merged over the chart's defaults) tell.
 * Pure functions: the plan's scheduler (`placement.ts`) places what this returns.
 */
import * as fs from "fs";
import * as path from "path";
import type { Registered } from "./mocks";
import { cpuCores, forEachScaled, memoryGi } from "./requests";

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

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

// --- Pod specs -----------------------------------------------------------------------------------

/** A container's request of one resource; Kubernetes takes the limit when only a limit is set. */
function containerRequest(resources: Obj | undefined, key: "cpu" | "memory"): number {
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
function requiredTerms(section: Obj | undefined): PodAffinityTerm[] {
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
function withMatchLabelKeys(
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

// --- Kubernetes objects --------------------------------------------------------------------------

const KIND_OF = (type: string) => type.split(":").pop() ?? type;
const namespaceOf = (r: Recorded) =>
  r.inputs.metadata?.namespace ?? r.inputs.namespace ?? "default";
const nameOf = (r: Recorded) => r.inputs.metadata?.name ?? r.name;

/** Pod-owning built-in kinds and how to read them. */
const BUILT_IN: Record<string, (spec: Obj) => { template: Obj; replicas: number } | undefined> = {
  Deployment: (s) => ({ template: s.template, replicas: s.replicas ?? 1 }),
  StatefulSet: (s) => ({ template: s.template, replicas: s.replicas ?? 1 }),
  ReplicaSet: (s) => ({ template: s.template, replicas: s.replicas ?? 1 }),
  DaemonSet: (s) => ({ template: s.template, replicas: 0 }),
  Job: (s) => ({ template: s.template, replicas: s.parallelism ?? 1 }),
  CronJob: (s) => {
    const job = s.jobTemplate?.spec ?? {};
    return { template: job.template, replicas: job.parallelism ?? 1 };
  },
};

/**
 * An HPA owns its target's replica count; at rest it holds `minReplicas`. The first rollout
 * creates `spec.replicas` before the HPA acts, so the larger of the two must fit.
 */
function hpaFloors(registered: Recorded[]): Map<string, number> {
  const floors = new Map<string, number>();
  for (const r of registered) {
    if (
      !r.type.startsWith("kubernetes:autoscaling/") ||
      !r.type.endsWith(":HorizontalPodAutoscaler")
    )
      continue;
    const ref = r.inputs.spec?.scaleTargetRef;
    if (!ref?.name) continue;
    floors.set(`${ref.kind}/${namespaceOf(r)}/${ref.name}`, r.inputs.spec?.minReplicas ?? 1);
  }
  return floors;
}

/** CloudNativePG `Cluster` (https://cloudnative-pg.io, api/v1 cluster_types.go at v1.30.0). */
function cnpgCluster(r: Recorded): Workload {
  const spec = (r.inputs.spec ?? {}) as Obj;
  const a = (spec.affinity ?? {}) as Obj;
  const name = nameOf(r);
  // pkg/specs/pods.go CreateGeneratedAntiAffinity: a term on the cluster's instance pods, by
  // `topologyKey` (default kubernetes.io/hostname); `podAntiAffinityType` defaults to preferred
  // (api/v1/cluster_defaults.go), and `enablePodAntiAffinity: false` turns it off.
  const generated: PodAffinityTerm = {
    labelSelector: {
      matchExpressions: [
        { key: "cnpg.io/cluster", operator: "In", values: [name] },
        { key: "cnpg.io/podRole", operator: "In", values: ["instance"] },
      ],
    },
    topologyKey: a.topologyKey || "kubernetes.io/hostname",
  };
  const required =
    a.enablePodAntiAffinity !== false && a.podAntiAffinityType === "required" ? [generated] : [];
  const labels = {
    ...(spec.inheritedMetadata?.labels ?? {}),
    "cnpg.io/cluster": name,
    "cnpg.io/podRole": "instance",
  };
  const pod = podShape(
    {
      containers: [{ resources: spec.resources }],
      nodeSelector: a.nodeSelector,
      tolerations: a.tolerations,
      topologySpreadConstraints: spec.topologySpreadConstraints,
      affinity: {
        nodeAffinity: a.nodeAffinity,
        podAffinity: a.additionalPodAffinity,
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            ...required,
            ...requiredTerms(a.additionalPodAntiAffinity),
          ],
        },
      },
    },
    labels,
  );
  return {
    kind: "Cluster",
    namespace: namespaceOf(r),
    name,
    replicas: spec.instances ?? 1,
    daemon: false,
    transient: false,
    urn: r.urn,
    pod,
  };
}

/** CloudNativePG `Pooler`: PgBouncer pods from `template`, `instances` of them (default 1). */
function cnpgPooler(r: Recorded): Workload {
  const spec = (r.inputs.spec ?? {}) as Obj;
  const name = nameOf(r);
  const labels = { ...(spec.template?.metadata?.labels ?? {}), "cnpg.io/poolerName": name };
  return {
    kind: "Pooler",
    namespace: namespaceOf(r),
    name,
    replicas: spec.instances ?? 1,
    daemon: false,
    transient: false,
    urn: r.urn,
    pod: podShape(spec.template?.spec ?? {}, labels),
  };
}

/** Elastic Cloud on Kubernetes: Elasticsearch node sets, Kibana, Beats (a DaemonSet or Deployment). */
function eck(r: Recorded, kind: string): Workload[] {
  const spec = (r.inputs.spec ?? {}) as Obj;
  const name = nameOf(r);
  const base = { kind, namespace: namespaceOf(r), transient: false, urn: r.urn };
  const from = (t: Obj | undefined, labels: Record<string, string>) =>
    podShape(t?.spec ?? {}, { ...(t?.metadata?.labels ?? {}), ...labels });
  if (kind === "Elasticsearch")
    return ((spec.nodeSets ?? []) as Obj[]).map((set) => ({
      ...base,
      name: `${name}-es-${set.name}`,
      replicas: set.count ?? 1,
      daemon: false,
      pod: from(set.podTemplate, {
        "elasticsearch.k8s.elastic.co/cluster-name": name,
        "elasticsearch.k8s.elastic.co/statefulset-name": `${name}-es-${set.name}`,
      }),
    }));
  if (kind === "Beat" && spec.daemonSet)
    return [
      {
        ...base,
        name,
        replicas: 0,
        daemon: true,
        pod: from(spec.daemonSet.podTemplate, { "beat.k8s.elastic.co/name": name }),
      },
    ];
  const deployment = kind === "Beat" ? (spec.deployment ?? {}) : spec;
  return [
    {
      ...base,
      name,
      replicas: deployment.replicas ?? spec.count ?? 1,
      daemon: false,
      pod: from(deployment.podTemplate ?? spec.podTemplate, {
        [`${kind.toLowerCase()}.k8s.elastic.co/name`]: name,
      }),
    },
  ];
}

/**
 * Envoy Gateway makes one proxy Deployment (or DaemonSet) per Gateway from an `EnvoyProxy`. Its
 * defaults: one replica, requests 100m / 512Mi (envoyproxy/gateway api/v1alpha1/shared_types.go,
 * v1.9), pods labelled as internal/infrastructure/kubernetes/proxy/resource.go labels them.
 */
function envoyProxies(r: Recorded, gateways: number): Workload[] {
  const k8s = (r.inputs.spec?.provider?.kubernetes ?? {}) as Obj;
  const daemon = !!k8s.envoyDaemonSet;
  const d = (k8s.envoyDaemonSet ?? k8s.envoyDeployment ?? {}) as Obj;
  const resources = d.container?.resources ?? { requests: { cpu: "100m", memory: "512Mi" } };
  const labels = {
    ...(d.pod?.labels ?? {}),
    "app.kubernetes.io/name": "envoy",
    "app.kubernetes.io/component": "proxy",
    "app.kubernetes.io/managed-by": "envoy-gateway",
  };
  const pod = podShape({ ...(d.pod ?? {}), containers: [{ resources }] }, labels);
  return Array.from({ length: Math.max(1, gateways) }, (_, i) => ({
    kind: daemon ? "DaemonSet" : "Deployment",
    namespace: namespaceOf(r),
    name: `envoy-${nameOf(r)}${gateways > 1 ? `-${i + 1}` : ""}`,
    replicas: daemon ? 0 : (d.replicas ?? 1),
    daemon,
    transient: false,
    urn: r.urn,
    pod,
  }));
}

/**
 * Argo Rollouts `Rollout` (argoproj/argo-rollouts pkg/apis/rollouts/v1alpha1/types.go, v1.9.1): its
 * own pod template, or that of the Deployment its `workloadRef` names; `replicas` (default 1) or
 * the floor of the HPA that scales it. At rest one version runs; during a release the new one runs
 * beside it, which this rest-state placement leaves out.
 */
function argoRollout(
  r: Recorded,
  registered: Recorded[],
  floors: Map<string, number>,
): Workload | undefined {
  const spec = (r.inputs.spec ?? {}) as Obj;
  const namespace = namespaceOf(r);
  const name = nameOf(r);
  const ref = spec.workloadRef as Obj | undefined;
  const referenced = ref
    ? registered.find(
        (d) =>
          KIND_OF(d.type) === ref.kind &&
          d.type.startsWith("kubernetes:apps/") &&
          namespaceOf(d) === namespace &&
          nameOf(d) === ref.name,
      )
    : undefined;
  const template = (referenced?.inputs.spec?.template ?? spec.template) as Obj | undefined;
  if (!template) return undefined;
  return {
    kind: "Rollout",
    namespace,
    name,
    replicas: Math.max(spec.replicas ?? 1, floors.get(`Rollout/${namespace}/${name}`) ?? 0),
    daemon: false,
    transient: false,
    urn: r.urn,
    pod: podShape(template.spec ?? {}, template.metadata?.labels ?? {}),
  };
}

// --- Helm charts ---------------------------------------------------------------------------------

/**
 * Helm's merge of user values over a chart's defaults (helm/helm pkg/chart/v2/util/coalesce.go):
 * maps merge key by key, anything else replaces, and a null removes the default's key.
 */
export function helmMerge(defaults: unknown, values: unknown): unknown {
  if (!isObj(defaults) || !isObj(values)) return values === undefined ? defaults : values;
  const out: Obj = { ...defaults };
  for (const [k, v] of Object.entries(values)) {
    if (v === null) delete out[k];
    else out[k] = helmMerge(defaults[k], v);
  }
  return out;
}

/** Strings the charts template in their values: the release's and the chart's names. */
function renderTemplates(value: unknown, release: string, chartName: string): unknown {
  if (typeof value === "string")
    return value
      .replace(/\{\{-?\s*\$?\.Release\.Name\s*-?\}\}/g, release)
      .replace(/\{\{-?\s*include\s+"[^"]+\.name"\s+[.$]\s*-?\}\}/g, chartName);
  if (Array.isArray(value)) return value.map((v) => renderTemplates(v, release, chartName));
  if (isObj(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, renderTemplates(v, release, chartName)]),
    );
  return value;
}

/** Every resources object under `node` (one container's, or a map of them per container). */
function resourcesUnder(node: unknown): Obj[] {
  if (!isObj(node)) return [];
  if ("requests" in node || "limits" in node) return [node];
  return Object.values(node).flatMap(resourcesUnder);
}

interface ChartPod {
  kind: "Deployment" | "StatefulSet" | "DaemonSet" | "Job";
  /** Workload name as the chart would render it (close enough for a report). */
  name: string;
  replicas: number;
  /** Where `nodeSelector`, `tolerations`, `affinity` and `topologySpreadConstraints` sit. */
  settings: Obj | undefined;
  /** Resources objects of its containers (each `{requests, limits}` or a per-container map). */
  resources: unknown[];
  labels: Record<string, string>;
  /** Tolerations the chart's template adds whatever the values say. */
  extraTolerations?: Toleration[];
}

const on = (v: unknown, byDefault = true) => (v === undefined ? byDefault : v !== false);

function chartPod(
  kind: ChartPod["kind"],
  name: string,
  settings: Obj | undefined,
  replicas: unknown,
  resources: unknown[],
  labels: Record<string, string>,
): ChartPod {
  return {
    kind,
    name,
    replicas: typeof replicas === "number" ? replicas : 1,
    settings,
    resources,
    labels,
  };
}

/**
 * What a chart runs, by chart name, from its merged values. Only long-running workloads and the
 * hook Jobs that gate an install; components switched off by default are read only when enabled.
 */
const CHARTS: Record<string, (v: Obj, release: string) => ChartPod[]> = {
  // cert-manager deploy/charts/cert-manager/values.yaml (v1.21.1).
  "cert-manager": (v, rel) => {
    const labels = (c: string, n: string) => ({
      "app.kubernetes.io/name": n,
      "app.kubernetes.io/instance": rel,
      "app.kubernetes.io/component": c,
    });
    return [
      chartPod(
        "Deployment",
        rel,
        v,
        v.replicaCount,
        [v.resources],
        labels("controller", "cert-manager"),
      ),
      chartPod(
        "Deployment",
        `${rel}-webhook`,
        v.webhook,
        v.webhook?.replicaCount,
        [v.webhook?.resources],
        labels("webhook", "webhook"),
      ),
      ...(on(v.cainjector?.enabled)
        ? [
            chartPod(
              "Deployment",
              `${rel}-cainjector`,
              v.cainjector,
              v.cainjector?.replicaCount,
              [v.cainjector?.resources],
              labels("cainjector", "cainjector"),
            ),
          ]
        : []),
      ...(on(v.startupapicheck?.enabled)
        ? [
            chartPod(
              "Job",
              `${rel}-startupapicheck`,
              v.startupapicheck,
              1,
              [v.startupapicheck?.resources],
              labels("startupapicheck", "startupapicheck"),
            ),
          ]
        : []),
    ];
  },
  // envoyproxy/gateway charts/gateway-helm: the controller, and the certgen hook Job.
  "gateway-helm": (v, rel) => [
    chartPod(
      "Deployment",
      "envoy-gateway",
      v.deployment?.pod,
      v.deployment?.replicas,
      [v.deployment?.envoyGateway?.resources],
      {
        "control-plane": "envoy-gateway",
        "app.kubernetes.io/name": "gateway-helm",
        "app.kubernetes.io/instance": rel,
      },
    ),
    chartPod("Job", `${rel}-certgen`, v.certgen?.job, 1, [v.certgen?.job?.resources], {
      "app.kubernetes.io/name": "gateway-helm",
    }),
  ],
  // grafana/loki production/helm/loki (6.55.0): the single binary, or the simple scalable
  // targets; the nginx gateway, the canary DaemonSet and the two memcached caches by default.
  loki: (v, rel) => {
    const mode = String(v.deploymentMode ?? "SimpleScalable");
    const labels = (c: string) => ({
      "app.kubernetes.io/name": "loki",
      "app.kubernetes.io/instance": rel,
      "app.kubernetes.io/component": c,
    });
    const target = (key: string, component: string, kind: ChartPod["kind"]) =>
      chartPod(
        kind,
        `loki-${component}`,
        v[key],
        v[key]?.replicas,
        [v[key]?.resources],
        labels(component),
      );
    const pods: ChartPod[] = [];
    if (mode.startsWith("SingleBinary"))
      pods.push(target("singleBinary", "single-binary", "StatefulSet"));
    if (mode.includes("SimpleScalable"))
      for (const t of ["write", "read", "backend"])
        pods.push(target(t, t, t === "read" ? "Deployment" : "StatefulSet"));
    if (on(v.gateway?.enabled)) pods.push(target("gateway", "gateway", "Deployment"));
    if (on(v.lokiCanary?.enabled)) {
      const canary = target("lokiCanary", "canary", "DaemonSet");
      pods.push(canary);
    }
    for (const [key, component] of [
      ["chunksCache", "memcached-chunks-cache"],
      ["resultsCache", "memcached-results-cache"],
    ] as const) {
      const c = v[key];
      if (!on(c?.enabled)) continue;
      // templates/memcached/_memcached-statefulset.tpl: without resources the request is
      // allocatedMemory × 1.2 MiB and allocatedCPU.
      const memory = Math.floor(((c?.allocatedMemory ?? 0) * 12 + 5) / 10);
      const resources = c?.resources ?? {
        requests: { cpu: c?.allocatedCPU ?? "0", memory: `${memory}Mi` },
      };
      pods.push(
        chartPod(
          "StatefulSet",
          `loki-${component.replace("memcached-", "")}`,
          c,
          c?.replicas,
          [resources, v.memcachedExporter?.resources],
          labels(component),
        ),
      );
    }
    return pods.filter((p) => p.kind === "DaemonSet" || p.replicas > 0);
  },
  // grafana/alloy operations/helm/charts/alloy: `controller.type` picks the kind.
  alloy: (v, rel) => {
    const type = String(v.controller?.type ?? "daemonset");
    const kind =
      type === "deployment" ? "Deployment" : type === "statefulset" ? "StatefulSet" : "DaemonSet";
    return [
      chartPod(
        kind,
        rel,
        v.controller,
        v.controller?.replicas,
        [
          v.alloy?.resources,
          on(v.configReloader?.enabled) ? v.configReloader?.resources : undefined,
        ],
        {
          "app.kubernetes.io/name": "alloy",
          "app.kubernetes.io/instance": rel,
        },
      ),
    ];
  },
  // prometheus-community/helm-charts charts/kube-prometheus-stack: Prometheus and Alertmanager
  // through the operator (with its config reloader beside each), Grafana, kube-state-metrics,
  // node exporter, the operator. `podAntiAffinity: hard` becomes a required term.
  "kube-prometheus-stack": (v, rel) => {
    const pods: ChartPod[] = [];
    const reloader = v.prometheusOperator?.prometheusConfigReloader?.resources;
    const operated = (key: "prometheus" | "alertmanager", spec: Obj | undefined) => {
      const name = `${v.fullnameOverride ?? rel}-${key}`;
      const labels = { "app.kubernetes.io/name": key, [key]: name };
      const pod = chartPod(
        "StatefulSet",
        name,
        spec,
        spec?.replicas,
        [spec?.resources, reloader],
        labels,
      );
      if (spec?.podAntiAffinity === "hard")
        pod.settings = {
          ...spec,
          affinity: helmMerge(spec.affinity ?? {}, {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                {
                  labelSelector: { matchLabels: labels },
                  topologyKey: spec.podAntiAffinityTopologyKey ?? "kubernetes.io/hostname",
                },
              ],
            },
          }),
        };
      return pod;
    };
    if (on(v.prometheus?.enabled)) pods.push(operated("prometheus", v.prometheus?.prometheusSpec));
    if (on(v.alertmanager?.enabled))
      pods.push(operated("alertmanager", v.alertmanager?.alertmanagerSpec));
    if (on(v.grafana?.enabled)) {
      const g = v.grafana ?? {};
      const sidecars = [g.sidecar?.dashboards?.enabled, g.sidecar?.datasources?.enabled]
        .filter((x) => x === true)
        .map(() => g.sidecar?.resources);
      pods.push(
        chartPod(
          "Deployment",
          g.fullnameOverride ?? `${rel}-grafana`,
          g,
          g.replicas,
          [g.resources, ...sidecars],
          { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": rel },
        ),
      );
    }
    if (on(v.kubeStateMetrics?.enabled)) {
      const k = v["kube-state-metrics"] ?? {};
      pods.push(
        chartPod(
          "Deployment",
          k.fullnameOverride ?? `${rel}-kube-state-metrics`,
          k,
          k.replicas,
          [k.resources],
          { "app.kubernetes.io/name": "kube-state-metrics", "app.kubernetes.io/instance": rel },
        ),
      );
    }
    if (on(v.nodeExporter?.enabled)) {
      const n = v["prometheus-node-exporter"] ?? {};
      pods.push(
        chartPod(
          "DaemonSet",
          n.fullnameOverride ?? `${rel}-prometheus-node-exporter`,
          n,
          0,
          [n.resources],
          {
            "app.kubernetes.io/name": "prometheus-node-exporter",
            "app.kubernetes.io/instance": rel,
          },
        ),
      );
    }
    if (on(v.prometheusOperator?.enabled)) {
      const o = v.prometheusOperator ?? {};
      pods.push(
        chartPod(
          "Deployment",
          `${v.fullnameOverride ?? rel}-operator`,
          o,
          o.replicas,
          [o.resources],
          { app: "kube-prometheus-stack-operator", release: rel },
        ),
      );
    }
    return pods;
  },
  // argoproj/argo-helm charts/argo-rollouts (2.41.0): the controller, and the dashboard when on.
  "argo-rollouts": (v, rel) => {
    const labels = (component: string) => ({
      "app.kubernetes.io/name": String(v.nameOverride ?? "argo-rollouts"),
      "app.kubernetes.io/instance": rel,
      "app.kubernetes.io/component": component,
    });
    const c = v.controller ?? {};
    const d = v.dashboard ?? {};
    return [
      chartPod("Deployment", rel, c, c.replicas, [c.resources], labels(String(c.component))),
      ...(on(d.enabled, false)
        ? [
            chartPod("Deployment", `${rel}-dashboard`, d, d.replicas, [d.resources], {
              ...labels(String(d.component)),
            }),
          ]
        : []),
    ];
  },
  "cloudnative-pg": (v, rel) => [root(v, rel, "cloudnative-pg", v.replicaCount)],
  "plugin-barman-cloud": (v, rel) => [root(v, rel, "plugin-barman-cloud", v.replicaCount)],
  "metrics-server": (v, rel) => [root(v, rel, "metrics-server", v.replicas)],
  "aws-load-balancer-controller": (v, rel) => [
    root(v, rel, "aws-load-balancer-controller", v.replicaCount),
  ],
  "cluster-autoscaler": (v, rel) => [root(v, rel, "aws-cluster-autoscaler", v.replicaCount)],
  // elastic/cloud-on-k8s deploy/eck-operator: the operator is a StatefulSet.
  "eck-operator": (v, rel) => [
    { ...root(v, rel, "elastic-operator", v.replicaCount), kind: "StatefulSet" as const },
  ],
  // hetznercloud/csi-driver chart (v2.18.3): templates/node/daemonset.yaml tolerates every taint
  // when `node.tolerations` is empty, and only what it lists otherwise.
  "hcloud-csi": (v, rel) => {
    const node = { ...(v.node ?? {}) };
    if (!Array.isArray(node.tolerations) || node.tolerations.length === 0)
      node.tolerations = [
        { effect: "NoExecute", operator: "Exists" },
        { effect: "NoSchedule", operator: "Exists" },
        { key: "CriticalAddonsOnly", operator: "Exists" },
      ];
    return [
      chartPod(
        "Deployment",
        `${rel}-controller`,
        v.controller,
        v.controller?.replicaCount,
        [v.controller?.resources],
        { app: "hcloud-csi-controller" },
      ),
      chartPod("DaemonSet", `${rel}-node`, node, 0, [node.resources], { app: "hcloud-csi" }),
    ];
  },
  // hetznercloud/hcloud-cloud-controller-manager chart (v1.28.0): templates/deployment.yaml adds
  // its tolerations (uninitialized nodes, CriticalAddonsOnly, control-plane) to `additionalTolerations`.
  "hcloud-cloud-controller-manager": (v, rel) => {
    const pod = chartPod(
      v.kind === "DaemonSet" ? "DaemonSet" : "Deployment",
      rel,
      v,
      v.replicaCount,
      [v.resources],
      {
        "app.kubernetes.io/name": "hcloud-cloud-controller-manager",
        "app.kubernetes.io/instance": rel,
      },
    );
    pod.extraTolerations = [
      {
        key: "node.cloudprovider.kubernetes.io/uninitialized",
        value: "true",
        effect: "NoSchedule",
      },
      { key: "CriticalAddonsOnly", operator: "Exists" },
      { key: "node-role.kubernetes.io/master", effect: "NoSchedule", operator: "Exists" },
      { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule", operator: "Exists" },
      { key: "node.kubernetes.io/not-ready", effect: "NoExecute" },
      ...((v.additionalTolerations ?? []) as Toleration[]),
    ];
    return [pod];
  },
};

/** A chart whose one Deployment reads its settings from the top of the values. */
function root(v: Obj, rel: string, name: string, replicas: unknown): ChartPod {
  return chartPod("Deployment", rel, v, replicas, [v.resources], {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": rel,
  });
}

/**
 * The chart defaults that decide placement, where no vendored values.yaml is at hand: replica
 * counts, default resources and affinities, each read from the chart at its pinned version.
 */
export const CHART_DEFAULTS: Record<string, Obj> = {
  // deploy/charts/cert-manager/values.yaml (v1.21.1): one replica each, Linux nodes.
  "cert-manager": {
    replicaCount: 1,
    nodeSelector: { "kubernetes.io/os": "linux" },
    webhook: { replicaCount: 1, nodeSelector: { "kubernetes.io/os": "linux" } },
    cainjector: { enabled: true, replicaCount: 1, nodeSelector: { "kubernetes.io/os": "linux" } },
    startupapicheck: { enabled: true, nodeSelector: { "kubernetes.io/os": "linux" } },
  },
  // charts/gateway-helm/values.tmpl.yaml (v1.9): one controller replica, 100m / 256Mi.
  "gateway-helm": {
    deployment: {
      replicas: 1,
      envoyGateway: { resources: { requests: { cpu: "100m", memory: "256Mi" } } },
    },
  },
  // production/helm/loki/values.yaml (helm-loki-6.55.0): every target carries a required
  // anti-affinity against its own pods by hostname; the gateway, the canary and both caches are on.
  loki: (() => {
    const hard = (component: string) => ({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: {
              matchLabels: {
                "app.kubernetes.io/component": component,
                "app.kubernetes.io/name": '{{ include "loki.name" . }}',
                "app.kubernetes.io/instance": "{{ .Release.Name }}",
              },
            },
            topologyKey: "kubernetes.io/hostname",
          },
        ],
      },
    });
    return {
      deploymentMode: "SimpleScalable",
      singleBinary: { replicas: 0, affinity: hard("single-binary") },
      write: { replicas: 3, affinity: hard("write") },
      read: { replicas: 3, affinity: hard("read") },
      backend: { replicas: 3, affinity: hard("backend") },
      gateway: { enabled: true, replicas: 1, affinity: hard("gateway") },
      lokiCanary: { enabled: true },
      chunksCache: { enabled: true, replicas: 1, allocatedMemory: 8192, allocatedCPU: "500m" },
      resultsCache: { enabled: true, replicas: 1, allocatedMemory: 1024, allocatedCPU: "500m" },
    };
  })(),
  // charts/prometheus-node-exporter/values.yaml: runs on every Linux node, tolerating NoSchedule.
  "kube-prometheus-stack": {
    "prometheus-node-exporter": {
      nodeSelector: { "kubernetes.io/os": "linux" },
      tolerations: [{ effect: "NoSchedule", operator: "Exists" }],
    },
  },
  // chart/values.yaml (v2.18.3): the node plugin avoids Robot (dedicated) servers.
  "hcloud-csi": {
    node: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  {
                    key: "instance.hetzner.cloud/is-root-server",
                    operator: "NotIn",
                    values: ["true"],
                  },
                  {
                    key: "instance.hetzner.cloud/provided-by",
                    operator: "NotIn",
                    values: ["robot"],
                  },
                ],
              },
            ],
          },
        },
      },
    },
  },
  // chart/values.yaml (v1.28.0): one replica requesting 100m / 50Mi.
  "hcloud-cloud-controller-manager": {
    replicaCount: 1,
    resources: { requests: { cpu: "100m", memory: "50Mi" } },
  },
  // eks-charts aws-load-balancer-controller values.yaml: two replicas.
  "aws-load-balancer-controller": { replicaCount: 2 },
};

/** An entry of vendor/charts/index.json (written by scripts/vendor-charts.ts). */
interface VendoredChart {
  chart: string;
  version: string;
  dir: string;
  /** The pinned version an older vendored release stands for, where the pinned one is not at hand. */
  standsFor?: { version: string };
  dependencies?: { key: string; vendored?: { dir: string } }[];
}

/**
 * Chart defaults from the vendored values.yaml files under `vendor/charts` (each subchart's under
 * its key, as Helm nests them); a chart not vendored there falls back to `CHART_DEFAULTS`.
 */
export function vendoredChartDefaults(root: string): ChartDefaults {
  const dir = path.join(root, "vendor/charts");
  let index: VendoredChart[] = [];
  try {
    index = JSON.parse(fs.readFileSync(path.join(dir, "index.json"), "utf8"));
  } catch {
    return () => undefined;
  }
  const read = (d: string) => JSON.parse(fs.readFileSync(path.join(dir, d, "values.json"), "utf8"));
  const cache = new Map<string, Obj | undefined>();
  return (chart, version) => {
    const key = `${chart}@${version}`;
    if (!cache.has(key)) {
      const entry =
        index.find((e) => e.chart === chart && e.version === version) ??
        index.find((e) => e.chart === chart && e.standsFor?.version === version);
      let values: Obj | undefined;
      if (entry) {
        values = read(entry.dir) as Obj;
        for (const dep of entry.dependencies ?? [])
          if (dep.vendored)
            values[dep.key] = helmMerge(read(dep.vendored.dir), values[dep.key] ?? {});
      }
      cache.set(key, values);
    }
    return cache.get(key);
  };
}

/** A chart's name from a Release's `chart` input: `oci://docker.io/envoyproxy/gateway-helm` → `gateway-helm`. */
export const chartName = (chart: string) => chart.split("/").pop() ?? chart;

/** Pods of a Helm release; a chart without an entry is read the generic way (see below). */
function release(r: Recorded, defaults: ChartDefaults | undefined): Workload[] {
  const chart = chartName(String(r.inputs.chart ?? ""));
  const version = String(r.inputs.version ?? "");
  const rel = String(r.inputs.name ?? r.name);
  const namespace = String(r.inputs.namespace ?? "default");
  const base = defaults?.(chart, version) ?? CHART_DEFAULTS[chart] ?? {};
  const merged = helmMerge(base, r.inputs.values ?? {}) as Obj;
  const values = renderTemplates(merged, rel, String(merged.nameOverride ?? chart)) as Obj;
  const read = CHARTS[chart];
  const pods = read ? read(values, rel) : genericChart(values, rel);
  return pods.map((p) => {
    const spec = {
      nodeSelector: p.settings?.nodeSelector,
      tolerations: [...(p.settings?.tolerations ?? []), ...(p.extraTolerations ?? [])],
      affinity: p.settings?.affinity,
      topologySpreadConstraints: p.settings?.topologySpreadConstraints,
      containers: p.resources.flatMap(resourcesUnder).map((resources) => ({ resources })),
    };
    return {
      kind: p.kind,
      namespace,
      name: p.name,
      replicas: p.kind === "DaemonSet" ? 0 : p.replicas,
      daemon: p.kind === "DaemonSet",
      transient: p.kind === "Job",
      urn: r.urn,
      pod: podShape(spec, p.labels),
    };
  });
}

/**
 * A chart the plan has no entry for: every `resources` with requests is a Deployment of the
 * nearest enclosing replica count, placed by the selectors and tolerations beside it. Labels are
 * unknown, so no affinity between its pods can be judged.
 */
function genericChart(values: Obj, rel: string): ChartPod[] {
  const pods: ChartPod[] = [];
  forEachScaled(values, (o, { count }) => {
    if (!isObj(o.resources) || !("requests" in o.resources || "limits" in o.resources)) return [];
    pods.push(chartPod("Deployment", `${rel}-${pods.length + 1}`, o, count, [o.resources], {}));
    return ["resources"];
  });
  return pods;
}

/**
 * Every workload of a stack. Jobs and CronJobs are marked transient: they run to completion at
 * their hours, so they are checked one at a time against the long-running pods rather than
 * reserving room beside them and beside each other.
 */
export function stackWorkloads(registered: Recorded[], defaults?: ChartDefaults): Workload[] {
  const floors = hpaFloors(registered);
  const gateways = registered.filter(
    (r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  ).length;
  const out: Workload[] = [];
  for (const r of registered) {
    if (r.custom === false || !r.type.startsWith("kubernetes:")) continue;
    const kind = KIND_OF(r.type);
    const group = r.type.split(":")[1] ?? "";
    if (r.type === "kubernetes:helm.sh/v3:Release") {
      out.push(...release(r, defaults));
    } else if (group.startsWith("postgresql.cnpg.io/") && kind === "Cluster") {
      out.push(cnpgCluster(r));
    } else if (group.startsWith("postgresql.cnpg.io/") && kind === "Pooler") {
      out.push(cnpgPooler(r));
    } else if (/^(elasticsearch|kibana|beat)\.k8s\.elastic\.co\//.test(group)) {
      out.push(...eck(r, kind));
    } else if (group.startsWith("gateway.envoyproxy.io/") && kind === "EnvoyProxy") {
      out.push(...envoyProxies(r, gateways));
    } else if (group.startsWith("argoproj.io/") && kind === "Rollout") {
      const w = argoRollout(r, registered, floors);
      if (w) out.push(w);
    } else if (/^(apps|batch)\//.test(group) && BUILT_IN[kind]) {
      const read = BUILT_IN[kind](r.inputs.spec ?? {});
      if (!read?.template) continue;
      const namespace = namespaceOf(r);
      const name = nameOf(r);
      const floor = floors.get(`${kind}/${namespace}/${name}`) ?? 0;
      out.push({
        kind,
        namespace,
        name,
        replicas: Math.max(read.replicas, floor),
        daemon: kind === "DaemonSet",
        transient: kind === "Job" || kind === "CronJob",
        urn: r.urn,
        pod: podShape(read.template.spec ?? {}, read.template.metadata?.labels ?? {}),
      });
    }
  }
  return out;
}
