import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { Role, StackConfig } from "../../config";
import { restrictedContainer, restrictedPod } from "../apps/pod";
import { placement } from "../k8s";
import type { ObjectStoreEndpoint } from "../contract";
import {
  MC_IMAGE,
  MINIO_API_PORT,
  MINIO_CONSOLE_PORT,
  MINIO_IMAGE,
  MINIO_NAMES,
  bucketJobScript,
  bucketPolicy,
  bucketsFor,
  minioResources,
  minioServerArgs,
  minioUsableGb,
  minioVolumeGb,
} from "./minio-topology";
import type { S3Target } from "./target";
import { growClaims, keepClaimTemplates } from "./volume-claims";

export * from "./minio-topology";
export * from "./target";
export * from "./volume-claims";

export interface MinIOArgs {
  /** The stack's `objectStorage` section; its mode must be `self-hosted`. @example config.objectStorage */
  objectStorage: StackConfig["objectStorage"];
  /** Namespace of MinIO. @example "data" */
  namespace: pulumi.Input<string>;
  /** Namespace of the apps, admitted to the S3 API. @example "platform" */
  appsNamespace: string;
  /** Namespace of the monitoring stack, admitted to the metrics endpoint. @example "monitoring" */
  monitoringNamespace: string;
  /** Other namespaces whose pods use the S3 API (backup jobs, log store). @default [] */
  clientNamespaces?: string[];
  /** Roles with dedicated node pools; servers go to the `storage` pool when there is one. */
  pools: readonly Role[];
  /** Storage class of the data volumes; the cluster's default when empty. @example "gp3" */
  storageClass: string;
  /**
   * The storage class expands a bound claim in place (CSI allowVolumeExpansion): a larger
   * `objectStorage.storageGb` then grows the servers' claims by patch (./volume-claims.ts).
   * Without it (local-path) a claim's size is not enforced and stays as first made. @default false
   */
  expandVolumes?: boolean;
  /** DNS domain of the cluster, for the servers' stable names. @default "cluster.local" */
  clusterDomain?: string;
}

const UID = 1000;
/** MinIO's own default region; clients sign requests for it. */
const REGION = "us-east-1";

/**
 * In-cluster S3-compatible object storage (MinIO): `objectStorage.servers` servers (erasure-coded
 * and distributed when more than one), the configured buckets with versioning and lifecycle rules,
 * an app user limited to the media bucket and a backup user limited to the backup bucket.
 * Cost: `servers` pods on the `storage` pool and `storageGb` of volumes in total (raw; parity
 * takes its share, see `usableGb`).
 */
export class MinIO extends pulumi.ComponentResource {
  /** S3 endpoint inside the cluster. */
  public readonly endpoint: pulumi.Output<string>;
  /** Bucket names by purpose (the first bucket of each purpose). */
  public readonly buckets: Partial<Record<"media" | "backup" | "logs", string>>;
  /** Secret (in MinIO's namespace) with the backup user's keys: ACCESS_KEY_ID / ACCESS_SECRET_KEY and AWS_* names. */
  public readonly backupCredentialsSecret: pulumi.Output<string>;
  /** The backup bucket with the backup user's keys: for CloudNativePG and the backup jobs. */
  public readonly backupTarget: S3Target;
  /** The store as the apps see it: the media bucket with the app user's keys (not root's). */
  public readonly objectStore: ObjectStoreEndpoint;
  /** Capacity for objects once parity is set aside, in GB. */
  public readonly usableGb: number;

