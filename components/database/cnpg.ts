/**
 * Pure planning functions for the self-hosted Postgres (CloudNativePG): versions, parameters,
 * resources, access rules and backup settings. No resources are created here.
 */
import { PROFILES, type ProfileName } from "../../catalog/profiles";
import type { Role, StackConfig } from "../../config";
import { POSTGRES_EXTENSIONS } from "./tuning";

/** CloudNativePG operator chart (https://cloudnative-pg.github.io/charts); 0.29.1 ships CNPG 1.30.1. */
export const CNPG_CHART = {
  repo: "https://cloudnative-pg.github.io/charts",
  chart: "cloudnative-pg",
  version: "0.29.1",
} as const;

/**
 * Barman Cloud plugin chart; 0.8.0 ships plugin v0.15.0. CNPG 1.26 deprecated the in-tree
 * `spec.backup.barmanObjectStore` and 1.29.2 announced its removal in 1.31, so backups and WAL
 * archiving go through the plugin and its `ObjectStore` resource, as the 1.30 documentation advises.
 */
export const BARMAN_PLUGIN_CHART = {
  repo: "https://cloudnative-pg.github.io/charts",
  chart: "plugin-barman-cloud",
  version: "0.8.0",
} as const;

/** Name under which the Barman Cloud plugin registers with the operator. */
export const BARMAN_PLUGIN = "barman-cloud.cloudnative-pg.io";

/** The newest minor of each supported major; the server and its dump client follow it alike. */
export const POSTGRES_MINORS = { "15": "15.19", "16": "16.15", "17": "17.11" } as const;
export type PostgresMajor = keyof typeof POSTGRES_MINORS;

/** One image per supported major, from its newest minor. */
export function postgresImages(image: (minor: string) => string): Record<PostgresMajor, string> {
  return Object.fromEntries(
    Object.entries(POSTGRES_MINORS).map(([major, minor]) => [major, image(minor)]),
  ) as Record<PostgresMajor, string>;
}

/**
 * Operand images, a full minor version per major (the PostgreSQL project's August 2026 releases).
 * The `standard` flavour carries no Barman tools: the plugin's sidecar brings its own.
 */
export const POSTGRES_IMAGES = postgresImages(
  (minor) => `ghcr.io/cloudnative-pg/postgresql:${minor}-standard-trixie`,
);

/**
 * Parameters CloudNativePG owns: its webhook rejects `shared_preload_libraries`, `hot_standby`,
 * `wal_level` and the `ssl*` settings (the operator serves TLS with its own certificates, TLS 1.3
 * minimum, which meets self-hosted §2.1's "minimum TLS 1.2"). See
 * https://cloudnative-pg.io/docs/1.30/postgresql_conf/#fixed-parameters
 */
export const CNPG_MANAGED_PARAMETERS: readonly string[] = [
  "shared_preload_libraries",
  "hot_standby",
  "wal_level",
  "ssl",
  "ssl_ca_file",
  "ssl_cert_file",
  "ssl_key_file",
  "ssl_min_protocol_version",
  "ssl_max_protocol_version",
  "ssl_ciphers",
];

/**
 * Setting any `pg_stat_statements.*` parameter makes CloudNativePG add the library to
 * `shared_preload_libraries` and create the extension in every database (its "managed extensions").
 */
export const PG_STAT_STATEMENTS_PARAMETERS = {
  "pg_stat_statements.max": "10000",
  "pg_stat_statements.track": "all",
};

/** The tuned parameters without the ones CloudNativePG owns, plus the pg_stat_statements switches. */
export function cnpgParameters(tuned: Record<string, string>): Record<string, string> {
  const kept = Object.entries(tuned).filter(([k]) => !CNPG_MANAGED_PARAMETERS.includes(k));
  return { ...Object.fromEntries(kept), ...PG_STAT_STATEMENTS_PARAMETERS };
}

/**
 * Client authentication: TLS and SCRAM only. CloudNativePG appends `host all all all
 * scram-sha-256` after these lines, so without the `hostnossl ... reject` line a client could still
 * log in without TLS (self-hosted §2.2, "encrypt data in transit").
 */
export const PG_HBA = ["hostssl all all all scram-sha-256", "hostnossl all all all reject"];

/** Quotes an identifier for SQL when it is not a plain lowercase word (`uuid-ossp`). */
function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** SQL run in the application database right after initdb: the documented extensions. */
export function extensionSql(extensions: readonly string[] = POSTGRES_EXTENSIONS): string[] {
  return extensions.map((e) => `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(e)}`);
}

/** One Postgres instance's share of the database server it runs on. */
export interface InstanceShare {
  /** Memory the instance may use, in GB: its tuning and its limit follow it. */
  memoryGb: number;
  /** CPU cores the instance may use: its limit. */
  vcpu: number;
  /** Instances on one database node when the `db` pool is at its desired size. */
  perNode: number;
}

/**
 * What each instance sizes itself from. With a `db` node pool the instances run on its nodes, so
 * the pool's profile is the server (a different `database.profile` names a machine no instance
 * runs on: the self-hosted stack's preset says `medium-db`, its pool the documented `db` node);
 * without one, `database.profile`. `database.memoryGb` / `vcpu`, when set, replace the server's.
 * Instances that share a node split it evenly. The self-hosted design has one database node
 * (§1.1: 16 cores, 64 GB) and draws the primary and its replica in the data tier beside each other
 * (§1.2), so each gets 32 GB: the server §5.1's values are written for (25 % and 75 % of RAM:
 * shared_buffers 8GB, effective_cache_size 24GB).
 */
