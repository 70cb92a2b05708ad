import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { Role, StackConfig, Tier } from "../../config";
import { NAMESPACE, pagerOf } from "../../config";
import { placement, Namespace, apiServerEgress, fromNamespace, stringSecret } from "../k8s";
import {
  alertRules,
  AlertThresholds,
  type MetricSources,
  type PrometheusRuleGroup,
} from "./alert-rules";
import { alertmanagerConfig } from "./alertmanager-config";
import { DASHBOARDS, dashboardJson } from "./dashboards";
import {
  DASHBOARD_LABEL,
  DOCUMENT_THRESHOLDS,
  PROMETHEUS_STACK_CHART,
  RECEIVER_SECRET,
  RECEIVER_SECRET_KEYS,
  alertReceivers,
  prometheusStackValues,
  requiredSecretKeys,
} from "./values";

export * from "./values";
export * from "./dashboards";

export interface GrafanaRoute {
  /** Host name Grafana answers on. @example "grafana.example.com" */
  hostname: string;
  /** The Gateway the HTTPRoute attaches to. @example { name: "platform", namespace: "gateway" } */
  gateway: { name: string; namespace: string };
}

export interface MonitoringArgs {
  /** `monitoring` of the stack config: retention, volume size, receivers. @example config.monitoring */
  monitoring: StackConfig["monitoring"];
  /** Tier of the stack; sizes every component. @example "medium" */
  tier: Tier;
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

    // Receivers' credentials: read from secret config only for the receivers the stack configures.
    const receivers = monitoring.receivers;
    const config = new pulumi.Config(NAMESPACE);
    const secretData: Record<string, pulumi.Output<string>> = {};
    for (const key of requiredSecretKeys(receivers))
      secretData[RECEIVER_SECRET_KEYS[key]] = config.requireSecret(key);
    // Rendered now, so a bad receiver stops the program before anything is registered; a webhook
    // pager's URL is a secret known later, checked here with a stand-in.
    const rendered = alertmanagerConfig(alertReceivers(receivers, "https://pager.invalid/"));
    const amConfig = (
      pagerOf(receivers)?.type === "webhook"
        ? config
            .requireSecret("pagingSecret")
            .apply((url) => alertmanagerConfig(alertReceivers(receivers, url)))
        : pulumi.output(rendered)
    ) as pulumi.Output<Record<string, unknown>>;
    const receiverSecret =
      Object.keys(secretData).length > 0
        ? stringSecret(
            `${name}-receivers`,
            { name: RECEIVER_SECRET, namespace, labels: part, stringData: secretData },
            parent,
          )
        : undefined;

    const nodeNs = new Namespace(
      `${name}-node-namespace`,
      { name: args.nodeExporterNamespace ?? "monitoring-node", podSecurity: "privileged" },
      parent,
    );
    this.nodeExporterNamespace = nodeNs.name;

    const password = new random.RandomPassword(
      `${name}-grafana-password`,
      { length: 32, special: false },
      parent,
    );
    this.grafanaAdminPassword = pulumi.secret(password.result);
    const adminSecret = stringSecret(
      `${name}-grafana-admin`,
      {
        name: "grafana-admin",
        namespace,
        labels: part,
        stringData: { "admin-user": "admin", "admin-password": this.grafanaAdminPassword },
      },
      parent,
    );

