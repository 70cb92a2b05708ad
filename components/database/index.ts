import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { Role, StackConfig } from "../../config";
import { PROFILES } from "../../catalog/profiles";
import { placement } from "../k8s";
import type { S3Target } from "../storage/target";
import type { PostgresEndpoint } from "../contract";
import {
  BARMAN_PLUGIN,
  PG_HBA,
  POSTGRES_IMAGES,
  backupRetentionDays,
  cnpgParameters,
  cnpgSchedule,
  databaseMemoryGb,
  extensionSql,
  pgbouncerParameters,
  podAntiAffinityType,
  postgresInstances,
  postgresResources,
} from "./cnpg";
import { CnpgOperator, apiServerEgress } from "./operator";
import { postgresParameters } from "./tuning";

export * from "./cnpg";
export * from "./pgbouncer-sizing";
export { CnpgOperator } from "./operator";
export { PgBouncer, type PgBouncerArgs } from "./pgbouncer";

export interface PostgresArgs {
  /** The stack's `database` section; its mode must be `self-hosted`. @example config.database */
  database: StackConfig["database"];
  /** Daily base backup, five-field cron in UTC. @default "0 2 * * *" (tiers document: 2 AM UTC) */
  backupSchedule?: string;
  /** Namespace of the database. @example "data" */
  namespace: pulumi.Input<string>;
  /** Namespace of the apps, the only clients besides the pooler. @example "platform" */
  appsNamespace: string;
  /** Namespace of the monitoring stack, admitted to the metrics ports. @example "monitoring" */
  monitoringNamespace: string;
  /** Roles with dedicated node pools; instances go to the `db` pool when there is one. */
  pools: readonly Role[];
  /** Storage class of the data volumes; the cluster's default when empty. @example "gp3" */
  storageClass: string;
  /** Bucket for WAL archiving and base backups. @example minio.backupTarget, or managedS3Target(store, "backup") */
  backup: S3Target;
  /** Namespace of the CloudNativePG operator and its Barman Cloud plugin. @default "cnpg-system" */
  operatorNamespace?: string;
  /** cert-manager's Release: the Barman Cloud plugin's certificates need its CRDs. @example [certManager] */
  certManager?: pulumi.Resource[];
  /** Nodes that take the instances (`databaseNodes`); with fewer than instances, spreading is preferred, not required. @default unlimited */
  dbNodes?: number;
}

/** Names of the in-cluster objects; the Services CloudNativePG creates follow from `cluster`. */
export const POSTGRES_NAMES = {
  cluster: "postgres",
  pooler: "postgres-pooler-rw",
  objectStore: "postgres-backup",
  scheduledBackup: "postgres-daily",
  credentials: "postgres-app",
  backupCredentials: "postgres-backup-s3",
  database: "app",
  owner: "app",
} as const;

const PORT = 5432;
const METRICS_PORT = 9187;
const POOLER_METRICS_PORT = 9127;
const STATUS_PORT = 8000;

/**
 * Self-hosted PostgreSQL on CloudNativePG: a primary with `database.replicas` streaming replicas
 * (one per host), tuned from the server's memory, TLS only, WAL archiving and a daily base backup
 * to object storage through the Barman Cloud plugin (point-in-time recovery: docs/restore-postgres.md),
 * and a PgBouncer Pooler when enabled. Cost: `1 + replicas` instances of the `db` profile's pod
 * (requests half the profile, limits all of it), `storageGb` of volume each, plus backup storage.
 */
export class Postgres extends pulumi.ComponentResource {
  /** What the apps connect to: through the pooler when enabled, reads to the replicas' Service. */
  public readonly endpoint: PostgresEndpoint;
  /** Read-write host the apps connect to (the pooler's Service when enabled). */
  public readonly host: pulumi.Output<string>;
  /** The replicas' read-only Service, or the primary's without replicas. */
  public readonly readHost: pulumi.Output<string>;
  public readonly port: number;
  public readonly database: string;
  public readonly user: string;
  public readonly password: pulumi.Output<string>; // secret
  /** Base backup and WAL retention actually applied, in days. */
  public readonly backupRetentionDays: number;

  constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:Postgres", name, {}, opts);
    const parent = { parent: this };
    const db = args.database;
    if (db.mode !== "self-hosted")
      throw new pulumi.InputPropertyError({
        propertyPath: "database.mode",
        reason: `is "${db.mode}"; the in-cluster Postgres is built only for "self-hosted"`,
      });
    const ns = args.namespace;
    const n = POSTGRES_NAMES;
    const labels = {
      "app.kubernetes.io/name": "postgres",
      "app.kubernetes.io/part-of": "platform",
    };

    const operator = new CnpgOperator(
      `${name}-operator`,
      {
        namespace: args.operatorNamespace,
        monitoringNamespace: args.monitoringNamespace,
        certManager: args.certManager,
      },
      parent,
    );
    const afterOperator = { ...parent, dependsOn: operator.ready };

    // Tuning from the server's memory (tiers document, PostgreSQL Configuration; self-hosted §5.1).
    const memoryGb = databaseMemoryGb(db.memoryGb, db.profile);
    const tuned = postgresParameters(memoryGb, {
      maxConnections: db.maxConnections,
      replicas: db.replicas,
    });
    const resources = postgresResources(memoryGb, db.vcpu || PROFILES[db.profile].vcpu, tuned);
    this.backupRetentionDays = backupRetentionDays(db.backupRetentionDays);

    const password = new random.RandomPassword(
      `${name}-app-password`,
      { length: 32, special: false },
      parent,
    );
    this.password = pulumi.secret(password.result);
    this.user = n.owner;
    this.database = n.database;
    this.port = PORT;
    const credentials = new k8s.core.v1.Secret(
      `${name}-app-credentials`,
      {
        metadata: {
          name: n.credentials,
          namespace: ns,
          labels: { ...labels, "cnpg.io/reload": "true" },
        },
        type: "kubernetes.io/basic-auth",
        stringData: { username: n.owner, password: password.result },
      },
      { ...parent, protect: true },
    );

    // Backup store: static keys live in a Secret of this namespace; an IAM role needs none.
    const target = args.backup;
    let s3Credentials: Record<string, unknown>;
    if (target.credentials.kind === "keys") {
      const keys = new k8s.core.v1.Secret(
        `${name}-backup-credentials`,
        {
          metadata: { name: n.backupCredentials, namespace: ns, labels },
          type: "Opaque",
          stringData: {
            ACCESS_KEY_ID: target.credentials.accessKeyId,
            ACCESS_SECRET_KEY: target.credentials.secretAccessKey,
          },
        },
        parent,
      );
      s3Credentials = {
        accessKeyId: { name: keys.metadata.name, key: "ACCESS_KEY_ID" },
        secretAccessKey: { name: keys.metadata.name, key: "ACCESS_SECRET_KEY" },
      };
    } else {
      s3Credentials = { inheritFromIAMRole: true };
    }
    const objectStore = new k8s.apiextensions.CustomResource(
      `${name}-object-store`,
      {
        apiVersion: "barmancloud.cnpg.io/v1",
        kind: "ObjectStore",
        metadata: { name: n.objectStore, namespace: ns, labels },
        spec: {
          configuration: {
            destinationPath: pulumi.interpolate`s3://${target.bucket}/postgres/`,
            endpointURL: target.endpoint,
            s3Credentials,
            wal: { compression: "gzip", maxParallel: 2 },
            data: { compression: "gzip", jobs: 2 },
          },
          // Tiers document, Database Backups: 30 days (the plugin keeps retention on the store).
          retentionPolicy: `${this.backupRetentionDays}d`,
          instanceSidecarConfiguration: {
            resources: {
              requests: { cpu: "100m", memory: "128Mi" },
              limits: { cpu: "1", memory: "512Mi" },
            },
          },
        },
      },
      afterOperator,
    );

