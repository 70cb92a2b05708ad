import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** A NetworkPolicy peer matching every pod of one namespace. */
export function fromNamespace(ns: pulumi.Input<string>) {
  return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } };
}

/** TCP ports of a NetworkPolicy rule. */
export function tcpPorts(...ports: pulumi.Input<number>[]) {
  return ports.map((port) => ({ protocol: "TCP", port }));
}

/**
 * Egress to TCP ports of any address: the namespace baseline opens only HTTP/HTTPS (and 6443) out,
 * so a port on a node's or an outside server's address needs a rule of its own.
 */
export function anyAddressEgress(...ports: pulumi.Input<number>[]) {
  return { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcpPorts(...ports) };
}

export interface PolicyArgs {
  /** Name of the NetworkPolicy object. @example "loki-ingress" */
  name: string;
  /** Namespace of the pods it selects. @example "monitoring" */
  namespace: pulumi.Input<string>;
  /** Labels of the object itself. @default none */
  labels?: Record<string, string>;
  /** The pods it applies to; `{}` is every pod of the namespace. @example { matchLabels: pods } */
  podSelector: pulumi.Input<k8s.types.input.meta.v1.LabelSelector>;
  /** What may reach the pods; the policy restricts ingress when given. @default undefined */
  ingress?: pulumi.Input<k8s.types.input.networking.v1.NetworkPolicyIngressRule>[];
  /** What the pods may reach; the policy restricts egress when given. @default undefined */
  egress?: pulumi.Input<k8s.types.input.networking.v1.NetworkPolicyEgressRule>[];
}

/**
 * The arguments of a NetworkPolicy that adds what its pods need to the namespace's default deny;
 * its policy types are those of the rules it is given.
 */
export function networkPolicyArgs(args: PolicyArgs): k8s.networking.v1.NetworkPolicyArgs {
  const { ingress, egress } = args;
  return {
    metadata: {
      name: args.name,
      namespace: args.namespace,
      ...(args.labels ? { labels: args.labels } : {}),
    },
    spec: {
      podSelector: args.podSelector,
      policyTypes: [...(ingress ? ["Ingress"] : []), ...(egress ? ["Egress"] : [])],
      ...(ingress ? { ingress } : {}),
      ...(egress ? { egress } : {}),
    },
  };
}

/** A NetworkPolicy from {@link networkPolicyArgs}. */
export function networkPolicy(
  resourceName: string,
  args: PolicyArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(resourceName, networkPolicyArgs(args), opts);
}

/** What a component's NetworkPolicies share: their namespace, their own labels and their parent. */
export interface PolicyScope {
  namespace: pulumi.Input<string>;
  labels?: Record<string, string>;
  parent: pulumi.Resource;
}

/**
 * A maker of a component's NetworkPolicies in one namespace, each given its resource name and what
 * sets it apart (object name, pods, rules).
 */
export function policiesIn(scope: PolicyScope) {
  const { parent, ...common } = scope;
  return (resourceName: string, args: Omit<PolicyArgs, "namespace" | "labels">) =>
    networkPolicy(resourceName, { ...common, ...args }, { parent });
}

/**
 * Egress to the Kubernetes API server for pods that watch the cluster (operators, Prometheus,
 * collectors). Managed control planes answer on 443, which the namespace baseline opens; k3s
 * (Hetzner), kubeadm and kind answer on 6443 behind the `kubernetes` Service, and policies see the
 * port after DNAT. A policy beside the baseline may name 6443 alone.
 */
export function apiServerEgressArgs(
  name: string,
  namespace: pulumi.Input<string>,
  podSelector: pulumi.Input<k8s.types.input.meta.v1.LabelSelector>,
  ports: number[] = [443, 6443],
): k8s.networking.v1.NetworkPolicyArgs {
  return networkPolicyArgs({ name, namespace, podSelector, egress: [anyAddressEgress(...ports)] });
}

/** A NetworkPolicy from {@link apiServerEgressArgs} for the pods carrying `podSelector`'s labels. */
export function apiServerEgress(
  resourceName: string,
  args: { name: string; namespace: pulumi.Input<string>; podSelector: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(
    resourceName,
    apiServerEgressArgs(args.name, args.namespace, { matchLabels: args.podSelector }),
    opts,
  );
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
  const { podSelector, ...rest } = args;
  return networkPolicy(resourceName, { ...rest, podSelector: { matchLabels: podSelector } }, opts);
}

/** An ingress rule admitting every pod of one namespace to the given TCP ports. */
export function ingressFrom(namespace: pulumi.Input<string>, ...ports: pulumi.Input<number>[]) {
  return { from: [fromNamespace(namespace)], ports: tcpPorts(...ports) };
}
