import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { CR } from "../lib/crd";
import { ofType } from "../lib/stack";
import { WORKLOAD_TYPES } from "../lib/workloads";

const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];

/** "kube-prometheus-stack", "prometheus-community/kube-prometheus-stack" or an oci:// reference. */
function isKubePrometheusStack(r: PolicyResource): boolean {
  return /(^|\/)kube-prometheus-stack$/.test(String(r.props.chart ?? ""));
}

export const stackMonitoringRequireAlerting: StackValidationPolicy = {
  name: "stack-monitoring-require-alerting",
  description:
    "Self-hosted deployment §4.1 (Prometheus with alert rules and Alertmanager) and Infrastructure recommendations, Monitoring & Observability (critical and warning alerts): a stack with workloads installs kube-prometheus-stack or ships PrometheusRules, with Alertmanager and alert rules left on.",
  validateStack: (args, report) => {
    const workloads = ofType(args.resources, ...Object.values(WORKLOAD_TYPES));
    if (workloads.length === 0) return;
    const stacks = ofType(args.resources, ...HELM_TYPES).filter(isKubePrometheusStack);
    const rules = ofType(args.resources, CR.prometheusRule);
    if (stacks.length === 0 && rules.length === 0) {
      report(
        "the stack runs workloads but installs no kube-prometheus-stack and no PrometheusRule.",
      );
      return;
    }
    for (const s of stacks) {
      if (s.props.values?.alertmanager?.enabled === false) {
        report(
          `kube-prometheus-stack ${s.name} disables Alertmanager, so alerts reach nobody.`,
          s.urn,
        );
      }
    }
    const defaultRules = stacks.some((s) => s.props.values?.defaultRules?.create !== false);
    if (rules.length === 0 && !defaultRules) {
      report(
        "no PrometheusRule is defined and the chart's default rules are off, so nothing alerts.",
      );
    }
  },
};
