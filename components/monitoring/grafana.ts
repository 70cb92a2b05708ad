import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { fromNamespace, policiesIn, stringSecret, tcpPorts } from "../k8s";

export interface GrafanaRoute {
  /** Host name Grafana answers on. @example "grafana.example.com" */
  hostname: string;
  /** The Gateway the HTTPRoute attaches to. @example { name: "platform", namespace: "gateway" } */
  gateway: { name: string; namespace: string };
}

const part = { "app.kubernetes.io/part-of": "platform" };

/** Name of the Secret holding Grafana's `admin` credentials, which the chart reads. */
export const GRAFANA_ADMIN_SECRET = "grafana-admin";

/** Grafana's `admin` password (secret) and the Secret the chart reads it from. */
export function grafanaAdmin(
  name: string,
  namespace: string,
  parent: pulumi.Resource,
): { password: pulumi.Output<string>; secret: k8s.core.v1.Secret } {
  const generated = new random.RandomPassword(
    `${name}-grafana-password`,
    { length: 32, special: false },
    { parent },
  );
  const password = pulumi.secret(generated.result);
  const secret = stringSecret(
    `${name}-grafana-admin`,
    {
      name: GRAFANA_ADMIN_SECRET,
      namespace,
      labels: part,
      stringData: { "admin-user": "admin", "admin-password": password },
    },
    { parent },
  );
  return { password, secret };
}

/**
 * Grafana through the gateway: an HTTPRoute once the chart serves Grafana, and the ingress from the
 * gateway's namespace to Grafana's port.
 */
export function grafanaGatewayRoute(
  name: string,
  route: GrafanaRoute,
  namespace: string,
  release: pulumi.Resource,
  parent: pulumi.Resource,
): void {
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
    { parent, dependsOn: [release] },
  );
  policiesIn({ namespace, labels: part, parent })(`${name}-grafana-gateway`, {
    name: "grafana-from-gateway",
    podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana" } },
    ingress: [{ from: [fromNamespace(route.gateway.namespace)], ports: tcpPorts(3000) }],
  });
}
