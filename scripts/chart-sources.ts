/**
 * The Helm charts the program installs and where their files live upstream: what
 * `scripts/vendor-charts.ts` extracts into `vendor/charts`.
 */
/** Where a chart's files live upstream. */
export interface Location {
  repo: string;
  tag: string;
  dir: string;
  /** values.yaml, or a template the release build fills with `envsubst`. */
  valuesFile?: string;
  /** `${NAME}` → value, as the release build substitutes them. */
  substitutions?: Record<string, string>;
}

/** A dependency of a chart, as Chart.yaml declares it; vendored when `from` is given. */
export interface Dependency {
  /** Chart name of the dependency. */
  chart: string;
  /** The key its values sit under in the parent's values (the alias, or the name). */
  key: string;
  version: string;
  /** Parent values path that switches it on (Chart.yaml `condition`). */
  condition?: string;
  /** Upstream files of the dependency at `version`; absent: never enabled by this program. */
  from?: Location;
  /** Why it is not vendored. */
  notVendored?: string;
}

export interface ChartSource extends Location {
  chart: string;
  version: string;
  /** The pinned version this vendored one stands in for, when the pin is newer than the mirror. */
  standsFor?: { version: string; why: string };
  dependencies: Dependency[];
}

export const NEWER_THAN_MIRROR =
  "the pinned release is newer than the newest snapshot of the upstream repository in reach; " +
  "this is the newest release of the chart in that snapshot";

