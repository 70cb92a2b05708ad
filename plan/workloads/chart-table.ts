import { chartPod, on, root, type ChartPod } from "./chart-pods";
import { MONITORING_CHARTS } from "./monitoring-charts";
import type { Obj, Toleration } from "./pods";

/**
 * What a chart runs, by chart name, from its merged values. Only long-running workloads and the
 * hook Jobs that gate an install; components switched off by default are read only when enabled.
 */
export const CHARTS: Record<string, (v: Obj, release: string) => ChartPod[]> = {
  // cert-manager deploy/charts/cert-manager/values.yaml (v1.21.1).
  "cert-manager": (v, rel) => {
    // Each component reads its settings, replicas and resources under its own key; the controller's
    // sit at the top of the values.
    const component = (key?: string, kind: ChartPod["kind"] = "Deployment") => {
      const s = key ? v[key] : v;
      return chartPod(
        kind,
        key ? `${rel}-${key}` : rel,
        s,
        kind === "Job" ? 1 : s?.replicaCount,
        [s?.resources],
        {
          "app.kubernetes.io/name": key ?? "cert-manager",
          "app.kubernetes.io/instance": rel,
          "app.kubernetes.io/component": key ?? "controller",
        },
      );
    };
    return [
      component(),
      component("webhook"),
      ...(on(v.cainjector?.enabled) ? [component("cainjector")] : []),
      ...(on(v.startupapicheck?.enabled) ? [component("startupapicheck", "Job")] : []),
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
  ...MONITORING_CHARTS,
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
  // kubereboot/charts charts/kured (6.1.0): one DaemonSet named for the release, its tolerations
  // the chart's control-plane ones unless `tolerations` is set (templates/daemonset.yaml).
  kured: (v, rel) => [
    chartPod(
      "DaemonSet",
      rel,
      {
        ...v,
        tolerations:
          Array.isArray(v.tolerations) && v.tolerations.length > 0
            ? v.tolerations
            : [
                { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
                { key: "node-role.kubernetes.io/master", effect: "NoSchedule" },
              ],
      },
      0,
      [v.resources],
      { "app.kubernetes.io/name": "kured", "app.kubernetes.io/instance": rel },
    ),
  ],
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