export function postgresInstanceShare(
  database: Pick<StackConfig["database"], "profile" | "memoryGb" | "vcpu" | "replicas">,
  nodePools: StackConfig["nodePools"],
): InstanceShare {
  const pool = nodePools.db && nodePools.db.desired > 0 ? nodePools.db : undefined;
  const server = PROFILES[pool ? pool.profile : database.profile];
  const perNode = pool ? Math.ceil((1 + database.replicas) / pool.desired) : 1;
  return {
    memoryGb: (database.memoryGb || server.memoryGb) / perNode,
    vcpu: (database.vcpu || server.vcpu) / perNode,
    perNode,
  };
}

/** Memory a database server may use: the configured amount, or all of the profile's. */
export function databaseMemoryGb(memoryGb: number, profile: ProfileName): number {
  return memoryGb > 0 ? memoryGb : PROFILES[profile].memoryGb;
}

/** "8GB" / "256MB" / "1536kB" (Postgres units) in MiB. */
export function postgresMemoryMb(value: string): number {
  const m = /^(\d+)(kB|MB|GB|TB)$/.exec(value);
  if (!m) throw new RangeError(`not a Postgres memory value: ${value}`);
  const factor = { kB: 1 / 1024, MB: 1, GB: 1024, TB: 1024 * 1024 }[m[2] as "kB"];
  return Number(m[1]) * factor;
}

export interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

function cpuQuantity(cores: number): string {
  const milli = Math.max(100, Math.round(cores * 1000));
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/**
 * Requests and limits of one Postgres instance. Self-hosted §9.1 gives Postgres a limit of twice
 * its reservation (4 CPU / 8 GB limit, 2 CPU / 4 GB reserved): the limit is the server's memory and
 * vCPU, the request half of it. The memory Postgres itself holds (shared buffers, one maintenance
 * operation, WAL buffers) must fit in the request, so the pod is never OOM-killed while it stays
 * within what the scheduler reserved for it.
 */
export function postgresResources(
  memoryGb: number,
  vcpu: number,
  params: Record<string, string>,
): ContainerResources {
  const limitMb = Math.round(memoryGb * 1024);
  const requestMb = Math.round(limitMb / 2);
  const heldMb =
    postgresMemoryMb(params.shared_buffers) +
    postgresMemoryMb(params.maintenance_work_mem) +
    postgresMemoryMb(params.wal_buffers);
  if (heldMb > requestMb)
    throw new RangeError(
      `shared_buffers + maintenance_work_mem + wal_buffers (${heldMb} MiB) exceed the memory request (${requestMb} MiB)`,
    );
  return {
    requests: { cpu: cpuQuantity(vcpu / 2), memory: `${requestMb}Mi` },
    limits: { cpu: cpuQuantity(vcpu), memory: `${limitMb}Mi` },
  };
}

/**
 * The policy pack requires at least 30 days of database backups (tiers document, Database
 * Backups: "Retention: 30 days"). A stack asking for fewer (staging's 7-day snapshots) keeps 30:
 * base backups and WAL for point-in-time recovery cost little next to losing the window.
 */
export const MIN_BACKUP_RETENTION_DAYS = 30;
export function backupRetentionDays(configured: number): number {
  return Math.max(configured, MIN_BACKUP_RETENTION_DAYS);
}

/**
 * CloudNativePG schedules with six cron fields, seconds first; the stack config uses the usual
 * five. "0 2 * * *" (tiers document: daily at 2 AM UTC) becomes "0 0 2 * * *".
 */
export function cnpgSchedule(fiveFieldCron: string): string {
  const fields = fiveFieldCron.trim().split(/\s+/);
  if (fields.length !== 5)
    throw new RangeError(`expected a five-field cron expression, got "${fiveFieldCron}"`);
  return ["0", ...fields].join(" ");
}

/** Instances of the Cluster: the primary and its streaming replicas. */
export function postgresInstances(replicas: number): number {
  return 1 + replicas;
}

/**
 * Nodes that take the instances when the pools are at their smallest: the `db` pool's where the
 * cluster has one, else the app pool's (the one pool without a taint); unknown on a cluster the
 * stack does not size.
 */
export function databaseNodes(
  nodePools: StackConfig["nodePools"],
  pools: readonly Role[],
): number | undefined {
  return (pools.includes("db") ? nodePools.db : nodePools.app)?.min;
}

/**
 * A replica on another server survives the loss of the primary's (tiers document, High
 * Availability: automatic failover): anti-affinity by host is required where there are at least
 * as many database nodes as instances. With fewer (the self-hosted design's and the medium tier's
 * one database node, the small tier's one server) a required rule would leave a replica Pending
 * for ever; the spread is then preferred, and the replica guards against a failed instance or
 * volume, not against losing the server.
 */
export function podAntiAffinityType(
  instances: number,
  nodes: number | undefined,
): "required" | "preferred" {
  return (nodes ?? Infinity) >= instances ? "required" : "preferred";
}

/** PgBouncer settings of the Pooler (tiers document: PgBouncer for 2,000-5,000 client connections). */
export function pgbouncerParameters(pooler: {
  maxClientConnections: number;
  defaultPoolSize: number;
}): Record<string, string> {
  return {
    max_client_conn: String(pooler.maxClientConnections),
    default_pool_size: String(pooler.defaultPoolSize),
    // Transaction pooling multiplexes thousands of clients over a few server connections; clients'
    // protocol-level prepared statements keep working through PgBouncer's own tracking.
    max_prepared_statements: "200",
  };
}