    const roleAnnotations =
      target.credentials.kind === "role"
        ? { [target.credentials.annotationKey]: target.credentials.roleArn }
        : undefined;
    const pool = placement("db", args.pools);
    const instances = postgresInstances(db.replicas);
    const cluster = new k8s.apiextensions.CustomResource(
      `${name}-cluster`,
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: { name: n.cluster, namespace: ns, labels },
        spec: {
          instances,
          imageName: POSTGRES_IMAGES[db.version],
          primaryUpdateStrategy: "unsupervised",
          enableSuperuserAccess: false,
          storage: {
            size: `${db.storageGb}Gi`,
            ...(args.storageClass ? { storageClass: args.storageClass } : {}),
          },
          resources,
          // One instance per server where there are enough database nodes (podAntiAffinityType).
          // The documents' single database node (medium tier, self-hosted design) holds primary and
          // replica: there the spread is preferred, so the replica starts beside the primary.
          affinity: {
            enablePodAntiAffinity: true,
            podAntiAffinityType: podAntiAffinityType(instances, args.dbNodes),
            topologyKey: "kubernetes.io/hostname",
            ...pool,
          },
          postgresql: { parameters: cnpgParameters(tuned), pg_hba: PG_HBA },
          bootstrap: {
            initdb: {
              database: n.database,
              owner: n.owner,
              secret: { name: credentials.metadata.name },
              postInitApplicationSQL: extensionSql(),
            },
          },
          monitoring: { enablePodMonitor: true },
          plugins: [
            {
              name: BARMAN_PLUGIN,
              isWALArchiver: true,
              parameters: { barmanObjectName: objectStore.metadata.name },
            },
          ],
          ...(roleAnnotations
            ? { serviceAccountTemplate: { metadata: { annotations: roleAnnotations } } }
            : {}),
        },
      },
      { ...afterOperator, dependsOn: [...operator.ready, objectStore], protect: true },
    );

    new k8s.apiextensions.CustomResource(
      `${name}-scheduled-backup`,
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "ScheduledBackup",
        metadata: { name: n.scheduledBackup, namespace: ns, labels },
        spec: {
          // Tiers document, Database Backups: full backup daily at 2 AM UTC.
          schedule: cnpgSchedule(args.backupSchedule ?? "0 2 * * *"),
          cluster: { name: n.cluster },
          method: "plugin",
          pluginConfiguration: { name: BARMAN_PLUGIN },
          backupOwnerReference: "self",
          // A first base backup right away, so point-in-time recovery works from day one.
          immediate: true,
        },
      },
      { ...afterOperator, dependsOn: [...operator.ready, cluster] },
    );

    const poolerLabels = { "cnpg.io/poolerName": n.pooler };
    if (db.pooler.enabled) {
      new k8s.apiextensions.CustomResource(
        `${name}-pooler`,
        {
          apiVersion: "postgresql.cnpg.io/v1",
          kind: "Pooler",
          metadata: { name: n.pooler, namespace: ns, labels },
          spec: {
            cluster: { name: n.cluster },
            instances: 2,
            type: "rw",
            pgbouncer: { poolMode: "transaction", parameters: pgbouncerParameters(db.pooler) },
            monitoring: { enablePodMonitor: true },
            template: {
              metadata: { labels },
              spec: {
                ...pool,
                containers: [
                  {
                    name: "pgbouncer",
                    resources: {
                      requests: { cpu: "250m", memory: "128Mi" },
                      limits: { cpu: "1", memory: "512Mi" },
                    },
                  },
                ],
              },
            },
          },
        },
        { ...afterOperator, dependsOn: [...operator.ready, cluster] },
      );
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-pooler-pdb`,
        {
          metadata: { name: n.pooler, namespace: ns, labels },
          spec: { maxUnavailable: 1, selector: { matchLabels: poolerLabels } },
        },
        parent,
      );
    }

    this.networkPolicies(name, args, poolerLabels, operator.namespace);

    const svc = (service: string) => pulumi.interpolate`${service}.${ns}.svc`;
    const rwService = db.pooler.enabled ? n.pooler : `${n.cluster}-rw`;
    // With no replica the `-ro` Service has no endpoints; reads then go to the primary.
    const roService = db.replicas > 0 ? `${n.cluster}-ro` : `${n.cluster}-rw`;
    this.host = svc(rwService);
    this.readHost = svc(roService);
    this.endpoint = {
      host: this.host,
      readHosts: [this.readHost],
      port: PORT,
      database: n.database,
      user: n.owner,
      password: pulumi.secret(password.result),
    };
    this.registerOutputs({ host: this.host, endpoint: this.endpoint });
  }

  private networkPolicies(
    name: string,
    args: PostgresArgs,
    poolerLabels: Record<string, string>,
    operatorNamespace: string,
  ) {
    const parent = { parent: this };
    const ns = args.namespace;
    const fromNamespace = (namespace: string) => ({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
    });
    const instanceLabels = {
      "cnpg.io/cluster": POSTGRES_NAMES.cluster,
      "cnpg.io/podRole": "instance",
    };
    // Every pod of the cluster: instances and the operator's initdb / join Jobs (a new replica
    // copies the primary with pg_basebackup from its join Job).
    const clusterPods = {
      podSelector: { matchLabels: { "cnpg.io/cluster": POSTGRES_NAMES.cluster } },
    };
    const tcp = (port: number) => [{ protocol: "TCP", port }];
    new k8s.networking.v1.NetworkPolicy(
      `${name}-instances-ingress`,
      {
        metadata: { name: "postgres-instances-ingress", namespace: ns },
        spec: {
          podSelector: { matchLabels: instanceLabels },
          policyTypes: ["Ingress"],
          ingress: [
            // Tiers document, Firewall Rules: PostgreSQL (5432) internal only: the apps, the pooler
            // and the other instances (streaming replication, base backups of new replicas).
            {
              from: [
                fromNamespace(args.appsNamespace),
                { podSelector: { matchLabels: poolerLabels } },
                clusterPods,
              ],
              ports: tcp(PORT),
            },
            // The operator and the peers read each instance's status endpoint.
            {
              from: [fromNamespace(operatorNamespace), clusterPods],
              ports: tcp(STATUS_PORT),
            },
            { from: [fromNamespace(args.monitoringNamespace)], ports: tcp(METRICS_PORT) },
          ],
        },
      },
      parent,
    );
    if (args.database.pooler.enabled)
      new k8s.networking.v1.NetworkPolicy(
        `${name}-pooler-ingress`,
        {
          metadata: { name: "postgres-pooler-ingress", namespace: ns },
          spec: {
            podSelector: { matchLabels: poolerLabels },
            policyTypes: ["Ingress"],
            ingress: [
              { from: [fromNamespace(args.appsNamespace)], ports: tcp(PORT) },
              { from: [fromNamespace(args.monitoringNamespace)], ports: tcp(POOLER_METRICS_PORT) },
            ],
          },
        },
        parent,
      );
    const exists = (key: string) => ({ matchExpressions: [{ key, operator: "Exists" }] });
    new k8s.networking.v1.NetworkPolicy(
      `${name}-apiserver-egress`,
      apiServerEgress("postgres-apiserver-egress", ns, exists("cnpg.io/cluster")),
      parent,
    );
    if (args.database.pooler.enabled)
      new k8s.networking.v1.NetworkPolicy(
        `${name}-pooler-apiserver-egress`,
        apiServerEgress("postgres-pooler-apiserver-egress", ns, exists("cnpg.io/poolerName")),
        parent,
      );
  }
}
