/**
 * Who may reach the self-hosted Postgres (tiers document, Firewall Rules: PostgreSQL internal only),
 * and the operator-managed pods' way to the Kubernetes API.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { apiServerEgressArgs, fromNamespace, ingressFrom, podPolicy, tcpPorts } from "../k8s";
import { POSTGRES_NAMES, POSTGRES_PORT } from "./postgres-cluster";

const METRICS_PORT = 9187;
const POOLER_METRICS_PORT = 9127;
const STATUS_PORT = 8000;

/** The Pooler's pods, as CloudNativePG labels them. */
export const POOLER_LABELS = { "cnpg.io/poolerName": POSTGRES_NAMES.pooler };

/** The NetworkPolicies of the instances and, when enabled, the pooler. */
export function postgresNetworkPolicies(
  name: string,
  args: {
    namespace: pulumi.Input<string>;
    appsNamespace: string;
    monitoringNamespace: string;
    operatorNamespace: string;
    poolerEnabled: boolean;
  },
  parent: pulumi.CustomResourceOptions,
): void {
  const ns = args.namespace;
  const instanceLabels = {
    "cnpg.io/cluster": POSTGRES_NAMES.cluster,
    "cnpg.io/podRole": "instance",
  };
  // Every pod of the cluster: instances and the operator's initdb / join Jobs (a new replica
  // copies the primary with pg_basebackup from its join Job).
  const clusterPods = {
    podSelector: { matchLabels: { "cnpg.io/cluster": POSTGRES_NAMES.cluster } },
  };
  podPolicy(
    `${name}-instances-ingress`,
    {
      name: "postgres-instances-ingress",
      namespace: ns,
      podSelector: instanceLabels,
      ingress: [
        // Tiers document, Firewall Rules: PostgreSQL (5432) internal only: the apps, the pooler
        // and the other instances (streaming replication, base backups of new replicas).
        {
          from: [
            fromNamespace(args.appsNamespace),
            { podSelector: { matchLabels: POOLER_LABELS } },
            clusterPods,
          ],
          ports: tcpPorts(POSTGRES_PORT),
        },
        // The operator and the peers read each instance's status endpoint.
        {
          from: [fromNamespace(args.operatorNamespace), clusterPods],
          ports: tcpPorts(STATUS_PORT),
        },
        ingressFrom(args.monitoringNamespace, METRICS_PORT),
      ],
    },
    parent,
  );
  if (args.poolerEnabled)
    podPolicy(
      `${name}-pooler-ingress`,
      {
        name: "postgres-pooler-ingress",
        namespace: ns,
        podSelector: POOLER_LABELS,
        ingress: [
          ingressFrom(args.appsNamespace, POSTGRES_PORT),
          ingressFrom(args.monitoringNamespace, POOLER_METRICS_PORT),
        ],
      },
      parent,
    );
  const exists = (key: string) => ({ matchExpressions: [{ key, operator: "Exists" }] });
  new k8s.networking.v1.NetworkPolicy(
    `${name}-apiserver-egress`,
    apiServerEgressArgs("postgres-apiserver-egress", ns, exists("cnpg.io/cluster"), [6443]),
    parent,
  );
  if (args.poolerEnabled)
    new k8s.networking.v1.NetworkPolicy(
      `${name}-pooler-apiserver-egress`,
      apiServerEgressArgs(
        "postgres-pooler-apiserver-egress",
        ns,
        exists("cnpg.io/poolerName"),
        [6443],
      ),
      parent,
    );
}
