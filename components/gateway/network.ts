import { fromNamespace } from "../k8s";

/**
 * Ingress rules of the gateway namespace, whose default is deny-all (components/k8s/namespace.ts).
 * Ports are the pods' own: NetworkPolicy is evaluated after the Service has translated the port.
 */

/** Labels Envoy Gateway puts on every Envoy proxy pod it runs. */
export const PROXY_LABELS = {
  "app.kubernetes.io/name": "envoy",
  "app.kubernetes.io/component": "proxy",
  "app.kubernetes.io/managed-by": "envoy-gateway",
};
/** Label of the Envoy Gateway controller pod (gateway-helm chart). */
export const CONTROLLER_LABELS = { "control-plane": "envoy-gateway" };
/** Label cert-manager puts on its ACME HTTP-01 solver pods. */
export const SOLVER_LABELS = { "acme.cert-manager.io/http01-solver": "true" };

/**
 * Envoy Gateway shifts privileged listener ports by 10000 so the proxy needs no NET_BIND_SERVICE:
 * listeners 80/443 are container ports 10080/10443. 80/443 stay listed in case port shifting is
 * ever turned off (useListenerPortAsContainerPort).
 */
export const PROXY_PORTS = [80, 443, 10080, 10443];
/** Envoy's Prometheus endpoint (/stats/prometheus) and the controller's metrics port. */
export const ENVOY_METRICS_PORT = 19001;
/** The controller's xDS server the proxies fetch their configuration from. */
export const XDS_PORT = 18000;
/** The controller's admission webhook (topology injector), called by the API server. */
export const CONTROLLER_WEBHOOK_PORT = 9443;
/** cert-manager's webhook (secure port), called by the API server. */
export const CERT_MANAGER_WEBHOOK_PORT = 10250;
/** cert-manager's metrics port (controller, webhook and cainjector). */
export const CERT_MANAGER_METRICS_PORT = 9402;
/** Port the ACME HTTP-01 solver pods answer challenges on. */
export const SOLVER_PORT = 8089;
/** API server port of k3s, kind and kubeadm clusters; managed ones use 443, already allowed. */
export const API_SERVER_PORT = 6443;

const tcp = (port: number) => ({ protocol: "TCP", port });

/** NetworkPolicy specs of the gateway namespace, by role. */
export function gatewayNetworkPolicies(args: {
  certManagerRelease: string;
  monitoringNamespace: string;
}) {
  const proxies = { podSelector: { matchLabels: PROXY_LABELS } };
  return {
    // Tiers document, Firewall Rules: HTTP/HTTPS (80/443) allowed from anywhere.
    proxy: {
      podSelector: { matchLabels: PROXY_LABELS },
      policyTypes: ["Ingress"],
      ingress: [
        { ports: PROXY_PORTS.map(tcp) },
        { from: [fromNamespace(args.monitoringNamespace)], ports: [tcp(ENVOY_METRICS_PORT)] },
      ],
    },
    controller: {
      podSelector: { matchLabels: CONTROLLER_LABELS },
      policyTypes: ["Ingress"],
      ingress: [
        { from: [proxies], ports: [tcp(XDS_PORT)] },
        // The API server's address is the control plane's, outside any pod network.
        { ports: [tcp(CONTROLLER_WEBHOOK_PORT)] },
        { from: [fromNamespace(args.monitoringNamespace)], ports: [tcp(ENVOY_METRICS_PORT)] },
      ],
    },
    certManager: {
      podSelector: { matchLabels: { "app.kubernetes.io/instance": args.certManagerRelease } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [fromNamespace(args.monitoringNamespace)],
          ports: [tcp(CERT_MANAGER_METRICS_PORT)],
        },
      ],
    },
    certManagerWebhook: {
      podSelector: {
        matchLabels: {
          "app.kubernetes.io/instance": args.certManagerRelease,
          "app.kubernetes.io/component": "webhook",
        },
      },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [tcp(CERT_MANAGER_WEBHOOK_PORT)] }],
    },
    // Let's Encrypt reaches the solver through the gateway, so only the proxies call it.
    solver: {
      podSelector: { matchLabels: SOLVER_LABELS },
      policyTypes: ["Ingress"],
      ingress: [{ from: [proxies], ports: [tcp(SOLVER_PORT)] }],
    },
    // Controllers watch the API server; on clusters that serve it on 6443 the namespace's egress
    // baseline (DNS, in-cluster, 80/443) does not reach it. The proxies are left out.
    apiServerEgress: {
      podSelector: {
        matchExpressions: [
          { key: "app.kubernetes.io/component", operator: "NotIn", values: ["proxy"] },
        ],
      },
      policyTypes: ["Egress"],
      egress: [{ ports: [tcp(API_SERVER_PORT)] }],
    },
  };
}

/** Object names of the gateway namespace's NetworkPolicies, by role. */
export const NETWORK_POLICY_NAMES: Record<keyof ReturnType<typeof gatewayNetworkPolicies>, string> =
  {
    proxy: "envoy-proxy-ingress",
    controller: "envoy-gateway-ingress",
    certManager: "cert-manager-ingress",
    certManagerWebhook: "cert-manager-webhook-ingress",
    solver: "acme-solver-ingress",
    apiServerEgress: "controllers-api-server-egress",
  };