  constructor(name: string, args: MinIOArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:MinIO", name, {}, opts);
    const parent = { parent: this };
    const store = args.objectStorage;
    if (store.mode !== "self-hosted")
      throw new pulumi.InputPropertyError({
        propertyPath: "objectStorage.mode",
        reason: `is "${store.mode}"; the in-cluster MinIO is built only for "self-hosted"`,
      });
    const media = bucketsFor(store.buckets, "media");
    const backup = bucketsFor(store.buckets, "backup");
    if (!media.length || !backup.length)
      throw new pulumi.InputPropertyError({
        propertyPath: "objectStorage.buckets",
        reason: "needs a bucket of purpose media and one of purpose backup",
      });
    const ns = args.namespace;
    const n = MINIO_NAMES;
    const servers = store.servers;
    const domain = args.clusterDomain ?? "cluster.local";
    const labels = { "app.kubernetes.io/name": "minio", "app.kubernetes.io/part-of": "platform" };
    this.usableGb = minioUsableGb(store.storageGb, servers);

    // Root credentials: generated, only the server and the bucket Job read them.
    const rootUser = new random.RandomString(
      `${name}-root-user`,
      { length: 20, special: false, upper: false },
      parent,
    );
    const rootPassword = new random.RandomPassword(
      `${name}-root-password`,
      { length: 40, special: false },
      parent,
    );
    const root = new k8s.core.v1.Secret(
      `${name}-root`,
      {
        metadata: { name: n.root, namespace: ns, labels },
        type: "Opaque",
        stringData: { MINIO_ROOT_USER: rootUser.result, MINIO_ROOT_PASSWORD: rootPassword.result },
      },
      parent,
    );
    const user = (role: "app" | "backup") => ({
      key: new random.RandomString(
        `${name}-${role}-access-key`,
        { length: 20, special: false, lower: false },
        parent,
      ),
      secret: new random.RandomPassword(
        `${name}-${role}-secret-key`,
        { length: 40, special: false },
        parent,
      ),
    });
    const app = user("app");
    const backupUser = user("backup");
    const appSecret = new k8s.core.v1.Secret(
      `${name}-app`,
      {
        metadata: { name: n.app, namespace: ns, labels },
        type: "Opaque",
        stringData: { ACCESS_KEY_ID: app.key.result, SECRET_ACCESS_KEY: app.secret.result },
      },
      parent,
    );
    const backupSecret = new k8s.core.v1.Secret(
      `${name}-backup`,
      {
        metadata: { name: n.backup, namespace: ns, labels },
        type: "Opaque",
        stringData: {
          ACCESS_KEY_ID: backupUser.key.result,
          ACCESS_SECRET_KEY: backupUser.secret.result,
          AWS_ACCESS_KEY_ID: backupUser.key.result,
          AWS_SECRET_ACCESS_KEY: backupUser.secret.result,
        },
      },
      parent,
    );
    this.backupCredentialsSecret = backupSecret.metadata.name;

    new k8s.core.v1.Service(
      `${name}-headless`,
      {
        metadata: { name: n.headless, namespace: ns, labels },
        spec: {
          clusterIP: "None",
          // Distributed servers find each other by name before any of them is ready.
          publishNotReadyAddresses: true,
          selector: labels,
          ports: [{ name: "api", port: MINIO_API_PORT, targetPort: "api" }],
        },
      },
      parent,
    );
    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: n.service, namespace: ns, labels },
        spec: {
          type: "ClusterIP",
          selector: labels,
          ports: [
            { name: "api", port: MINIO_API_PORT, targetPort: "api" },
            { name: "console", port: MINIO_CONSOLE_PORT, targetPort: "console" },
          ],
        },
      },
      parent,
    );

    const pool = placement("storage", args.pools);
    const resources = minioResources(servers, args.pools.includes("storage"));
    const env = [
      {
        name: "MINIO_ROOT_USER",
        valueFrom: { secretKeyRef: { name: n.root, key: "MINIO_ROOT_USER" } },
      },
      {
        name: "MINIO_ROOT_PASSWORD",
        valueFrom: { secretKeyRef: { name: n.root, key: "MINIO_ROOT_PASSWORD" } },
      },
      // Self-hosted §4.1 scrapes MinIO; public metrics need no bearer token in Prometheus' config.
      { name: "MINIO_PROMETHEUS_AUTH_TYPE", value: "public" },
      { name: "HOME", value: "/tmp" },
    ];
    const statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: { name: n.statefulSet, namespace: ns, labels },
        spec: {
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
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: restrictedPod(UID),
              ...pool,
              affinity: {
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    {
                      weight: 100,
                      podAffinityTerm: {
                        topologyKey: "kubernetes.io/hostname",
                        labelSelector: { matchLabels: labels },
                      },
                    },
                  ],
                },
              },
              containers: [
                {
                  name: "minio",
                  image: MINIO_IMAGE,
                  args: pulumi
                    .output(ns)
                    .apply((namespace) => minioServerArgs(servers, namespace, domain)),
                  env,
                  ports: [
                    { name: "api", containerPort: MINIO_API_PORT },
                    { name: "console", containerPort: MINIO_CONSOLE_PORT },
                  ],
                  resources,
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
          volumeClaimTemplates: [
            {
              metadata: { name: "data", labels },
              spec: {
                accessModes: ["ReadWriteOnce"],
                ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
                resources: {
                  requests: { storage: `${minioVolumeGb(store.storageGb, servers)}Gi` },
                },
              },
            },
          ],
        },
      },
      // The drives follow objectStorage.storageGb: through the claims, never by replacing MinIO.
      keepClaimTemplates({ ...parent, protect: true, dependsOn: [root] }),
    );
    if (args.expandVolumes)
      growClaims(
        `${name}-data`,
        {
          namespace: ns,
          template: "data",
          statefulSet: n.statefulSet,
          replicas: servers,
          storage: `${minioVolumeGb(store.storageGb, servers)}Gi`,
        },
        { ...parent, dependsOn: [statefulSet] },
      );
    if (servers > 1)
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pdb`,
        {
          metadata: { name: n.statefulSet, namespace: ns, labels },
          // Erasure coding keeps serving with one server down; drains take them one at a time.
          spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
        },
        parent,
      );

    // Bucket set-up: policies and the script in a ConfigMap (no secrets), keys from the Secrets.
    const configData: Record<string, string> = {
      "setup.sh": bucketJobScript(store.buckets),
      [`${n.appPolicy}.json`]: JSON.stringify(bucketPolicy(media), null, 2),
      // Backup jobs copy the media bucket (self-hosted §3.1 "MinIO Backup") into the backup bucket.
      [`${n.backupPolicy}.json`]: JSON.stringify(bucketPolicy(backup, media), null, 2),
    };
    const checksum = createHash("sha256").update(JSON.stringify(configData)).digest("hex");
    const setup = new k8s.core.v1.ConfigMap(
      `${name}-setup`,
      { metadata: { name: "minio-setup", namespace: ns, labels }, data: configData },
      parent,
    );
    const apiHost = pulumi.interpolate`${n.service}.${ns}.svc`;
    const jobLabels = {
      "app.kubernetes.io/name": "minio-setup",
      "app.kubernetes.io/part-of": "platform",
    };
    const keyRef = (secret: string, key: string) => ({ secretKeyRef: { name: secret, key } });
    new k8s.batch.v1.Job(
      `${name}-buckets`,
      {
        metadata: {
          namespace: ns,
          labels: jobLabels,
          annotations: { "platform/config-sha256": checksum },
        },
        spec: {
          backoffLimit: 6,
          template: {
            metadata: { labels: jobLabels, annotations: { "platform/config-sha256": checksum } },
            spec: {
              restartPolicy: "OnFailure",
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: restrictedPod(UID),
              containers: [
                {
                  name: "mc",
                  image: MC_IMAGE,
                  command: ["/bin/sh", "/config/setup.sh"],
                  env: [
                    { name: "MINIO_ROOT_USER", valueFrom: keyRef(n.root, "MINIO_ROOT_USER") },
                    {
                      name: "MINIO_ROOT_PASSWORD",
                      valueFrom: keyRef(n.root, "MINIO_ROOT_PASSWORD"),
                    },
                    // mc reads an alias from MC_HOST_<alias>; Kubernetes expands $(VAR) from the
                    // variables above, so the keys never appear in the Job's spec.
                    {
                      name: "MC_HOST_minio",
                      value: pulumi.interpolate`http://$(MINIO_ROOT_USER):$(MINIO_ROOT_PASSWORD)@${apiHost}:${MINIO_API_PORT}`,
                    },
                    { name: "MC_CONFIG_DIR", value: "/tmp/.mc" },
                    { name: "APP_ACCESS_KEY", valueFrom: keyRef(n.app, "ACCESS_KEY_ID") },
                    { name: "APP_SECRET_KEY", valueFrom: keyRef(n.app, "SECRET_ACCESS_KEY") },
                    { name: "BACKUP_ACCESS_KEY", valueFrom: keyRef(n.backup, "ACCESS_KEY_ID") },
                    { name: "BACKUP_SECRET_KEY", valueFrom: keyRef(n.backup, "ACCESS_SECRET_KEY") },
                  ],
                  resources: {
                    requests: { cpu: "50m", memory: "64Mi" },
                    limits: { cpu: "500m", memory: "256Mi" },
                  },
                  securityContext: restrictedContainer,
                  volumeMounts: [
                    { name: "config", mountPath: "/config", readOnly: true },
                    { name: "tmp", mountPath: "/tmp" },
                  ],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: setup.metadata.name } },
                { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
              ],
            },
          },
        },
      },
      { ...parent, dependsOn: [service, root, appSecret, backupSecret] },
    );

    this.networkPolicies(name, args, labels);

    this.endpoint = pulumi.interpolate`http://${apiHost}:${MINIO_API_PORT}`;
    const first = (purpose: "media" | "backup" | "logs") => bucketsFor(store.buckets, purpose)[0];
    this.buckets = Object.fromEntries(
      (["media", "backup", "logs"] as const).filter((p) => first(p)).map((p) => [p, first(p)]),
    );
    this.backupTarget = {
      endpoint: this.endpoint,
      region: REGION,
      bucket: backup[0],
      credentials: {
        kind: "keys",
        accessKeyId: pulumi.secret(backupUser.key.result),
        secretAccessKey: pulumi.secret(backupUser.secret.result),
      },
    };
    this.objectStore = {
      endpoint: this.endpoint,
      region: REGION,
      buckets: this.buckets,
      credentials: this.backupTarget.credentials,
      appCredentials: {
        kind: "keys",
        accessKeyId: pulumi.secret(app.key.result),
        secretAccessKey: pulumi.secret(app.secret.result),
      },
    };
    this.registerOutputs({ endpoint: this.endpoint, buckets: this.buckets });
  }

  private networkPolicies(name: string, args: MinIOArgs, labels: Record<string, string>) {
    const fromNamespace = (namespace: string) => ({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
    });
    new k8s.networking.v1.NetworkPolicy(
      `${name}-ingress`,
      {
        metadata: { name: "minio-ingress", namespace: args.namespace, labels },
        spec: {
          podSelector: { matchLabels: labels },
          policyTypes: ["Ingress"],
          ingress: [
            // S3 API (and /minio/v2/metrics on the same port): the apps, other clients, monitoring,
            // and this namespace (the other servers, the bucket Job, Postgres WAL archiving). The
            // console port admits nobody: administrators reach it with kubectl port-forward.
            {
              from: [
                fromNamespace(args.appsNamespace),
                fromNamespace(args.monitoringNamespace),
                ...(args.clientNamespaces ?? []).map(fromNamespace),
                { podSelector: {} },
              ],
              ports: [{ protocol: "TCP", port: MINIO_API_PORT }],
            },
          ],
        },
      },
      { parent: this },
    );
  }
}
