import {
  podShape,
  requiredTerms,
  type Obj,
  type PodAffinityTerm,
  type PodShape,
  type Recorded,
  type Workload,
} from "./pods";

// Pod-owning Kubernetes objects: built-in kinds, CloudNativePG, Elastic, Envoy proxies, Rollouts.

export const KIND_OF = (type: string) => type.split(":").pop() ?? type;
export const namespaceOf = (r: Recorded) =>
  r.inputs.metadata?.namespace ?? r.inputs.namespace ?? "default";
export const nameOf = (r: Recorded) => r.inputs.metadata?.name ?? r.name;

/** Pod-owning built-in kinds and how to read them. */
export const BUILT_IN: Record<
  string,
  (spec: Obj) => { template: Obj; replicas: number } | undefined
> = {
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
export function hpaFloors(registered: Recorded[]): Map<string, number> {
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

/** Long-running pods of a resource, named as the resource is: neither a DaemonSet's nor a Job's. */
const running = (r: Recorded, kind: string, replicas: number, pod: PodShape): Workload => ({
  kind,
  namespace: namespaceOf(r),
  name: nameOf(r),
  replicas,
  daemon: false,
  transient: false,
  urn: r.urn,
  pod,
});

/** CloudNativePG `Cluster` (https://cloudnative-pg.io, api/v1 cluster_types.go at v1.30.0). */
export function cnpgCluster(r: Recorded): Workload {
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
  return running(r, "Cluster", spec.instances ?? 1, pod);
}

/** CloudNativePG `Pooler`: PgBouncer pods from `template`, `instances` of them (default 1). */
export function cnpgPooler(r: Recorded): Workload {
  const spec = (r.inputs.spec ?? {}) as Obj;
  const name = nameOf(r);
  const labels = { ...(spec.template?.metadata?.labels ?? {}), "cnpg.io/poolerName": name };
  return running(r, "Pooler", spec.instances ?? 1, podShape(spec.template?.spec ?? {}, labels));
}

/** Elastic Cloud on Kubernetes: Elasticsearch node sets, Kibana, Beats (a DaemonSet or Deployment). */
export function eck(r: Recorded, kind: string): Workload[] {
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
export function envoyProxies(r: Recorded, gateways: number): Workload[] {
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
export function argoRollout(
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
  return running(
    r,
    "Rollout",
    Math.max(spec.replicas ?? 1, floors.get(`Rollout/${namespace}/${name}`) ?? 0),
    podShape(template.spec ?? {}, template.metadata?.labels ?? {}),
  );
}