export const CHARTS: ChartSource[] = [
  {
    chart: "kube-prometheus-stack",
    version: "88.5.3",
    standsFor: { version: "91.4.1", why: NEWER_THAN_MIRROR },
    repo: "prometheus-community/helm-charts",
    tag: "kube-prometheus-stack-88.5.3",
    dir: "charts/kube-prometheus-stack",
    dependencies: [
      {
        chart: "crds",
        key: "crds",
        version: "0.0.0",
        condition: "crds.enabled",
        from: {
          repo: "prometheus-community/helm-charts",
          tag: "kube-prometheus-stack-88.5.3",
          dir: "charts/kube-prometheus-stack/charts/crds",
        },
      },
      {
        chart: "kube-state-metrics",
        key: "kube-state-metrics",
        version: "8.4.0",
        condition: "kubeStateMetrics.enabled",
        from: {
          repo: "prometheus-community/helm-charts",
          tag: "kube-state-metrics-8.4.0",
          dir: "charts/kube-state-metrics",
        },
      },
      {
        chart: "prometheus-node-exporter",
        key: "prometheus-node-exporter",
        version: "4.56.1",
        condition: "nodeExporter.enabled",
        from: {
          repo: "prometheus-community/helm-charts",
          tag: "prometheus-node-exporter-4.56.1",
          dir: "charts/prometheus-node-exporter",
        },
      },
      {
        chart: "grafana",
        key: "grafana",
        version: "12.11.1",
        condition: "grafana.enabled",
        from: {
          repo: "grafana-community/helm-charts",
          tag: "grafana-12.11.1",
          dir: "charts/grafana",
        },
      },
      {
        chart: "prometheus-windows-exporter",
        key: "prometheus-windows-exporter",
        version: "0.12.*",
        condition: "windowsMonitoring.enabled",
        notVendored: "Windows nodes are not monitored (windowsMonitoring.enabled is false)",
      },
    ],
  },
  {
    chart: "loki",
    version: "6.55.0",
    repo: "grafana/loki",
    tag: "helm-loki-6.55.0",
    dir: "production/helm/loki",
    dependencies: [
      {
        chart: "minio",
        key: "minio",
        version: "5.4.0",
        condition: "minio.enabled",
        notVendored: "Loki stores on a volume or the platform's bucket (minio.enabled is false)",
      },
      {
        chart: "grafana-agent-operator",
        key: "grafana-agent-operator",
        version: "0.5.2",
        condition: "monitoring.selfMonitoring.grafanaAgent.installOperator",
        notVendored: "self-monitoring through the Grafana Agent operator is off",
      },
      {
        chart: "rollout-operator",
        key: "rollout_operator",
        version: "0.43.0",
        condition: "rollout_operator.enabled",
        notVendored: "the rollout operator serves the distributed mode only (off)",
      },
    ],
  },
  {
    chart: "alloy",
    version: "1.11.1",
    standsFor: { version: "1.12.1", why: NEWER_THAN_MIRROR },
    repo: "grafana/alloy",
    tag: "helm-chart/1.11.1",
    dir: "operations/helm/charts/alloy",
    dependencies: [
      {
        chart: "crds",
        key: "crds",
        version: "0.0.0",
        condition: "crds.create",
        notVendored: "a CRDs-only chart without values (crds.create is false)",
      },
    ],
  },
  {
    chart: "cloudnative-pg",
    version: "0.29.0",
    standsFor: { version: "0.29.1", why: NEWER_THAN_MIRROR },
    repo: "cloudnative-pg/charts",
    tag: "cloudnative-pg-v0.29.0",
    dir: "charts/cloudnative-pg",
    dependencies: [
      {
        chart: "cluster",
        key: "monitoring",
        version: "0.0.5",
        condition: "monitoring.grafanaDashboard.create",
        notVendored: "the Grafana dashboard chart (monitoring.grafanaDashboard.create is false)",
      },
    ],
  },
  {
    chart: "plugin-barman-cloud",
    version: "0.7.0",
    standsFor: { version: "0.8.0", why: NEWER_THAN_MIRROR },
    repo: "cloudnative-pg/charts",
    tag: "plugin-barman-cloud-v0.7.0",
    dir: "charts/plugin-barman-cloud",
    dependencies: [],
  },
  {
    chart: "gateway-helm",
    version: "v1.9.0",
    standsFor: { version: "v1.9.3", why: NEWER_THAN_MIRROR },
    repo: "envoyproxy/gateway",
    tag: "v1.9.0",
    dir: "charts/gateway-helm",
    // The release workflow (.github/workflows/release.yaml) runs `make helm-package` with
    // IMAGE=docker.io/envoyproxy/gateway TAG=<release> IMAGE_PULL_POLICY=IfNotPresent, and
    // tools/make/helm.mk fills values.tmpl.yaml from them with envsubst.
    valuesFile: "values.tmpl.yaml",
    substitutions: {
      GatewayImage: "docker.io/envoyproxy/gateway:v1.9.0",
      GatewayImagePullPolicy: "IfNotPresent",
    },
    dependencies: [
      {
        chart: "crds",
        key: "crds",
        version: "0.0.0",
        condition: "crds.enabled",
        from: { repo: "envoyproxy/gateway", tag: "v1.9.0", dir: "charts/gateway-helm/charts/crds" },
      },
    ],
  },
  {
    chart: "cert-manager",
    version: "v1.21.1",
    repo: "cert-manager/cert-manager",
    tag: "v1.21.1",
    dir: "deploy/charts/cert-manager",
    dependencies: [],
  },
  {
    chart: "eck-operator",
    version: "3.5.0",
    repo: "elastic/cloud-on-k8s",
    tag: "v3.5.0",
    dir: "deploy/eck-operator",
    dependencies: [
      {
        chart: "eck-operator-crds",
        key: "eck-operator-crds",
        version: "3.5.0",
        condition: "installCRDs",
        from: {
          repo: "elastic/cloud-on-k8s",
          tag: "v3.5.0",
          dir: "deploy/eck-operator/charts/eck-operator-crds",
        },
      },
    ],
  },
  {
    chart: "aws-load-balancer-controller",
    version: "1.13.4",
    repo: "kubernetes-sigs/aws-load-balancer-controller",
    tag: "v2.13.4",
    dir: "helm/aws-load-balancer-controller",
    dependencies: [],
  },
  {
    chart: "cluster-autoscaler",
    version: "9.50.1",
    repo: "kubernetes/autoscaler",
    tag: "cluster-autoscaler-chart-9.50.1",
    dir: "charts/cluster-autoscaler",
    dependencies: [],
  },
  {
    chart: "metrics-server",
    version: "3.13.0",
    repo: "kubernetes-sigs/metrics-server",
    tag: "metrics-server-helm-chart-3.13.0",
    dir: "charts/metrics-server",
    dependencies: [],
  },
  {
    chart: "hcloud-cloud-controller-manager",
    version: "1.28.0",
    repo: "hetznercloud/hcloud-cloud-controller-manager",
    tag: "v1.28.0",
    dir: "chart",
    dependencies: [],
  },
  {
    chart: "argo-rollouts",
    version: "2.41.0",
    repo: "argoproj/argo-helm",
    tag: "argo-rollouts-2.41.0",
    dir: "charts/argo-rollouts",
    dependencies: [],
  },
  {
    chart: "hcloud-csi",
    version: "2.18.3",
    repo: "hetznercloud/csi-driver",
    tag: "v2.18.3",
    dir: "chart",
    dependencies: [],
  },
  {
    // The reboot daemon of the Hetzner layer (components/hetzner/reboots.ts).
    chart: "kured",
    version: "6.1.0",
    repo: "kubereboot/charts",
    tag: "kured-6.1.0",
    dir: "charts/kured",
    dependencies: [],
  },
];
