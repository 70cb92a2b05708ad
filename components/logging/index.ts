import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Role, StackConfig, Tier } from "../../config";
import { placement, apiServerEgress, fromNamespace, Namespace, stringSecret } from "../k8s";
import type { S3Target } from "../storage/target";
import {
  ECK_CHART,
  eckOperatorValues,
  elasticsearchSpec,
  filebeatSpec,
  ilmPolicy,
  kibanaSpec,
} from "./elastic";
import {
  ALLOY_CHART,
  LOKI_CHART,
  LOKI_GRPC_PORT,
  LOKI_HTTP_PORT,
  LOKI_MEMBERLIST_PORT,
  alloyValues,
  lokiEndpoints,
  lokiTopology,
  lokiValues,
} from "./loki";

export * from "./elastic";
export * from "./loki";

export interface LoggingArgs {
  /** `logging` of the stack config: backend, retention and volume size. @example config.logging */
  logging: StackConfig["logging"];
  /** Tier of the stack; sizes Loki and the Elasticsearch node count. @example "medium" */
  tier: Tier;
  /** Namespace of the log store (Loki, or Elasticsearch and Kibana) and its operator. @example "monitoring" */
  namespace: string;
  /** Namespace of Grafana, admitted to query Loki. @example "monitoring" */
  grafanaNamespace: string;
  /**
   * Namespace created for the node agent (Alloy or Filebeat) with the privileged Pod Security
   * level: it reads the host's /var/log through hostPath as root, which baseline forbids.
   * @default "logging-agent"
   */
  agentNamespace?: string;
  /** Roles with a dedicated node pool; the log store runs on the `monitoring` pool if any. */
  pools: readonly Role[];
  /** Storage class of the log volumes; the cluster default when empty. @example "gp3" */
  storageClass: string;
  /** Bucket for Loki's chunks and indexes (ClusterFacts.managed.objectStorage, logs); a volume when absent. */
  objectStorage?: S3Target;
}

/**
 * Centralized logging (self-hosted §4.2, tiers document Log Management): Loki with Grafana Alloy by
 * default, or Elasticsearch, Kibana and Filebeat run by ECK. Retention is `logging.retentionDays`
 * either way. Cost: the log store's pods and volumes on the monitoring pool, one agent per node.
 */
export class Logging extends pulumi.ComponentResource {
  public readonly backend: StackConfig["logging"]["backend"];
  /** Loki's query URL, for Grafana's data source; undefined for Elasticsearch (Kibana is its UI). */
  public readonly lokiUrl?: string;
  /** Where agents push logs (Loki push API) or the Elasticsearch service. */
  public readonly ingestUrl: string;
  /** Kibana's in-cluster URL when the backend is Elasticsearch. */
  public readonly kibanaUrl?: string;
  public readonly agentNamespace: pulumi.Output<string>;

  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:observability:Logging", name, {}, opts);
    const parent = { parent: this };
    const { logging, namespace } = args;
    this.backend = logging.backend;
    const where = placement("monitoring", args.pools);
    const part = { "app.kubernetes.io/part-of": "platform" };

    const agentNs = new Namespace(
      `${name}-agent-namespace`,
      { name: args.agentNamespace ?? "logging-agent", podSecurity: "privileged" },
      parent,
    );
    this.agentNamespace = agentNs.name;
    apiServerEgress(
      `${name}-agent-api`,
      { name: "kube-apiserver-egress", namespace: agentNs.name, podSelector: {} },
      { ...parent, dependsOn: [agentNs] },
    );

