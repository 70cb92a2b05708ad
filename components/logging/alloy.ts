/**
 * Pure planning for the log collector, Grafana Alloy: its chart pin, configuration and Helm values.
 * No resources are created here.
 */
import type { Resources } from "./loki";

/**
 * Grafana Alloy chart: the collector Grafana maintains for Loki. Promtail reached end of life in
 * March 2026, so a new installation uses Alloy.
 */
export const ALLOY_CHART = {
  repo: "https://grafana.github.io/helm-charts",
  chart: "alloy",
  version: "1.12.1",
} as const;

/** An Alloy string literal. */
const alloyString = (s: string) => JSON.stringify(s);

/**
 * Alloy configuration: tail the container log files of this node's pods (/var/log/pods, CRI
 * format), label them by namespace, pod, container and app, and push them to Loki.
 */
export function alloyConfig(pushUrl: string): string {
  return `discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + sys.env("NODE_NAME")
  }
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    target_label  = "app"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]
    separator     = "/"
    target_label  = "__path__"
    replacement   = "/var/log/pods/*$1/*.log"
  }
}

local.file_match "pods" {
  path_targets = discovery.relabel.pods.output
}

loki.source.file "pods" {
  targets    = local.file_match.pods.targets
  forward_to = [loki.process.pods.receiver]
}

loki.process "pods" {
  stage.cri {}
  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = ${alloyString(pushUrl)}
  }
}
`;
}

/** The Alloy chart values this program sets. */
export interface AlloyValues {
  crds: { create: boolean };
  alloy: {
    configMap: { create: boolean; content: string };
    storagePath: string;
    enableReporting: boolean;
    mounts: { varlog: boolean; extra: { name: string; mountPath: string }[] };
    extraEnv: { name: string; valueFrom: { fieldRef: { fieldPath: string } } }[];
    resources: Resources;
    securityContext: Record<string, unknown>;
  };
  configReloader: { resources: Resources; securityContext: Record<string, unknown> };
  controller: {
    type: "daemonset";
    tolerations: { operator: "Exists" }[];
    volumes: { extra: { name: string; hostPath: { path: string; type: string } }[] };
  };
  serviceMonitor: { enabled: boolean };
}

export const ALLOY_RESOURCES: Resources = {
  requests: { cpu: "50m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
};

/**
 * Alloy as a DaemonSet on every node, tainted pools included (their pods log too). It reads
 * /var/log from the host as root, which only the privileged Pod Security level admits (baseline
 * forbids hostPath volumes); it keeps its read positions on the host so a restart resends nothing.
 */
export function alloyValues(pushUrl: string): AlloyValues {
  const dropAll = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
  return {
    crds: { create: false },
    alloy: {
      configMap: { create: true, content: alloyConfig(pushUrl) },
      storagePath: "/var/lib/alloy/data",
      enableReporting: false,
      mounts: { varlog: true, extra: [{ name: "alloy-data", mountPath: "/var/lib/alloy/data" }] },
      extraEnv: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
      resources: ALLOY_RESOURCES,
      // Root, to read the root-owned log files, but with every capability dropped.
      securityContext: { ...dropAll, runAsUser: 0, runAsNonRoot: false },
    },
    configReloader: {
      resources: {
        requests: { cpu: "10m", memory: "16Mi" },
        limits: { cpu: "50m", memory: "64Mi" },
      },
      securityContext: { ...dropAll, runAsNonRoot: true, runAsUser: 65534 },
    },
    controller: {
      type: "daemonset",
      tolerations: [{ operator: "Exists" }],
      volumes: {
        extra: [
          { name: "alloy-data", hostPath: { path: "/var/lib/alloy", type: "DirectoryOrCreate" } },
        ],
      },
    },
    serviceMonitor: { enabled: false },
  };
}
