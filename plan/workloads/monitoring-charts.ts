import { chartPod, helmMerge, on, type ChartPod } from "./chart-pods";
import type { Obj } from "./pods";

/** What the logging and monitoring charts run, by chart name (see `CHARTS`). */
export const MONITORING_CHARTS: Record<string, (v: Obj, release: string) => ChartPod[]> = {
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
    // A subchart's one workload: named `<release>-<chart>` unless overridden, its values under its key.
    const subchart = (
      kind: ChartPod["kind"],
      values: Obj,
      chart: string,
      replicas: unknown,
      resources: unknown[],
    ) =>
      chartPod(kind, values.fullnameOverride ?? `${rel}-${chart}`, values, replicas, resources, {
        "app.kubernetes.io/name": chart,
        "app.kubernetes.io/instance": rel,
      });
    if (on(v.prometheus?.enabled)) pods.push(operated("prometheus", v.prometheus?.prometheusSpec));
    if (on(v.alertmanager?.enabled))
      pods.push(operated("alertmanager", v.alertmanager?.alertmanagerSpec));
    if (on(v.grafana?.enabled)) {
      const g = v.grafana ?? {};
      const sidecars = [g.sidecar?.dashboards?.enabled, g.sidecar?.datasources?.enabled]
        .filter((x) => x === true)
        .map(() => g.sidecar?.resources);
      pods.push(subchart("Deployment", g, "grafana", g.replicas, [g.resources, ...sidecars]));
    }
    if (on(v.kubeStateMetrics?.enabled)) {
      const k = v["kube-state-metrics"] ?? {};
      pods.push(subchart("Deployment", k, "kube-state-metrics", k.replicas, [k.resources]));
    }
    if (on(v.nodeExporter?.enabled)) {
      const n = v["prometheus-node-exporter"] ?? {};
      pods.push(subchart("DaemonSet", n, "prometheus-node-exporter", 0, [n.resources]));
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
};
