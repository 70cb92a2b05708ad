import { stackMonitoringRequireAlerting } from "../../../policies/stack/stack-monitoring-require-alerting";
import { describeStackPolicy } from "../harness";
import { deployment } from "../fixtures";

const release = {
  type: "kubernetes:helm.sh/v3:Release",
  name: "monitoring",
  props: {
    chart: "kube-prometheus-stack",
    version: "75.15.1",
    repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
    values: { alertmanager: { enabled: true }, defaultRules: { create: true } },
  },
};
const rules = {
  type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  name: "platform-alerts",
  props: { metadata: { name: "platform-alerts", namespace: "monitoring" }, spec: { groups: [] } },
};
const app = { type: "kubernetes:apps/v1:Deployment", name: "api", props: deployment() };

describeStackPolicy(stackMonitoringRequireAlerting, [
  {
    resources: [app, release, rules],
    cases: [
      {
        rule: "Alertmanager disabled in the chart",
        set: ["monitoring", "values.alertmanager.enabled", false],
        expect: /disables Alertmanager/,
      },
    ],
    passes: [
      {
        rule: "the chart comes from an OCI registry",
        set: [
          "monitoring",
          "chart",
          "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack",
        ],
      },
      {
        rule: "only the platform's own PrometheusRules exist, on a cluster with monitoring",
        remove: "monitoring",
      },
    ],
  },
  {
    resources: [app, release],
    cases: [
      {
        rule: "the chart's default rules off and no PrometheusRule",
        set: ["monitoring", "values.defaultRules.create", false],
        expect: /no PrometheusRule is defined and the chart's default rules are off/,
      },
      {
        rule: "no monitoring at all",
        remove: "monitoring",
        expect: /installs no kube-prometheus-stack and no PrometheusRule/,
      },
      {
        rule: "a chart that is not kube-prometheus-stack",
        set: ["monitoring", "chart", "grafana"],
        expect: /installs no kube-prometheus-stack/,
      },
    ],
  },
]);
