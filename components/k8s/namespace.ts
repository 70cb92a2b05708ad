import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/**
 * Label of pods that bring their own, narrower egress policy: the namespace's baseline below skips
 * them, since network policies only ever add to what a pod may reach. @example "own"
 */
export const OWN_EGRESS_LABEL = "platform/egress";

/** Egress to the cluster DNS, wherever it runs: every egress policy starts with it. */
export const DNS_EGRESS = {
  to: [{ namespaceSelector: {} }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

/** Egress to the cluster DNS and to one TCP port of a server network (a managed database, cache). */
export function serverEgress(cidrs: pulumi.Input<string>[], port: pulumi.Input<number>) {
  return [
    DNS_EGRESS,
    { to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port }] },
  ];
}

/**
 * A namespace that denies all traffic by default (tiers document, Firewall Rules: internal-only data
 * ports, egress blocked but for HTTP/HTTPS to external APIs). Workloads add the ingress they need.
 * `baseline` relaxes the Pod Security Standard for operators that need it (node exporter, log agents).
 */
export class Namespace extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;

  constructor(
    name: string,
    args: {
      name: string;
      podSecurity?: "restricted" | "baseline" | "privileged";
      /**
       * Managed data services in the VPC (RDS, ElastiCache, DigitalOcean databases): their ports
       * inside the network's range, which the baseline does not open. @example { cidr, ports: [5432] }
       */
      managedData?: { cidrs: pulumi.Input<string>[]; ports: pulumi.Input<number>[] };
    },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("platform:k8s:Namespace", name, {}, opts);
    const parent = { parent: this };
    const level = args.podSecurity ?? "restricted";
    const ns = new k8s.core.v1.Namespace(
      name,
      {
        metadata: {
          name: args.name,
          labels: {
            "pod-security.kubernetes.io/enforce": level,
            "pod-security.kubernetes.io/warn": "restricted",
            "app.kubernetes.io/part-of": "platform",
          },
        },
      },
      parent,
    );
    this.name = ns.metadata.name;
    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      {
        metadata: { name: "default-deny", namespace: this.name },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      },
      parent,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-egress-baseline`,
      {
        metadata: { name: "egress-baseline", namespace: this.name },
        spec: {
          podSelector: {
            matchExpressions: [{ key: OWN_EGRESS_LABEL, operator: "NotIn", values: ["own"] }],
          },
          policyTypes: ["Egress"],
          egress: [
            // Cluster DNS, and every pod in the cluster (the callee's own policy decides).
            DNS_EGRESS,
            { to: [{ namespaceSelector: {} }] },
            // HTTP/HTTPS to external APIs and object storage, and the Kubernetes API on 6443 (k3s,
            // kind, kubeadm) for operators; nothing else leaves the cluster.
            {
              // Never the cloud metadata service: it hands out node credentials and user data.
              to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }],
              ports: [
                { protocol: "TCP", port: 443 },
                { protocol: "TCP", port: 80 },
                { protocol: "TCP", port: 6443 },
              ],
            },
          ],
        },
      },
      parent,
    );
    if (args.managedData && args.managedData.ports.length > 0)
      new k8s.networking.v1.NetworkPolicy(
        `${name}-managed-data-egress`,
        {
          metadata: { name: "managed-data-egress", namespace: this.name },
          spec: {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [
              {
                to: args.managedData.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
                ports: args.managedData.ports.map((port) => ({ protocol: "TCP", port })),
              },
            ],
          },
        },
        parent,
      );
    this.registerOutputs({ name: this.name });
  }
}
