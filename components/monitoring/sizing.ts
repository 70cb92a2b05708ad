/** Requests, limits and replicas of the monitoring stack's components. */
import type { MonitoringConfig } from "./alert-receivers";

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}
const res = (reqCpu: string, reqMem: string, limCpu: string, limMem: string): Resources => ({
  requests: { cpu: reqCpu, memory: reqMem },
  limits: { cpu: limCpu, memory: limMem },
});

export interface MonitoringSizing {
  prometheus: Resources;
  alertmanager: Resources;
  alertmanagerReplicas: number;
  grafana: Resources;
  grafanaSidecar: Resources;
  operator: Resources;
  configReloader: Resources;
  kubeStateMetrics: Resources;
  nodeExporter: Resources;
}

/**
 * Requests and limits of every component: the ones whose load grows with the cluster (Prometheus,
 * Grafana, kube-state-metrics) and the Alertmanager replicas from the stack's `monitoring`
 * (config/presets.ts per tier), the rest fixed.
 */
export function monitoringSizing(monitoring: MonitoringConfig): MonitoringSizing {
  const { resources } = monitoring;
  return {
    prometheus: resources.prometheus,
    alertmanager: res("20m", "64Mi", "200m", "256Mi"),
    alertmanagerReplicas: monitoring.alertmanagerReplicas,
    grafana: resources.grafana,
    grafanaSidecar: res("10m", "64Mi", "100m", "128Mi"),
    operator: res("50m", "128Mi", "500m", "256Mi"),
    configReloader: res("10m", "32Mi", "100m", "64Mi"),
    kubeStateMetrics: resources.kubeStateMetrics,
    nodeExporter: res("20m", "32Mi", "250m", "64Mi"),
  };
}
