/**
 * Pure planning for the monitoring stack (kube-prometheus-stack): chart pin, alert thresholds and
 * the Helm values. No resources are created here.
 */
import { restrictedPod } from "../apps/pod";
import { RECEIVER_SECRET, type MonitoringConfig } from "./alert-receivers";
import type { AlertThresholds } from "./alert-rules";
import { monitoringSizing, type Resources } from "./sizing";

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
  const size = monitoringSizing(o.monitoring);
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
        securityContext: restrictedPod(1000),
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
        securityContext: restrictedPod(1000),
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
      securityContext: restrictedPod(472),
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