    this.alertRules = alertRules(args.thresholds ?? DOCUMENT_THRESHOLDS, args.sources).groups;
    const where = placement("monitoring", args.pools);
    const values = amConfig.apply((alertmanager) =>
      prometheusStackValues({
        monitoring,
        tier: args.tier,
        storageClass: args.storageClass,
        placement: where,
        alertmanagerConfig: alertmanager,
        mountReceiverSecret: receiverSecret !== undefined,
        nodeExporterNamespace: args.nodeExporterNamespace ?? "monitoring-node",
        grafanaAdminSecret: "grafana-admin",
        lokiUrl: args.lokiUrl,
        grafanaRootUrl: args.grafanaRoute ? `https://${args.grafanaRoute.hostname}` : undefined,
      }),
    );
    const release = new k8s.helm.v3.Release(
      `${name}-stack`,
      {
        name: "prometheus-stack",
        chart: PROMETHEUS_STACK_CHART.chart,
        version: PROMETHEUS_STACK_CHART.version,
        repositoryOpts: { repo: PROMETHEUS_STACK_CHART.repo },
        namespace,
        values,
        skipAwait: false,
        timeout: 900,
        maxHistory: 5,
      },
      // Prometheus's and Alertmanager's volumes hold the metrics and silences.
      {
        ...parent,
        dependsOn: [nodeNs, adminSecret, ...(receiverSecret ? [receiverSecret] : [])],
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

    // The stack's pods talk to each other (Grafana → Prometheus → Alertmanager, scrapes of the
    // operator and kube-state-metrics, Alertmanager gossip); nothing outside the namespace calls in.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-internal`,
      {
        metadata: { name: "monitoring-internal", namespace, labels: part },
        spec: {
          podSelector: {},
          policyTypes: ["Ingress"],
          ingress: [{ from: [{ podSelector: {} }] }],
        },
      },
      parent,
    );
    // Node exporter listens on the node's address (hostNetwork) and the kubelet serves cAdvisor
    // and volume statistics there; neither is a pod the namespace baseline admits.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-prometheus-nodes`,
      {
        metadata: { name: "prometheus-node-scrapes", namespace, labels: part },
        spec: {
          podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
          policyTypes: ["Egress"],
          egress: [
            {
              to: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
              ports: [
                { protocol: "TCP", port: 9100 },
                { protocol: "TCP", port: 10250 },
              ],
            },
          ],
        },
      },
      parent,
    );
    apiServerEgress(
      `${name}-api`,
      { name: "kube-apiserver-egress", namespace, podSelector: {} },
      parent,
    );
    const smtpPort = receivers.email ? Number(receivers.email.smarthost.split(":").pop()) : NaN;
    if (Number.isInteger(smtpPort) && smtpPort !== 443 && smtpPort !== 80)
      new k8s.networking.v1.NetworkPolicy(
        `${name}-smtp`,
        {
          metadata: { name: "alertmanager-smtp", namespace, labels: part },
          spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/name": "alertmanager" } },
            policyTypes: ["Egress"],
            egress: [
              {
                to: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
                ports: [{ protocol: "TCP", port: smtpPort }],
              },
            ],
          },
        },
        parent,
      );

    if (args.grafanaRoute) {
      const route = args.grafanaRoute;
      new k8s.apiextensions.CustomResource(
        `${name}-grafana-route`,
        {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "HTTPRoute",
          metadata: { name: "grafana", namespace, labels: part },
          spec: {
            parentRefs: [{ name: route.gateway.name, namespace: route.gateway.namespace }],
            hostnames: [route.hostname],
            rules: [{ backendRefs: [{ name: "grafana", port: 80 }] }],
          },
        },
        { ...parent, dependsOn: [release] },
      );
      new k8s.networking.v1.NetworkPolicy(
        `${name}-grafana-gateway`,
        {
          metadata: { name: "grafana-from-gateway", namespace, labels: part },
          spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana" } },
            policyTypes: ["Ingress"],
            ingress: [
              {
                from: [fromNamespace(route.gateway.namespace)],
                ports: [{ protocol: "TCP", port: 3000 }],
              },
            ],
          },
        },
        parent,
      );
    }

    this.registerOutputs({
      prometheusUrl: this.prometheusUrl,
      alertmanagerUrl: this.alertmanagerUrl,
      grafanaUrl: this.grafanaUrl,
      grafanaAdminPassword: this.grafanaAdminPassword,
    });
  }
}
