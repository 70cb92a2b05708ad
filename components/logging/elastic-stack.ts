import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import {
  apiServerEgress,
  chartRelease,
  fromNamespace,
  placement,
  policiesIn,
  tcpPorts,
} from "../k8s";
import type { Namespace } from "../k8s";
import {
  ECK_CHART,
  eckOperatorValues,
  elasticsearchSpec,
  filebeatSpec,
  ilmPolicy,
  kibanaSpec,
} from "./elastic";
import type { LoggingArgs } from "./index";

const part = { "app.kubernetes.io/part-of": "platform" };

/** Name of the Elasticsearch cluster; its Services are named after it. */
const ES_NAME = "logs";

/** Where Filebeat ships logs (the Elasticsearch HTTP service) and Kibana's in-cluster URL. */
export function elasticUrls(namespace: string): { ingest: string; kibana: string } {
  return {
    ingest: `https://${ES_NAME}-es-http.${namespace}.svc.cluster.local:9200`,
    kibana: `https://kibana-kb-http.${namespace}.svc.cluster.local:5601`,
  };
}

/**
 * The ECK operator with Elasticsearch and Kibana in the log store's namespace, and Filebeat (a Beat
 * of the operator, with its ILM policy and cluster-read RBAC) in the agent namespace.
 */
export function elasticStack(
  name: string,
  args: LoggingArgs,
  agentNs: Namespace,
  parent: pulumi.Resource,
): void {
  const { logging, namespace } = args;
  const where = placement("monitoring", args.pools);
  const operator = chartRelease(
    `${name}-eck-operator`,
    {
      name: "eck-operator",
      chart: ECK_CHART,
      namespace,
      values: eckOperatorValues(where),
      timeout: 600,
      maxHistory: 5,
    },
    { parent },
  );
  apiServerEgress(
    `${name}-eck-api`,
    {
      name: "eck-operator-apiserver-egress",
      namespace,
      podSelector: { "control-plane": "elastic-operator" },
    },
    { parent },
  );
  new k8s.apiextensions.CustomResource(
    `${name}-elasticsearch`,
    {
      apiVersion: "elasticsearch.k8s.elastic.co/v1",
      kind: "Elasticsearch",
      metadata: { name: ES_NAME, namespace, labels: part },
      spec: elasticsearchSpec({
        name: ES_NAME,
        namespace,
        nodes: logging.elasticsearch.nodes,
        storageGb: logging.storageGb,
        storageClass: args.storageClass,
        placement: where,
      }),
    },
    // The log store holds the audit trail (self-hosted §7.2): never deleted by an update.
    { parent, dependsOn: [operator], protect: true },
  );
  new k8s.apiextensions.CustomResource(
    `${name}-kibana`,
    {
      apiVersion: "kibana.k8s.elastic.co/v1",
      kind: "Kibana",
      metadata: { name: "kibana", namespace, labels: part },
      spec: kibanaSpec({ elasticsearch: ES_NAME, placement: where }),
    },
    { parent, dependsOn: [operator] },
  );
  const beat = filebeat(name, args, agentNs, parent);
  new k8s.apiextensions.CustomResource(
    `${name}-filebeat`,
    {
      apiVersion: "beat.k8s.elastic.co/v1beta1",
      kind: "Beat",
      metadata: { name: "filebeat", namespace: agentNs.name, labels: part },
      spec: filebeatSpec({
        elasticsearch: ES_NAME,
        elasticsearchNamespace: namespace,
        serviceAccount: "filebeat",
        policyConfigMap: "filebeat-ilm-policy",
      }),
    },
    { parent, dependsOn: [operator, ...beat] },
  );
  const esPods = { "elasticsearch.k8s.elastic.co/cluster-name": ES_NAME };
  const policy = policiesIn({ namespace, labels: part, parent });
  policy(`${name}-elasticsearch-ingress`, {
    name: "elasticsearch-ingress",
    podSelector: { matchLabels: esPods },
    ingress: [
      // Filebeat ships, Kibana and the operator call the HTTP API.
      { from: [fromNamespace(agentNs.name), { podSelector: {} }], ports: tcpPorts(9200) },
      // Node-to-node transport inside the cluster.
      { from: [{ podSelector: { matchLabels: esPods } }], ports: tcpPorts(9300) },
    ],
  });
  policy(`${name}-kibana-ingress`, {
    name: "kibana-ingress",
    podSelector: { matchLabels: { "kibana.k8s.elastic.co/name": "kibana" } },
    // Internal only: reached with `kubectl port-forward`, or a route added on purpose.
    ingress: [{ from: [{ podSelector: {} }], ports: tcpPorts(5601) }],
  });
}

/**
 * What the Filebeat Beat needs beside it in the agent namespace: its ILM policy and a service
 * account allowed to read the cluster objects it labels lines with. Returns the two it depends on.
 */
function filebeat(
  name: string,
  args: LoggingArgs,
  agentNs: Namespace,
  parent: pulumi.Resource,
): pulumi.Resource[] {
  const policy = new k8s.core.v1.ConfigMap(
    `${name}-ilm-policy`,
    {
      metadata: { name: "filebeat-ilm-policy", namespace: agentNs.name, labels: part },
      // Index lifecycle: logs are deleted logging.retentionDays after their index rolls over.
      data: { "policy.json": JSON.stringify(ilmPolicy(args.logging.retentionDays), null, 2) },
    },
    { parent, dependsOn: [agentNs] },
  );
  const account = new k8s.core.v1.ServiceAccount(
    `${name}-filebeat-account`,
    { metadata: { name: "filebeat", namespace: agentNs.name, labels: part } },
    { parent, dependsOn: [agentNs] },
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
    { parent },
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
      subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: agentNs.name }],
    },
    { parent },
  );
  return [policy, account];
}
