import * as pulumi from "@pulumi/pulumi";
import { anyAddressEgress, apiServerEgress, policiesIn } from "../k8s";
import type { MonitoringConfig } from "./alert-receivers";

/**
 * What the monitoring namespace adds to its default deny: traffic among the stack's pods,
 * Prometheus's scrapes of the nodes, the API server for every pod, and Alertmanager's mail server
 * when its port is not one the namespace baseline opens.
 */
export function monitoringPolicies(
  name: string,
  namespace: string,
  receivers: MonitoringConfig["receivers"],
  parent: pulumi.Resource,
): void {
  const policy = policiesIn({
    namespace,
    labels: { "app.kubernetes.io/part-of": "platform" },
    parent,
  });
  // The stack's pods talk to each other (Grafana → Prometheus → Alertmanager, scrapes of the
  // operator and kube-state-metrics, Alertmanager gossip); nothing outside the namespace calls in.
  policy(`${name}-internal`, {
    name: "monitoring-internal",
    podSelector: {},
    ingress: [{ from: [{ podSelector: {} }] }],
  });
  // Node exporter listens on the node's address (hostNetwork) and the kubelet serves cAdvisor
  // and volume statistics there; neither is a pod the namespace baseline admits.
  policy(`${name}-prometheus-nodes`, {
    name: "prometheus-node-scrapes",
    podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
    egress: [anyAddressEgress(9100, 10250)],
  });
  apiServerEgress(
    `${name}-api`,
    { name: "kube-apiserver-egress", namespace, podSelector: {} },
    { parent },
  );
  const smtpPort = receivers.email ? Number(receivers.email.smarthost.split(":").pop()) : NaN;
  if (Number.isInteger(smtpPort) && smtpPort !== 443 && smtpPort !== 80)
    policy(`${name}-smtp`, {
      name: "alertmanager-smtp",
      podSelector: { matchLabels: { "app.kubernetes.io/name": "alertmanager" } },
      egress: [anyAddressEgress(smtpPort)],
    });
}
