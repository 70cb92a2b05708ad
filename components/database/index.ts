import * as pulumi from "@pulumi/pulumi";
import { DOCUMENTED_ROTATION, rotatingPassword, type RotationPeriods } from "../kit/rotation";
import type { Role, StackConfig } from "../../config";
import { PROFILES } from "../../catalog/profiles";
import {
  customResources,
  disruptionBudget,
  placement,
  requireSelfHosted,
  stringSecret,
} from "../k8s";
import type { S3Target } from "../storage/target";
import type { PostgresEndpoint } from "../contract";
import {
  backupRetentionDays,
  databaseMemoryGb,
  postgresInstances,
  postgresResources,
} from "./cnpg";
import { CnpgOperator } from "./operator";
import { POOLER_LABELS, postgresNetworkPolicies } from "./postgres-access";
import {
  POSTGRES_NAMES,
  POSTGRES_PORT as PORT,
  barmanObjectStore,
  cnpgCluster,
  cnpgPooler,
  cnpgScheduledBackup,
} from "./postgres-cluster";
import { postgresParameters } from "./tuning";

export * from "./cnpg";
export * from "./pgbouncer-sizing";
export { CnpgOperator } from "./operator";
export { PgBouncer, type PgBouncerArgs } from "./pgbouncer";
export { POSTGRES_NAMES } from "./postgres-cluster";

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
  /** How long generated passwords live (config `secrets.rotation`). @default 90 / 180 days */
  rotation?: RotationPeriods;
}

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
    requireSelfHosted("database", db.mode, "Postgres");
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

    // CloudNativePG reloads a Secret labelled `cnpg.io/reload` and sets the role's new password
    // (https://cloudnative-pg.io/documentation/current/cluster_conf/#secrets).
    const password = rotatingPassword(
      `${name}-app-password`,
      { kind: "database", periods: args.rotation ?? DOCUMENTED_ROTATION, length: 32 },
      parent,
    );
    this.password = pulumi.secret(password.result);
    this.user = n.owner;
    this.database = n.database;
    this.port = PORT;
    const credentials = stringSecret(
      `${name}-app-credentials`,
      {
        name: n.credentials,
        namespace: ns,
        labels: { ...labels, "cnpg.io/reload": "true" },
        type: "kubernetes.io/basic-auth",
        stringData: { username: n.owner, password: password.result },
      },
      { ...parent, protect: true },
    );

    // Backup store: static keys live in a Secret of this namespace; an IAM role needs none.
    const target = args.backup;
    let s3Credentials: Record<string, unknown>;
    if (target.credentials.kind === "keys") {
      const keys = stringSecret(
        `${name}-backup-credentials`,
        {
          name: n.backupCredentials,
          namespace: ns,
          labels,
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
    const cnpg = customResources(name, ns, labels);
    const objectStore = cnpg(
      "object-store",
      barmanObjectStore(target, s3Credentials, this.backupRetentionDays),
      afterOperator,
    );

    const roleAnnotations =
      target.credentials.kind === "role"
        ? { [target.credentials.annotationKey]: target.credentials.roleArn }
        : undefined;
    const pool = placement("db", args.pools);
    const clusterObject = cnpgCluster({
      db,
      instances: postgresInstances(db.replicas),
      dbNodes: args.dbNodes,
      storageClass: args.storageClass,
      resources,
      tuned,
      pool,
      credentials: credentials.metadata.name,
      objectStore: objectStore.metadata.name,
      roleAnnotations,
    });
    const cluster = cnpg("cluster", clusterObject, {
      ...afterOperator,
      dependsOn: [...operator.ready, objectStore],
      protect: true,
    });
    const afterCluster = { ...afterOperator, dependsOn: [...operator.ready, cluster] };
    // Tiers document, Database Backups: full backup daily at 2 AM UTC.
    const schedule = args.backupSchedule ?? "0 2 * * *";
    cnpg("scheduled-backup", cnpgScheduledBackup(schedule), afterCluster);

    if (db.pooler.enabled) {
      cnpg("pooler", cnpgPooler(db.pooler, pool, labels), afterCluster);
      disruptionBudget(
        `${name}-pooler-pdb`,
        { name: n.pooler, namespace: ns, labels, selector: POOLER_LABELS },
        parent,
      );
    }

    postgresNetworkPolicies(
      name,
      {
        namespace: ns,
        appsNamespace: args.appsNamespace,
        monitoringNamespace: args.monitoringNamespace,
        operatorNamespace: operator.namespace,
        poolerEnabled: db.pooler.enabled,
      },
      parent,
    );

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
}
