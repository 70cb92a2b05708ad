import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** A NetworkPolicy peer matching every pod of one namespace. */
export function fromNamespace(ns: pulumi.Input<string>) {
  return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } };
}

/**
 * Egress to the Kubernetes API server for pods that watch the cluster (operators, Prometheus,
 * collectors). Managed control planes answer on 443, which the namespace baseline opens; k3s
 * (Hetzner) answers on 6443 behind the `kubernetes` Service, and policies see the port after DNAT.
 */
export function apiServerEgress(
  resourceName: string,
  args: { name: string; namespace: pulumi.Input<string>; podSelector: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(
    resourceName,
    {
      metadata: { name: args.name, namespace: args.namespace },
      spec: {
        podSelector: { matchLabels: args.podSelector },
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
            ports: [
              { protocol: "TCP", port: 443 },
              { protocol: "TCP", port: 6443 },
            ],
          },
        ],
      },
    },
    opts,
  );
}

/** The `ports` of a NetworkPolicy rule: each port over TCP. */
export function tcpPorts(...ports: pulumi.Input<number>[]) {
  return ports.map((port) => ({ protocol: "TCP", port }));
}

type PolicyRules =
  | { ingress: pulumi.Input<k8s.types.input.networking.v1.NetworkPolicyIngressRule>[] }
  | { egress: pulumi.Input<k8s.types.input.networking.v1.NetworkPolicyEgressRule>[] };

/**
 * A NetworkPolicy of one direction for the pods carrying `podSelector`'s labels: beside the
 * namespace's defaults, its rules are all they may receive (`ingress`) or reach (`egress`).
 */
export function podPolicy(
  resourceName: string,
  args: {
    name: string;
    namespace: pulumi.Input<string>;
    labels?: Record<string, string>;
    podSelector: Record<string, string>;
  } & PolicyRules,
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(
    resourceName,
    {
      metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
      spec: {
        podSelector: { matchLabels: args.podSelector },
        ...("ingress" in args
          ? { policyTypes: ["Ingress"], ingress: args.ingress }
          : { policyTypes: ["Egress"], egress: args.egress }),
      },
    },
    opts,
  );
}

/** An ingress rule admitting every pod of one namespace to the given TCP ports. */
export function ingressFrom(namespace: pulumi.Input<string>, ...ports: pulumi.Input<number>[]) {
  return { from: [fromNamespace(namespace)], ports: tcpPorts(...ports) };
}
