/**
 * Pure planning for the monitoring stack (kube-prometheus-stack): chart pin, sizing, receivers and
 * the Helm values. No resources are created here.
 */
import type { StackConfig, Tier } from "../../config";
import { environmentOf, pagerOf } from "../../config";
import type { AlertReceivers } from "./alertmanager-config";
import type { AlertThresholds } from "./alert-rules";

/** kube-prometheus-stack (Prometheus Operator, Prometheus, Alertmanager, Grafana, exporters). */
export const PROMETHEUS_STACK_CHART = {
  repo: "https://prometheus-community.github.io/helm-charts",
  chart: "kube-prometheus-stack",
  version: "91.4.1",
} as const;

/** Self-hosted §4.1 prometheus.yml: scrape_interval 15s, evaluation_interval 15s. */
export const SCRAPE_INTERVAL = "15s";
export const EVALUATION_INTERVAL = "15s";

/**
 * The documents' alert thresholds, written out rather than taken from the rule renderer's defaults
 * so a reviewer checks them here against the tiers document's Alerting Strategy: service down
 * 5 minutes, 5xx over 5 %, responses over 2 s, CPU and memory over 80 %, disk 80 % / 90 %,
 * certificates within 7 days; replication lag pages at the 5-minute RPO (self-hosted §3.2).
 */
export const DOCUMENT_THRESHOLDS: Partial<AlertThresholds> = {
  serviceDownMinutes: 5,
  serverErrorRatio: 0.05,
  latencySeconds: 2,
  cpuUsageRatio: 0.8,
  memoryUsageRatio: 0.8,
  diskWarningRatio: 0.8,
  diskCriticalRatio: 0.9,
  certificateExpiryDays: 7,
  replicationLagCriticalSeconds: 300,
  backupJobPattern: ".*backup.*",
};

/** Name of the Secret holding the receivers' credentials, mounted into Alertmanager. */
export const RECEIVER_SECRET = "alertmanager-receivers";
/** Where the Prometheus Operator mounts `alertmanagerSpec.secrets` entries. */
export const RECEIVER_SECRET_DIR = `/etc/alertmanager/secrets/${RECEIVER_SECRET}`;
/** Keys of that Secret, one per secret config key (config/load.ts SECRET_KEYS). */
export const RECEIVER_SECRET_KEYS = {
  pagingSecret: "paging-key",
  chatWebhookUrl: "chat-webhook-url",
  smtpPassword: "smtp-password",
} as const;

export type MonitoringConfig = StackConfig["monitoring"];

/**
 * Receivers for the Alertmanager renderer from the stack config: every credential is a file from
 * the receivers Secret. A webhook pager's credential is its URL, which the renderer takes inline.
 */
export function alertReceivers(
  receivers: MonitoringConfig["receivers"],
  pagingWebhookUrl?: string,
): AlertReceivers {
  const file = (key: keyof typeof RECEIVER_SECRET_KEYS) =>
    `${RECEIVER_SECRET_DIR}/${RECEIVER_SECRET_KEYS[key]}`;
  const out: AlertReceivers = {};
  const pager = pagerOf(receivers);
  if (pager?.type === "pagerduty")
    out.paging = { type: "pagerduty", routingKeyFile: file("pagingSecret") };
  if (pager?.type === "webhook") {
    if (!pagingWebhookUrl)
      throw new RangeError("a webhook pager needs its URL (secret config key pagingSecret)");
    out.paging = { type: "webhook", url: pagingWebhookUrl };
  }
  if (receivers.chat)
    out.chat = { apiUrlFile: file("chatWebhookUrl"), channel: receivers.chat.channel };
  if (receivers.email)
    out.email = {
      to: receivers.email.to,
      from: receivers.email.from,
      smarthost: receivers.email.smarthost,
      // The config has no separate SMTP user: the sender address signs in.
      authUsername: receivers.email.from,
      authPasswordFile: file("smtpPassword"),
    };
  return out;
}

/** Secret config keys a stack's receivers need, in SECRET_KEYS naming. */
export function requiredSecretKeys(
  receivers: MonitoringConfig["receivers"],
): (keyof typeof RECEIVER_SECRET_KEYS)[] {
  const keys: (keyof typeof RECEIVER_SECRET_KEYS)[] = [];
  if (pagerOf(receivers)?.type === "pagerduty") keys.push("pagingSecret");
  if (receivers.chat) keys.push("chatWebhookUrl");
  if (receivers.email) keys.push("smtpPassword");
  return keys;
}

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
 * Requests and limits of every component. Self-hosted §1.1's monitoring node has 4 cores and 8 GB:
 * the production requests (about 1.5 CPU, 4 GB) leave room for the log store beside them. Small
 * tiers share one node with everything else, so Prometheus asks for a fraction of that.
 */