    if (logging.backend === "loki") {
      const bucket = args.objectStorage;
      const topology = lokiTopology(args.tier, !!bucket);
      const endpoints = lokiEndpoints(topology.mode, namespace);
      this.lokiUrl = endpoints.query;
      this.ingestUrl = endpoints.push;

      let credentialsSecret: k8s.core.v1.Secret | undefined;
      if (bucket?.credentials.kind === "keys") {
        credentialsSecret = stringSecret(
          `${name}-loki-bucket`,
          {
            name: "loki-bucket-credentials",
            namespace,
            labels: part,
            stringData: pulumi.secret({
              AWS_ACCESS_KEY_ID: bucket.credentials.accessKeyId,
              AWS_SECRET_ACCESS_KEY: bucket.credentials.secretAccessKey,
            }),
          },
          parent,
        );
      }
      const role = bucket?.credentials.kind === "role" ? bucket.credentials : undefined;
      const values = pulumi
        .all([bucket?.endpoint, bucket?.region, bucket?.bucket, role?.roleArn])
        .apply(([endpoint, region, bucketName, roleArn]) =>
          lokiValues({
            tier: args.tier,
            retentionDays: logging.retentionDays,
            storageGb: logging.storageGb,
            storageClass: args.storageClass,
            placement: where,
            bucket: bucket
              ? {
                  endpoint: endpoint!,
                  region: region!,
                  bucket: bucketName!,
                  credentials: bucket.credentials.kind,
                }
              : undefined,
            credentialsSecret: credentialsSecret ? "loki-bucket-credentials" : undefined,
            serviceAccountAnnotations:
              role && roleArn ? { [role.annotationKey]: roleArn } : undefined,
          }),
        );
      const loki = new k8s.helm.v3.Release(
        `${name}-loki`,
        {
          name: "loki",
          chart: LOKI_CHART.chart,
          version: LOKI_CHART.version,
          repositoryOpts: { repo: LOKI_CHART.repo },
          namespace,
          values,
          skipAwait: false,
          timeout: 600,
          maxHistory: 5,
        },
        // Its volumes hold the logs (or the index before the bucket): uninstalling drops them.
        { ...parent, dependsOn: credentialsSecret ? [credentialsSecret] : [], protect: true },
      );
      const lokiPods = { "app.kubernetes.io/name": "loki" };
      new k8s.networking.v1.NetworkPolicy(
        `${name}-loki-ingress`,
        {
          metadata: { name: "loki-ingress", namespace, labels: part },
          spec: {
            podSelector: { matchLabels: lokiPods },
            policyTypes: ["Ingress"],
            ingress: [
              // Agents push and Grafana queries over HTTP.
              {
                from: [fromNamespace(agentNs.name), fromNamespace(args.grafanaNamespace)],
                ports: [{ protocol: "TCP", port: LOKI_HTTP_PORT }],
              },
              // Loki's own pods talk gRPC and gossip in the ring.
              {
                from: [{ podSelector: { matchLabels: lokiPods } }],
                ports: [LOKI_HTTP_PORT, LOKI_GRPC_PORT, LOKI_MEMBERLIST_PORT].map((port) => ({
                  protocol: "TCP",
                  port,
                })),
              },
            ],
          },
        },
        parent,
      );
      new k8s.helm.v3.Release(
        `${name}-alloy`,
        {
          name: "alloy",
          chart: ALLOY_CHART.chart,
          version: ALLOY_CHART.version,
          repositoryOpts: { repo: ALLOY_CHART.repo },
          namespace: agentNs.name,
          values: alloyValues(endpoints.push),
          skipAwait: false,
          timeout: 600,
          maxHistory: 5,
        },
        { ...parent, dependsOn: [agentNs, loki] },
      );
    } else {
      const esName = "logs";
      this.ingestUrl = `https://${esName}-es-http.${namespace}.svc.cluster.local:9200`;
      this.kibanaUrl = `https://kibana-kb-http.${namespace}.svc.cluster.local:5601`;
      const operator = new k8s.helm.v3.Release(
        `${name}-eck-operator`,
        {
          name: "eck-operator",
          chart: ECK_CHART.chart,
          version: ECK_CHART.version,
          repositoryOpts: { repo: ECK_CHART.repo },
          namespace,
          values: eckOperatorValues(where),
          skipAwait: false,
          timeout: 600,
          maxHistory: 5,
        },
        parent,
      );
      apiServerEgress(
        `${name}-eck-api`,
        {
          name: "eck-operator-apiserver-egress",
          namespace,
          podSelector: { "control-plane": "elastic-operator" },
        },
        parent,
      );
      new k8s.apiextensions.CustomResource(
        `${name}-elasticsearch`,
        {
          apiVersion: "elasticsearch.k8s.elastic.co/v1",
          kind: "Elasticsearch",
          metadata: { name: esName, namespace, labels: part },
          spec: elasticsearchSpec({
            name: esName,
            namespace,
            tier: args.tier,
            storageGb: logging.storageGb,
            storageClass: args.storageClass,
            placement: where,
          }),
        },
        // The log store holds the audit trail (self-hosted §7.2): never deleted by an update.
        { ...parent, dependsOn: [operator], protect: true },
      );
      new k8s.apiextensions.CustomResource(
        `${name}-kibana`,
        {
          apiVersion: "kibana.k8s.elastic.co/v1",
          kind: "Kibana",
          metadata: { name: "kibana", namespace, labels: part },
          spec: kibanaSpec({ elasticsearch: esName, placement: where }),
        },
        { ...parent, dependsOn: [operator] },
      );
      const policy = new k8s.core.v1.ConfigMap(
        `${name}-ilm-policy`,
        {
          metadata: { name: "filebeat-ilm-policy", namespace: agentNs.name, labels: part },
          // Index lifecycle: logs are deleted logging.retentionDays after their index rolls over.
          data: { "policy.json": JSON.stringify(ilmPolicy(logging.retentionDays), null, 2) },
        },
        { ...parent, dependsOn: [agentNs] },
      );
      const account = new k8s.core.v1.ServiceAccount(
        `${name}-filebeat-account`,
        { metadata: { name: "filebeat", namespace: agentNs.name, labels: part } },
        { ...parent, dependsOn: [agentNs] },
      );
      // add_kubernetes_metadata reads pods, namespaces and nodes to label each line.
      const clusterRole = new k8s.rbac.v1.ClusterRole(
        `${name}-filebeat-role`,
        {
          metadata: { name: "platform-filebeat", labels: part },
          rules: [
            {
              apiGroups: [""],
              resources: ["namespaces", "pods", "nodes"],
              verbs: ["get", "list", "watch"],
            },
            { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
            { apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list", "watch"] },
          ],
        },
        parent,
      );
      new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-filebeat-binding`,
        {
          metadata: { name: "platform-filebeat", labels: part },
          roleRef: {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: clusterRole.metadata.name,
          },
          subjects: [
            { kind: "ServiceAccount", name: account.metadata.name, namespace: agentNs.name },
          ],
        },
        parent,
      );
      new k8s.apiextensions.CustomResource(
        `${name}-filebeat`,
        {
          apiVersion: "beat.k8s.elastic.co/v1beta1",
          kind: "Beat",
          metadata: { name: "filebeat", namespace: agentNs.name, labels: part },
          spec: filebeatSpec({
            elasticsearch: esName,
            elasticsearchNamespace: namespace,
            serviceAccount: "filebeat",
            policyConfigMap: "filebeat-ilm-policy",
          }),
        },
        { ...parent, dependsOn: [operator, policy, account] },
      );
      const esPods = { "elasticsearch.k8s.elastic.co/cluster-name": esName };
      new k8s.networking.v1.NetworkPolicy(
        `${name}-elasticsearch-ingress`,
        {
          metadata: { name: "elasticsearch-ingress", namespace, labels: part },
          spec: {
            podSelector: { matchLabels: esPods },
            policyTypes: ["Ingress"],
            ingress: [
              // Filebeat ships, Kibana and the operator call the HTTP API.
              {
                from: [fromNamespace(agentNs.name), { podSelector: {} }],
                ports: [{ protocol: "TCP", port: 9200 }],
              },
              // Node-to-node transport inside the cluster.
              {
                from: [{ podSelector: { matchLabels: esPods } }],
                ports: [{ protocol: "TCP", port: 9300 }],
              },
            ],
          },
        },
        parent,
      );
      new k8s.networking.v1.NetworkPolicy(
        `${name}-kibana-ingress`,
        {
          metadata: { name: "kibana-ingress", namespace, labels: part },
          spec: {
            podSelector: { matchLabels: { "kibana.k8s.elastic.co/name": "kibana" } },
            policyTypes: ["Ingress"],
            // Internal only: reached with `kubectl port-forward`, or a route added on purpose.
            ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: "TCP", port: 5601 }] }],
          },
        },
        parent,
      );
    }
    this.registerOutputs({ ingestUrl: this.ingestUrl, lokiUrl: this.lokiUrl });
  }
}
