import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Role, StackConfig } from "../../config";
import { placement, Namespace, chartRelease } from "../k8s";
import {
  alertRules,
  AlertThresholds,
  type MetricSources,
  type PrometheusRuleGroup,
} from "./alert-rules";
import { DASHBOARDS, dashboardJson } from "./dashboards";
import {
  GRAFANA_ADMIN_SECRET,
  grafanaAdmin,
  grafanaGatewayRoute,
  type GrafanaRoute,
} from "./grafana";
import { monitoringPolicies } from "./network";
import { alertmanagerReceivers } from "./receiver-secret";
import {
  DASHBOARD_LABEL,
  DOCUMENT_THRESHOLDS,
  PROMETHEUS_STACK_CHART,
  prometheusStackValues,
} from "./values";

export * from "./values";
export * from "./alert-receivers";
export * from "./sizing";
export * from "./dashboards";
export type { GrafanaRoute } from "./grafana";

export interface MonitoringArgs {
  /** `monitoring` of the stack config: retention, volume size, receivers. @example config.monitoring */
  monitoring: StackConfig["monitoring"];
  /** Namespace of Prometheus, Alertmanager and Grafana (restricted Pod Security). @example "monitoring" */
  namespace: string;
  /**
   * Namespace created for node exporter with the privileged Pod Security level: it needs
   * hostNetwork, hostPID and host paths, which baseline forbids, and keeping it apart lets the
   * monitoring namespace stay restricted. @default "monitoring-node"
   */
  nodeExporterNamespace?: string;
  /** Roles with a dedicated node pool; the stack runs on the `monitoring` pool if any. */
  pools: readonly Role[];
  /** Storage class of the Prometheus and Alertmanager volumes; the cluster default when empty. @example "gp3" */
  storageClass: string;
  /** Loki's query URL, added to Grafana as a data source. @example logging.lokiUrl */
  lokiUrl?: string;
  /** Expose Grafana through the gateway with an HTTPRoute. @default undefined (internal only) */
  grafanaRoute?: GrafanaRoute;
  /** Alert thresholds. @default DOCUMENT_THRESHOLDS (tiers document, Alerting Strategy) */
  thresholds?: Partial<AlertThresholds>;
  /** Scrape targets the stack deploys; the rules read only their series. @default ALL_SOURCES */
  sources?: MetricSources;
}

/**
 * Prometheus, Alertmanager and Grafana with node exporter and kube-state-metrics (self-hosted §4.1,
 * tiers document Monitoring & Observability), the documents' alert rules as a PrometheusRule and
 * dashboards for the data services. Internal only. Cost: about 1.5 CPU and 4 GB of requests on
 * the monitoring pool in production, plus the Prometheus volume (`monitoring.storageGb`).
 */
export class Monitoring extends pulumi.ComponentResource {
  public readonly prometheusUrl: string;
  public readonly alertmanagerUrl: string;
  public readonly grafanaUrl: string;
  /** Grafana's `admin` password (secret). */
  public readonly grafanaAdminPassword: pulumi.Output<string>;
  public readonly nodeExporterNamespace: pulumi.Output<string>;
  /** The alert rules this stack runs (the PrometheusRule's spec), each naming its source. */
  public readonly alertRules: PrometheusRuleGroup[];

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:observability:Monitoring", name, {}, opts);
    const parent = { parent: this };
    const { namespace, monitoring } = args;
    const part = { "app.kubernetes.io/part-of": "platform" };
    const svc = (service: string, port: number) =>
      `http://${service}.${namespace}.svc.cluster.local:${port}`;
    this.prometheusUrl = svc("prometheus-stack-prometheus", 9090);
    this.alertmanagerUrl = svc("prometheus-stack-alertmanager", 9093);
    this.grafanaUrl = svc("grafana", 80);

    const receivers = alertmanagerReceivers(name, monitoring.receivers, namespace, this);

    const nodeNs = new Namespace(
      `${name}-node-namespace`,
      { name: args.nodeExporterNamespace ?? "monitoring-node", podSecurity: "privileged" },
      parent,
    );
    this.nodeExporterNamespace = nodeNs.name;

    const grafana = grafanaAdmin(name, namespace, this);
    this.grafanaAdminPassword = grafana.password;

    this.alertRules = alertRules(args.thresholds ?? DOCUMENT_THRESHOLDS, args.sources).groups;
    const where = placement("monitoring", args.pools);
    const values = receivers.config.apply((alertmanager) =>
      prometheusStackValues({
        monitoring,
        storageClass: args.storageClass,
        placement: where,
        alertmanagerConfig: alertmanager,
        mountReceiverSecret: receivers.secret !== undefined,
        nodeExporterNamespace: args.nodeExporterNamespace ?? "monitoring-node",
        grafanaAdminSecret: GRAFANA_ADMIN_SECRET,
        lokiUrl: args.lokiUrl,
        grafanaRootUrl: args.grafanaRoute ? `https://${args.grafanaRoute.hostname}` : undefined,
      }),
    );
    const release = chartRelease(
      `${name}-stack`,
      {
        name: "prometheus-stack",
        chart: PROMETHEUS_STACK_CHART,
        namespace,
        values,
        timeout: 900,
        maxHistory: 5,
      },
      // Prometheus's and Alertmanager's volumes hold the metrics and silences.
      {
        ...parent,
        dependsOn: [nodeNs, grafana.secret, ...(receivers.secret ? [receivers.secret] : [])],
        protect: true,
      },
    );

    new k8s.apiextensions.CustomResource(
      `${name}-alert-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "platform-alerts", namespace, labels: part },
        spec: { groups: this.alertRules },
      },
      { ...parent, dependsOn: [release] },
    );

    for (const d of DASHBOARDS)
      new k8s.core.v1.ConfigMap(
        `${name}-${d.uid}`,
        {
          metadata: {
            name: `dashboard-${d.uid}`,
            namespace,
            labels: { ...part, ...DASHBOARD_LABEL },
          },
          data: { [`${d.uid}.json`]: dashboardJson(d) },
        },
        parent,
      );

    monitoringPolicies(name, namespace, monitoring.receivers, this);
    if (args.grafanaRoute) grafanaGatewayRoute(name, args.grafanaRoute, namespace, release, this);

    this.registerOutputs({
      prometheusUrl: this.prometheusUrl,
      alertmanagerUrl: this.alertmanagerUrl,
      grafanaUrl: this.grafanaUrl,
      grafanaAdminPassword: this.grafanaAdminPassword,
    });
  }
}