export function monitoringSizing(tier: Tier): MonitoringSizing {
  const production = environmentOf(tier) === "production" && tier !== "small";
  return {
    prometheus: production ? res("1", "3Gi", "2", "6Gi") : res("200m", "512Mi", "1", "2Gi"),
    alertmanager: res("20m", "64Mi", "200m", "256Mi"),
    // Two Alertmanagers gossip so a lost node does not lose a page; one is enough off production.
    alertmanagerReplicas: production ? 2 : 1,
    grafana: production ? res("100m", "256Mi", "1", "1Gi") : res("50m", "128Mi", "500m", "512Mi"),
    grafanaSidecar: res("10m", "64Mi", "100m", "128Mi"),
    operator: res("50m", "128Mi", "500m", "256Mi"),
    configReloader: res("10m", "32Mi", "100m", "64Mi"),
    kubeStateMetrics: production
      ? res("50m", "128Mi", "500m", "512Mi")
      : res("20m", "64Mi", "200m", "256Mi"),
    nodeExporter: res("20m", "32Mi", "250m", "64Mi"),
  };
}

interface Toleration {
  key?: string;
  operator: string;
  value?: string;
  effect?: string;
}
export interface Placement {
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
}

type SecurityContext = Record<string, unknown>;
const podContext = (uid: number): SecurityContext => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  fsGroup: uid,
  seccompProfile: { type: "RuntimeDefault" },
});
const containerContext: SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

interface VolumeClaim {
  volumeClaimTemplate: {
    spec: {
      storageClassName?: string;
      accessModes: string[];
      resources: { requests: { storage: string } };
    };
  };
}
interface Placed extends Placement {
  resources: Resources;
}

/** The kube-prometheus-stack values this program sets (chart 91.x). */
export interface PrometheusStackValues {
  fullnameOverride: string;
  crds: { enabled: boolean };
  windowsMonitoring: { enabled: boolean };
  kubeControllerManager: { enabled: boolean };
  kubeScheduler: { enabled: boolean };
  kubeEtcd: { enabled: boolean };
  kubeProxy: { enabled: boolean };
  defaultRules: { create: boolean; rules: Record<string, boolean> };
  prometheus: {
    service: { type: "ClusterIP" };
    prometheusSpec: Placed & {
      retention: string;
      retentionSize: string;
      scrapeInterval: string;
      evaluationInterval: string;
      storageSpec: VolumeClaim;
      securityContext: SecurityContext;
      serviceMonitorSelectorNilUsesHelmValues: boolean;
      podMonitorSelectorNilUsesHelmValues: boolean;
      ruleSelectorNilUsesHelmValues: boolean;
      probeSelectorNilUsesHelmValues: boolean;
      scrapeConfigSelectorNilUsesHelmValues: boolean;
      serviceMonitorSelector: Record<string, never>;
      serviceMonitorNamespaceSelector: Record<string, never>;
      podMonitorSelector: Record<string, never>;
      podMonitorNamespaceSelector: Record<string, never>;
      ruleSelector: Record<string, never>;
      ruleNamespaceSelector: Record<string, never>;
    };
  };
  alertmanager: {
    config: Record<string, unknown>;
    service: { type: "ClusterIP" };
    /**
     * Rendered whole (less `enabled`) as the PodDisruptionBudget spec, over the chart's default
     * `minAvailable: 1` (templates/alertmanager/podDisruptionBudget.yaml): a spec may hold only one
     * of the two, so the default is nulled (Helm drops a default key set to null).
     */
    podDisruptionBudget: { enabled: boolean; minAvailable: null; maxUnavailable: number };
    alertmanagerSpec: Placed & {
      replicas: number;
      secrets: string[];
      retention: string;
      storage: VolumeClaim;
      securityContext: SecurityContext;
    };
  };
  grafana: Placed & {
    enabled: boolean;
    fullnameOverride: string;
    defaultDashboardsEnabled: boolean;
    admin: { existingSecret: string; userKey: string; passwordKey: string };
    persistence: { enabled: boolean };
    service: { type: "ClusterIP" };
    securityContext: SecurityContext;
    containerSecurityContext: SecurityContext;
    testFramework: { enabled: boolean };
    sidecar: {
      resources: Resources;
      securityContext: SecurityContext;
      dashboards: { enabled: boolean; label: string; labelValue: string };
      datasources: { enabled: boolean };
    };
    additionalDataSources: {
      name: string;
      type: string;
      uid: string;
      url: string;
      access: "proxy";
    }[];
    "grafana.ini": Record<string, Record<string, unknown>>;
  };
  prometheusOperator: Placed & {
    admissionWebhooks: { enabled: boolean };
    tls: { enabled: boolean };
    prometheusConfigReloader: { resources: Resources };
  };
  "kube-state-metrics": Placed & { fullnameOverride: string };
  "prometheus-node-exporter": {
    fullnameOverride: string;
    namespaceOverride: string;
    resources: Resources;
    tolerations: Toleration[];
  };
}

export interface PrometheusStackOptions {
  monitoring: MonitoringConfig;
  tier: Tier;
  storageClass: string;
  placement: Placement;
  /** Rendered Alertmanager configuration. */
  alertmanagerConfig: Record<string, unknown>;
  /** Mount the receivers Secret (only when a receiver needs a credential file). */
  mountReceiverSecret: boolean;
  nodeExporterNamespace: string;
  grafanaAdminSecret: string;
  lokiUrl?: string;
  /** Public URL of Grafana when it is exposed through the gateway. */
  grafanaRootUrl?: string;
}

