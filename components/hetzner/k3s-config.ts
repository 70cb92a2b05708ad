/**
 * The k3s configuration of a server: its config file, the API server's audit policy and its node
 * labels. Secrets stay in the file (mode 0600); cloud-init.ts writes it.
 */
import type { CloudInitOptions } from "./cloud-init";
import { DATA_DIR } from "./data-volume";
import { KUBERNETES_API_PORT } from "./firewalls";
import { K3S_POD_CIDR, K3S_SERVICE_CIDR } from "./k3s";
import { LABELS, type K3sMode } from "./node-layout";

export const K3S_CONFIG_PATH = "/etc/rancher/k3s/config.yaml";
export const AUDIT_POLICY_PATH = "/etc/rancher/k3s/audit-policy.yaml";

/** Whether the server runs the k3s control plane (the first or a joining server). */
export const isServer = (mode: K3sMode) => mode !== "agent";

/**
 * The k3s configuration file. Secrets stay in this file (mode 0600), never on a command line or
 * in the environment, so they appear in no process list and no log. Addresses known only at boot
 * (the private interface, the public IPv4) go to a drop-in the bootstrap script writes.
 */
export function k3sConfig(opts: CloudInitOptions): Record<string, unknown> {
  const server = isServer(opts.k3s);
  const join =
    opts.k3s !== "init" ? { server: `https://${opts.initServerIp}:${KUBERNETES_API_PORT}` } : {};
  const common = {
    ...join,
    token: server ? opts.serverToken : opts.agentToken,
    // Known here for the layer's own servers; an autoscaled one's goes to the boot drop-in.
    ...(opts.nodeIp === undefined ? {} : { "node-ip": opts.nodeIp }),
    // The hcloud cloud controller sets addresses, zones and provider IDs of every node.
    "kubelet-arg": ["cloud-provider=external"],
    ...(opts.labels.length > 0 ? { "node-label": opts.labels } : {}),
    ...(opts.taints.length > 0 ? { "node-taint": opts.taints } : {}),
  };
  if (!server) return common;
  return {
    ...(opts.k3s === "init" ? { "cluster-init": true } : {}),
    ...common,
    "agent-token": opts.agentToken,
    "advertise-address": opts.nodeIp,
    // The gateway (Envoy) and the hcloud load balancer replace k3s's bundled ingress and klipper.
    disable: ["traefik", "servicelb"],
    "disable-cloud-controller": true,
    "secrets-encryption": true,
    "write-kubeconfig-mode": "0600",
    "default-local-storage-path": DATA_DIR,
    "cluster-cidr": K3S_POD_CIDR,
    "service-cidr": K3S_SERVICE_CIDR,
    // Self-hosted §7.2 (audit logging): who did what to the API, kept 30 days.
    "kube-apiserver-arg": [
      `audit-policy-file=${AUDIT_POLICY_PATH}`,
      "audit-log-path=/var/lib/rancher/k3s/server/logs/audit.log",
      "audit-log-maxage=30",
      "audit-log-maxbackup=10",
      "audit-log-maxsize=100",
    ],
  };
}

/** Request metadata of every API call, never bodies (which would copy secrets into the log). */
export const AUDIT_POLICY = {
  apiVersion: "audit.k8s.io/v1",
  kind: "Policy",
  omitStages: ["RequestReceived"],
  rules: [{ level: "Metadata" }],
};

/** The node labels of a server: its role (pools) and whether it runs the control plane. */
export function nodeLabels(role: string | undefined, mode: K3sMode): string[] {
  return [
    ...(role ? [`${LABELS.role}=${role}`] : []),
    ...(isServer(mode) ? [`${LABELS.controlPlane}=true`] : []),
  ];
}
