/**
 * The pod specs of the in-cluster MinIO: the servers' StatefulSet and the Job that sets up the
 * buckets, users and policies. Plain functions from names and sizes to specs; the component
 * (./index.ts) registers the resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { restrictedContainer, restrictedPod } from "../apps/pod";
import { CONFIG_CHECKSUM, containerResources, type placement, spreadOverHosts } from "../k8s";
import {
  MC_IMAGE,
  MINIO_API_PORT,
  MINIO_CONSOLE_PORT,
  MINIO_IMAGE,
  MINIO_NAMES,
  type MinioResources,
  minioServerArgs,
} from "./minio-topology";
import { dataClaimTemplate } from "./volume-claims";

const n = MINIO_NAMES;
/** The user of MinIO's images. */
export const MINIO_UID = 1000;

const keyRef = (secret: string, key: string) => ({ secretKeyRef: { name: secret, key } });
const podBase = {
  automountServiceAccountToken: false,
  enableServiceLinks: false,
  securityContext: restrictedPod(MINIO_UID),
};

/** The servers' StatefulSet spec: `servers` pods, one drive each, started together. */
export function minioServerSpec(args: {
  labels: Record<string, string>;
  servers: number;
  namespace: pulumi.Input<string>;
  domain: string;
  pool: ReturnType<typeof placement>;
  resources: MinioResources;
  storageClass: string;
  volumeGb: number;
}) {
  const { labels, servers, domain } = args;
  return {
    serviceName: n.headless,
    replicas: servers,
    // Distributed MinIO waits for a quorum of servers at start; they must start together.
    podManagementPolicy: "Parallel",
    selector: { matchLabels: labels },
    template: {
      metadata: {
        labels,
        annotations: {
          "prometheus.io/scrape": "true",
          "prometheus.io/path": "/minio/v2/metrics/cluster",
          "prometheus.io/port": String(MINIO_API_PORT),
        },
      },
      spec: {
        ...podBase,
        ...args.pool,
        affinity: spreadOverHosts(labels),
        containers: [
          {
            name: "minio",
            image: MINIO_IMAGE,
            args: pulumi
              .output(args.namespace)
              .apply((namespace) => minioServerArgs(servers, namespace, domain)),
            env: [
              { name: "MINIO_ROOT_USER", valueFrom: keyRef(n.root, "MINIO_ROOT_USER") },
              { name: "MINIO_ROOT_PASSWORD", valueFrom: keyRef(n.root, "MINIO_ROOT_PASSWORD") },
              // Self-hosted §4.1 scrapes MinIO; public metrics need no bearer token in Prometheus' config.
              { name: "MINIO_PROMETHEUS_AUTH_TYPE", value: "public" },
              { name: "HOME", value: "/tmp" },
            ],
            ports: [
              { name: "api", containerPort: MINIO_API_PORT },
              { name: "console", containerPort: MINIO_CONSOLE_PORT },
            ],
            resources: args.resources,
            securityContext: restrictedContainer,
            livenessProbe: {
              httpGet: { path: "/minio/health/live", port: "api" },
              periodSeconds: 20,
              timeoutSeconds: 5,
              failureThreshold: 3,
            },
            readinessProbe: {
              httpGet: { path: "/minio/health/ready", port: "api" },
              periodSeconds: 10,
              timeoutSeconds: 5,
              failureThreshold: 3,
            },
            startupProbe: {
              httpGet: { path: "/minio/health/live", port: "api" },
              periodSeconds: 10,
              failureThreshold: 30,
            },
            volumeMounts: [
              { name: "data", mountPath: "/data" },
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
        ],
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
      },
    },
    volumeClaimTemplates: [dataClaimTemplate(labels, args.storageClass, `${args.volumeGb}Gi`)],
  };
}

/**
 * The bucket Job's pod: `mc` runs the set-up script from the ConfigMap as root, with every key
 * from the Secrets, so none appears in the Job's spec.
 */
export function bucketJobPod(args: {
  labels: Record<string, string>;
  checksum: string;
  configMap: pulumi.Input<string>;
  apiHost: pulumi.Input<string>;
}) {
  return {
    metadata: { labels: args.labels, annotations: { [CONFIG_CHECKSUM]: args.checksum } },
    spec: {
      restartPolicy: "OnFailure",
      ...podBase,
      containers: [
        {
          name: "mc",
          image: MC_IMAGE,
          command: ["/bin/sh", "/config/setup.sh"],
          env: [
            { name: "MINIO_ROOT_USER", valueFrom: keyRef(n.root, "MINIO_ROOT_USER") },
            { name: "MINIO_ROOT_PASSWORD", valueFrom: keyRef(n.root, "MINIO_ROOT_PASSWORD") },
            // mc reads an alias from MC_HOST_<alias>; Kubernetes expands $(VAR) from the
            // variables above, so the keys never appear in the Job's spec.
            {
              name: "MC_HOST_minio",
              value: pulumi.interpolate`http://$(MINIO_ROOT_USER):$(MINIO_ROOT_PASSWORD)@${args.apiHost}:${MINIO_API_PORT}`,
            },
            { name: "MC_CONFIG_DIR", value: "/tmp/.mc" },
            { name: "APP_ACCESS_KEY", valueFrom: keyRef(n.app, "ACCESS_KEY_ID") },
            { name: "APP_SECRET_KEY", valueFrom: keyRef(n.app, "SECRET_ACCESS_KEY") },
            { name: "BACKUP_ACCESS_KEY", valueFrom: keyRef(n.backup, "ACCESS_KEY_ID") },
            { name: "BACKUP_SECRET_KEY", valueFrom: keyRef(n.backup, "ACCESS_SECRET_KEY") },
          ],
          resources: containerResources("50m", "64Mi", "500m", "256Mi"),
          securityContext: restrictedContainer,
          volumeMounts: [
            { name: "config", mountPath: "/config", readOnly: true },
            { name: "tmp", mountPath: "/tmp" },
          ],
        },
      ],
      volumes: [
        { name: "config", configMap: { name: args.configMap } },
        { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
      ],
    },
  };
}