/** Label Grafana's dashboard sidecar looks for on ConfigMaps. */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

const claim = (storageClass: string, gb: number): VolumeClaim => ({
  volumeClaimTemplate: {
    spec: {
      ...(storageClass ? { storageClassName: storageClass } : {}),
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: `${gb}Gi` } },
    },
  },
});

export function prometheusStackValues(o: PrometheusStackOptions): PrometheusStackValues {
  const size = monitoringSizing(o.tier);
  const m = o.monitoring;
  const all = {};
  return {
    fullnameOverride: "prometheus-stack",
    crds: { enabled: true },
    windowsMonitoring: { enabled: false },
    // Managed control planes (EKS, DigitalOcean) and k3s do not expose these to scrapes; their
    // alerts would fire forever.
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    defaultRules: {
      create: true,
      rules: {
        etcd: false,
        kubeControllerManager: false,
        kubeSchedulerAlerting: false,
        kubeSchedulerRecording: false,
        kubeProxy: false,
        windows: false,
      },
    },
    prometheus: {
      service: { type: "ClusterIP" },
      prometheusSpec: {
        retention: `${m.retentionDays}d`,
        // Size cap below the documented 80 % disk warning, so Prometheus trims its oldest blocks
        // before its own volume raises VolumeUsageHigh.
        retentionSize: `${Math.floor(m.storageGb * 0.75)}GB`,
        scrapeInterval: SCRAPE_INTERVAL,
        evaluationInterval: EVALUATION_INTERVAL,
        storageSpec: claim(o.storageClass, m.storageGb),
        resources: size.prometheus,
        ...o.placement,
        securityContext: podContext(1000),
        // Every ServiceMonitor, PodMonitor and PrometheusRule of every namespace: the data services
        // and apps ship their own, without the chart's release label.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
        serviceMonitorSelector: all,
        serviceMonitorNamespaceSelector: all,
        podMonitorSelector: all,
        podMonitorNamespaceSelector: all,
        ruleSelector: all,
        ruleNamespaceSelector: all,
      },
    },
    alertmanager: {
      config: o.alertmanagerConfig,
      service: { type: "ClusterIP" },
      podDisruptionBudget: {
        enabled: size.alertmanagerReplicas > 1,
        minAvailable: null,
        maxUnavailable: 1,
      },
      alertmanagerSpec: {
        replicas: size.alertmanagerReplicas,
        secrets: o.mountReceiverSecret ? [RECEIVER_SECRET] : [],
        retention: "120h",
        storage: claim(o.storageClass, 2),
        resources: size.alertmanager,
        ...o.placement,
        securityContext: podContext(1000),
      },
    },
    grafana: {
      enabled: true,
      fullnameOverride: "grafana",
      defaultDashboardsEnabled: true,
      admin: {
        existingSecret: o.grafanaAdminSecret,
        userKey: "admin-user",
        passwordKey: "admin-password",
      },
      // Dashboards and data sources are provisioned from ConfigMaps; nothing to keep on a volume.
      persistence: { enabled: false },
      service: { type: "ClusterIP" },
      resources: size.grafana,
      ...o.placement,
      securityContext: podContext(472),
      containerSecurityContext: containerContext,
      testFramework: { enabled: false },
      sidecar: {
        resources: size.grafanaSidecar,
        securityContext: containerContext,
        dashboards: {
          enabled: true,
          label: "grafana_dashboard",
          labelValue: DASHBOARD_LABEL.grafana_dashboard,
        },
        datasources: { enabled: true },
      },
      additionalDataSources: o.lokiUrl
        ? [{ name: "Loki", type: "loki", uid: "loki", url: o.lokiUrl, access: "proxy" }]
        : [],
      "grafana.ini": {
        analytics: { reporting_enabled: false, check_for_updates: false },
        users: { allow_sign_up: false },
        ...(o.grafanaRootUrl ? { server: { root_url: o.grafanaRootUrl } } : {}),
      },
    },
    prometheusOperator: {
      // PrometheusRules are checked by promtool in CI; the admission webhook would need the API
      // server (not a pod, its address unknown per provider) admitted through default-deny.
      admissionWebhooks: { enabled: false },
      tls: { enabled: false },
      resources: size.operator,
      ...o.placement,
      prometheusConfigReloader: { resources: size.configReloader },
    },
    "kube-state-metrics": {
      fullnameOverride: "kube-state-metrics",
      resources: size.kubeStateMetrics,
      ...o.placement,
    },
    "prometheus-node-exporter": {
      fullnameOverride: "node-exporter",
      // hostNetwork, hostPID and host paths: only a privileged namespace admits the DaemonSet.
      namespaceOverride: o.nodeExporterNamespace,
      resources: size.nodeExporter,
      // On every node, tainted pools included: their disks and CPUs are what the alerts watch.
      tolerations: [{ operator: "Exists" }],
    },
  };
}
