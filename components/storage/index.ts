import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { Role, StackConfig } from "../../config";
import type { ObjectStoreEndpoint } from "../contract";
import {
  CONFIG_CHECKSUM,
  configChecksum,
  disruptionBudget,
  fromNamespace,
  placement,
  podPolicy,
  requireSelfHosted,
  stringSecret,
  tcpPorts,
  service,
} from "../k8s";
import { bucketJobPod, minioServerSpec } from "./minio-pods";
import {
  MINIO_API_PORT,
  MINIO_CONSOLE_PORT,
  MINIO_NAMES,
  bucketJobScript,
  bucketPolicy,
  bucketsFor,
  minioResources,
  minioUsableGb,
  minioVolumeGb,
} from "./minio-topology";
import type { S3Target } from "./target";
import { growDataClaims, keepClaimTemplates } from "./volume-claims";

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
    requireSelfHosted("objectStorage", store.mode, "MinIO");
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
    const labels = { "app.kubernetes.io/name": "minio", "app.kubernetes.io/part-of": "platform" };
    this.usableGb = minioUsableGb(store.storageGb, servers);
    const secret = (
      resourceName: string,
      objectName: string,
      stringData: Record<string, pulumi.Input<string>>,
    ) =>
      stringSecret(resourceName, { name: objectName, namespace: ns, labels, stringData }, parent);

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
    const root = secret(`${name}-root`, n.root, {
      MINIO_ROOT_USER: rootUser.result,
      MINIO_ROOT_PASSWORD: rootPassword.result,
    });
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
    const appSecret = secret(`${name}-app`, n.app, {
      ACCESS_KEY_ID: app.key.result,
      SECRET_ACCESS_KEY: app.secret.result,
    });
    const backupSecret = secret(`${name}-backup`, n.backup, {
      ACCESS_KEY_ID: backupUser.key.result,
      ACCESS_SECRET_KEY: backupUser.secret.result,
      AWS_ACCESS_KEY_ID: backupUser.key.result,
      AWS_SECRET_ACCESS_KEY: backupUser.secret.result,
    });
    this.backupCredentialsSecret = backupSecret.metadata.name;

    // Distributed servers find each other by name before any of them is ready.
    service(
      `${name}-headless`,
      {
        name: n.headless,
        namespace: ns,
        labels,
        headless: true,
        selector: labels,
        ports: [{ name: "api", port: MINIO_API_PORT, targetPort: "api" }],
      },
      parent,
    );
    const api = service(
      `${name}-service`,
      {
        name: n.service,
        namespace: ns,
        labels,
        selector: labels,
        ports: [
          { name: "api", port: MINIO_API_PORT, targetPort: "api" },
          { name: "console", port: MINIO_CONSOLE_PORT, targetPort: "console" },
        ],
      },
      parent,
    );

    const volumeGb = minioVolumeGb(store.storageGb, servers);
    const statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: { name: n.statefulSet, namespace: ns, labels },
        spec: minioServerSpec({
          labels,
          servers,
          namespace: ns,
          domain: args.clusterDomain ?? "cluster.local",
          pool: placement("storage", args.pools),
          resources: minioResources(servers, args.pools.includes("storage")),
          storageClass: args.storageClass,
          volumeGb,
        }),
      },
      // The drives follow objectStorage.storageGb: through the claims, never by replacing MinIO.
      keepClaimTemplates({ ...parent, protect: true, dependsOn: [root] }),
    );
    growDataClaims(
      name,
      args.expandVolumes,
      { namespace: ns, statefulSet: n.statefulSet, replicas: servers, storage: `${volumeGb}Gi` },
      statefulSet,
      parent,
    );
    // Erasure coding keeps serving with one server down; drains take them one at a time.
    if (servers > 1)
      disruptionBudget(`${name}-pdb`, { name: n.statefulSet, namespace: ns, labels }, parent);

    // Bucket set-up: policies and the script in a ConfigMap (no secrets), keys from the Secrets.
    const configData: Record<string, string> = {
      "setup.sh": bucketJobScript(store.buckets),
      [`${n.appPolicy}.json`]: JSON.stringify(bucketPolicy(media), null, 2),
      // Backup jobs copy the media bucket (self-hosted §3.1 "MinIO Backup") into the backup bucket.
      [`${n.backupPolicy}.json`]: JSON.stringify(bucketPolicy(backup, media), null, 2),
    };
    const checksum = configChecksum(JSON.stringify(configData));
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
    new k8s.batch.v1.Job(
      `${name}-buckets`,
      {
        metadata: {
          namespace: ns,
          labels: jobLabels,
          annotations: { [CONFIG_CHECKSUM]: checksum },
        },
        spec: {
          backoffLimit: 6,
          template: bucketJobPod({
            labels: jobLabels,
            checksum,
            configMap: setup.metadata.name,
            apiHost,
          }),
        },
      },
      { ...parent, dependsOn: [api, root, appSecret, backupSecret] },
    );

    // S3 API (and /minio/v2/metrics on the same port): the apps, other clients, monitoring, and this
    // namespace (the other servers, the bucket Job, Postgres WAL archiving). The console port
    // admits nobody: administrators reach it with kubectl port-forward.
    podPolicy(
      `${name}-ingress`,
      {
        name: "minio-ingress",
        namespace: ns,
        labels,
        podSelector: labels,
        ingress: [
          {
            from: [
              fromNamespace(args.appsNamespace),
              fromNamespace(args.monitoringNamespace),
              ...(args.clientNamespaces ?? []).map(fromNamespace),
              { podSelector: {} },
            ],
            ports: tcpPorts(MINIO_API_PORT),
          },
        ],
      },
      parent,
    );

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
}
