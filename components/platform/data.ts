import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config";
import { Valkey } from "../cache";
import type {
  ClusterFacts,
  DataEndpoints,
  ManagedCache,
  ManagedDatabase,
  ManagedObjectStorage,
} from "../contract";
import { PgBouncer, Postgres } from "../database";
import { databaseNodes, postgresInstanceShare } from "../database/cnpg";
import type { Monitoring } from "../monitoring";
import { ManagedDataExporters } from "../monitoring/exporters";
import { managedS3Target, MinIO, type S3Target } from "../storage";
import { behindPooler } from "./app-env";
import type { PlatformScope } from "./namespaces";

/** Where a data service runs: in the cluster, at the cloud (with what it handed over), or nowhere. */
export type Placement<Server> =
  { mode: "self-hosted" } | { mode: "managed"; server: Server } | { mode: "none" };

export interface DataPlacement {
  database: Placement<ManagedDatabase>;
  cache: Placement<ManagedCache>;
  objectStorage: Placement<ManagedObjectStorage>;
}

/**
 * The platform's one reading of `database.mode`, `cache.mode` and `objectStorage.mode`: in the
 * cluster where the config says self-hosted, managed where the cloud layer handed the service over
 * (ClusterFacts.managed, present only for the managed mode), else none.
 */
export function dataPlacement(config: StackConfig, cluster: ClusterFacts): DataPlacement {
  const place = <Server>(mode: string, server: Server | undefined): Placement<Server> =>
    mode === "self-hosted"
      ? { mode: "self-hosted" }
      : server !== undefined
        ? { mode: "managed", server }
        : { mode: "none" };
  return {
    database: place(config.database.mode, cluster.managed?.database),
    cache: place(config.cache.mode, cluster.managed?.cache),
    objectStorage: place(config.objectStorage.mode, cluster.managed?.objectStorage),
  };
}

/** Tiers document, Large Deployments: PgBouncer in front of a managed server that has no pool. */
export function unpooledServer(
  placement: DataPlacement,
  config: StackConfig,
): ManagedDatabase | undefined {
  const db = placement.database;
  return db.mode === "managed" && !db.server.pooled && config.database.pooler.enabled
    ? db.server
    : undefined;
}

/**
 * The database section each Postgres instance is built from: where the stack has a `db` pool, the
 * instance's share of the pool's node (postgresInstanceShare): the documents' single database
 * node (medium tier, self-hosted design) holds the primary and its replica, half each.
 */
export function sharedDatabaseNode(config: StackConfig): StackConfig["database"] {
  const db = config.database;
  if (!config.nodePools.db?.desired) return db;
  const { memoryGb, vcpu } = postgresInstanceShare(db, config.nodePools);
  return { ...db, memoryGb, vcpu };
}

/** The data tier as the other parts use it. */
export interface DataTier {
  /** What the apps connect to (app-env.ts turns them into their environment). */
  endpoints: DataEndpoints;
  postgres?: Postgres;
  valkey?: Valkey;
  /** PgBouncer in front of a managed database, where the tier asks for one. */
  pooler?: PgBouncer;
  /** The backup bucket and the media bucket, for the database's archive and the backup jobs. */
  backup?: S3Target;
  media?: S3Target;
}

/**
 * Data tier: MinIO, Postgres and Valkey where the config runs them in the cluster; for managed
 * services, their exporters and the PgBouncer in front of a server without a pool.
 */
export function dataTier(
  scope: PlatformScope,
  deps: { certManager: pulumi.Resource; monitoring: Monitoring },
): DataTier {
  const { parent, name, config, cluster, names, placement } = scope;
  const data = { parent, dependsOn: [scope.namespaces.data] };
  const common = {
    namespace: scope.namespaces.data.name,
    appsNamespace: names.apps,
    monitoringNamespace: names.monitoring,
    pools: cluster.pools,
    storageClass: cluster.storageClass,
    rotation: config.secrets.rotation,
  };
  const out: DataTier = { endpoints: {} };
  const store = placement.objectStorage;
  if (store.mode === "self-hosted") {
    const objects = new MinIO(
      `${name}-minio`,
      { ...common, objectStorage: config.objectStorage, expandVolumes: cluster.volumeExpansion },
      data,
    );
    out.backup = objects.backupTarget;
    if (objects.buckets.media)
      out.media = { ...objects.backupTarget, bucket: objects.buckets.media };
    out.endpoints.objectStorage = objects.objectStore;
  } else if (store.mode === "managed") {
    out.backup = managedS3Target(store.server, "backup");
    if (store.server.buckets.media !== undefined)
      out.media = managedS3Target(store.server, "media");
    out.endpoints.objectStorage = store.server;
  }
  const db = placement.database;
  if (db.mode === "self-hosted") {
    if (!out.backup)
      throw new pulumi.RunError(
        "database.mode self-hosted needs object storage for its WAL archive and backups",
      );
    out.postgres = new Postgres(
      `${name}-postgres`,
      {
        ...common,
        database: sharedDatabaseNode(config),
        backupSchedule: config.backups.schedule,
        backup: out.backup,
        certManager: [deps.certManager],
        dbNodes: databaseNodes(config.nodePools, cluster.pools),
      },
      data,
    );
    out.endpoints.database = out.postgres.endpoint;
  }
  const cache = placement.cache;
  if (cache.mode === "self-hosted") {
    out.valkey = new Valkey(
      `${name}-valkey`,
      { ...common, cache: config.cache, expandVolumes: cluster.volumeExpansion },
      data,
    );
    out.endpoints.cache = out.valkey.endpoint;
  } else if (cache.mode === "managed") out.endpoints.cache = cache.server;

  const managedDb = db.mode === "managed" ? db.server : undefined;
  const managedCache = cache.mode === "managed" ? cache.server : undefined;
  if (managedDb || managedCache)
    new ManagedDataExporters(
      `${name}-exporters`,
      {
        namespace: scope.namespaces.data.name,
        monitoringNamespace: names.monitoring,
        pools: cluster.pools,
        serverNetworks: cluster.serverNetworks ?? [config.network.cidr],
        database: managedDb,
        cache: managedCache,
        monitoring: [deps.monitoring],
      },
      data,
    );
  const server = unpooledServer(placement, config);
  if (server) {
    out.pooler = new PgBouncer(
      `${name}-pgbouncer`,
      {
        ...common,
        database: config.database,
        server,
        serverNetworks: cluster.serverNetworks ?? [config.network.cidr],
        certManager: [deps.certManager],
        monitoring: [deps.monitoring],
      },
      data,
    );
    out.endpoints.database = behindPooler(server, out.pooler);
  } else if (managedDb) out.endpoints.database = managedDb;
  return out;
}
