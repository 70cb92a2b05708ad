/**
 * The CloudNativePG objects of the self-hosted Postgres as plain specs: the Barman Cloud
 * ObjectStore, the Cluster, its ScheduledBackup and the PgBouncer Pooler. The component
 * (./index.ts) registers them in that order, each after what it names.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config";
import { containerResources, type OperatorObject, type placement } from "../k8s";
import type { S3Target } from "../storage/target";
import {
  BARMAN_PLUGIN,
  PG_HBA,
  POSTGRES_IMAGES,
  cnpgParameters,
  cnpgSchedule,
  extensionSql,
  pgbouncerParameters,
  podAntiAffinityType,
  postgresResources,
} from "./cnpg";
import { PGBOUNCER_RESOURCES } from "./pgbouncer-sizing";

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

/** Port of the instances and of the pooler. */
export const POSTGRES_PORT = 5432;

const CNPG_API = "postgresql.cnpg.io/v1";
const BARMAN_API = "barmancloud.cnpg.io/v1";
const n = POSTGRES_NAMES;

type SelfHostedDatabase = StackConfig["database"];

/** Where WAL and base backups go: `postgres/` of the backup bucket, gzip, kept `retentionDays`. */
export function barmanObjectStore(
  target: S3Target,
  s3Credentials: Record<string, unknown>,
  retentionDays: number,
): OperatorObject {
  const spec = {
    configuration: {
      destinationPath: pulumi.interpolate`s3://${target.bucket}/postgres/`,
      endpointURL: target.endpoint,
      s3Credentials,
      wal: { compression: "gzip", maxParallel: 2 },
      data: { compression: "gzip", jobs: 2 },
    },
    // Tiers document, Database Backups: 30 days (the plugin keeps retention on the store).
    retentionPolicy: `${retentionDays}d`,
    instanceSidecarConfiguration: { resources: containerResources("100m", "128Mi", "1", "512Mi") },
  };
  return { apiVersion: BARMAN_API, kind: "ObjectStore", name: n.objectStore, spec };
}

/** The Cluster: `instances` tuned servers, TLS only, WAL archived through the Barman Cloud plugin. */
export function cnpgCluster(args: {
  db: SelfHostedDatabase;
  instances: number;
  /** Nodes that take the instances; unlimited when absent. */
  dbNodes?: number;
  storageClass: string;
  resources: ReturnType<typeof postgresResources>;
  /** Parameters from the server's memory (./tuning.ts). */
  tuned: Record<string, string>;
  pool: ReturnType<typeof placement>;
  /** The Secret with the owner's password. */
  credentials: pulumi.Input<string>;
  objectStore: pulumi.Input<string>;
  /** The service account's annotations for an IAM role; none with static keys. */
  roleAnnotations?: Record<string, pulumi.Input<string>>;
}): OperatorObject {
  const { db, instances, pool, roleAnnotations } = args;
  const spec = {
    instances,
    imageName: POSTGRES_IMAGES[db.version],
    primaryUpdateStrategy: "unsupervised",
    enableSuperuserAccess: false,
    storage: {
      size: `${db.storageGb}Gi`,
      ...(args.storageClass ? { storageClass: args.storageClass } : {}),
    },
    resources: args.resources,
    // One instance per server where there are enough database nodes (podAntiAffinityType).
    // The documents' single database node (medium tier, self-hosted design) holds primary and
    // replica: there the spread is preferred, so the replica starts beside the primary.
    affinity: {
      enablePodAntiAffinity: true,
      podAntiAffinityType: podAntiAffinityType(instances, args.dbNodes),
      topologyKey: "kubernetes.io/hostname",
      ...pool,
    },
    postgresql: { parameters: cnpgParameters(args.tuned), pg_hba: PG_HBA },
    bootstrap: {
      initdb: {
        database: n.database,
        owner: n.owner,
        secret: { name: args.credentials },
        postInitApplicationSQL: extensionSql(),
      },
    },
    monitoring: { enablePodMonitor: true },
    plugins: [
      {
        name: BARMAN_PLUGIN,
        isWALArchiver: true,
        parameters: { barmanObjectName: args.objectStore },
      },
    ],
    ...(roleAnnotations
      ? { serviceAccountTemplate: { metadata: { annotations: roleAnnotations } } }
      : {}),
  };
  return { apiVersion: CNPG_API, kind: "Cluster", name: n.cluster, spec };
}

/** The daily base backup of the cluster, at a five-field cron in UTC. */
export function cnpgScheduledBackup(fiveFieldCron: string): OperatorObject {
  const spec = {
    schedule: cnpgSchedule(fiveFieldCron),
    cluster: { name: n.cluster },
    method: "plugin",
    pluginConfiguration: { name: BARMAN_PLUGIN },
    backupOwnerReference: "self",
    // A first base backup right away, so point-in-time recovery works from day one.
    immediate: true,
  };
  return { apiVersion: CNPG_API, kind: "ScheduledBackup", name: n.scheduledBackup, spec };
}

/** Two PgBouncer pods in transaction mode in front of the cluster's primary. */
export function cnpgPooler(
  pooler: SelfHostedDatabase["pooler"],
  pool: ReturnType<typeof placement>,
  labels: Record<string, string>,
): OperatorObject {
  const spec = {
    cluster: { name: n.cluster },
    instances: 2,
    type: "rw",
    pgbouncer: { poolMode: "transaction", parameters: pgbouncerParameters(pooler) },
    monitoring: { enablePodMonitor: true },
    template: {
      metadata: { labels },
      spec: { ...pool, containers: [{ name: "pgbouncer", resources: PGBOUNCER_RESOURCES }] },
    },
  };
  return { apiVersion: CNPG_API, kind: "Pooler", name: n.pooler, spec };
}
