import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { chartRelease, fromNamespace, placement, policiesIn, stringSecret, tcpPorts } from "../k8s";
import type { Namespace } from "../k8s";
import type { LoggingArgs } from "./index";
import { ALLOY_CHART, alloyValues } from "./alloy";
import {
  LOKI_CHART,
  LOKI_GRPC_PORT,
  LOKI_HTTP_PORT,
  LOKI_MEMBERLIST_PORT,
  lokiEndpoints,
  lokiTopology,
  lokiValues,
} from "./loki";

/**
 * Loki (on the bucket, with its credentials Secret when it takes keys), admitted to the agents and
 * Grafana, and Grafana Alloy on every node pushing to it. Returns Loki's query and push URLs.
 */
export function lokiStack(
  name: string,
  args: LoggingArgs,
  agentNs: Namespace,
  parent: pulumi.Resource,
): { query: string; push: string } {
  const { logging, namespace } = args;
  const where = placement("monitoring", args.pools);
  const part = { "app.kubernetes.io/part-of": "platform" };
  const bucket = args.objectStorage;
  const topology = lokiTopology(logging.loki.mode, !!bucket);
  const endpoints = lokiEndpoints(topology.mode, namespace);

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
      { parent },
    );
  }
  const role = bucket?.credentials.kind === "role" ? bucket.credentials : undefined;
  const values = pulumi
    .all([bucket?.endpoint, bucket?.region, bucket?.bucket, role?.roleArn])
    .apply(([endpoint, region, bucketName, roleArn]) =>
      lokiValues({
        loki: logging.loki,
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
        serviceAccountAnnotations: role && roleArn ? { [role.annotationKey]: roleArn } : undefined,
      }),
    );
  const loki = chartRelease(
    `${name}-loki`,
    { name: "loki", chart: LOKI_CHART, namespace, values, timeout: 600, maxHistory: 5 },
    // Its volumes hold the logs (or the index before the bucket): uninstalling drops them.
    { parent, dependsOn: credentialsSecret ? [credentialsSecret] : [], protect: true },
  );
  const lokiPods = { "app.kubernetes.io/name": "loki" };
  policiesIn({ namespace, labels: part, parent })(`${name}-loki-ingress`, {
    name: "loki-ingress",
    podSelector: { matchLabels: lokiPods },
    ingress: [
      // Agents push and Grafana queries over HTTP.
      {
        from: [fromNamespace(agentNs.name), fromNamespace(args.grafanaNamespace)],
        ports: tcpPorts(LOKI_HTTP_PORT),
      },
      // Loki's own pods talk gRPC and gossip in the ring.
      {
        from: [{ podSelector: { matchLabels: lokiPods } }],
        ports: tcpPorts(LOKI_HTTP_PORT, LOKI_GRPC_PORT, LOKI_MEMBERLIST_PORT),
      },
    ],
  });
  chartRelease(
    `${name}-alloy`,
    {
      name: "alloy",
      chart: ALLOY_CHART,
      namespace: agentNs.name,
      values: alloyValues(endpoints.push),
      timeout: 600,
      maxHistory: 5,
    },
    { parent, dependsOn: [agentNs, loki] },
  );
  return endpoints;
}
