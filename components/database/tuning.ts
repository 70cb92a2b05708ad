/**
 * Postgres server parameters computed from the memory of the database server.
 *
 * Two documented servers anchor the rule:
 * - self-hosted-deployment.md §5.1, a 32 GB database server: shared_buffers 8GB (25 %),
 *   effective_cache_size 24GB (75 %), work_mem 256MB, maintenance_work_mem 2GB, wal_buffers 64MB;
 * - infrastructure-recommendations.md "Small/Medium Deployments", an 8 GB server with
 *   max_connections 200: shared_buffers 2GB (25 %), effective_cache_size 4GB (50 %), work_mem 16MB,
 *   maintenance_work_mem 256MB.
 * The large tier's "Shared Buffers 16-32GB, Effective Cache Size 48-96GB" for 64-128 GB servers
 * follows from the same rule (25 % and 75 %).
 *
 * Scaling rule (memory M in GB, connections C):
 * - shared_buffers = 25 % of M (both documents).
 * - effective_cache_size = 50 % of M up to 8 GB and 75 % from 32 GB, linear in log2(M) between:
 *   a small server keeps a larger share of its memory for the OS, the exporters and sidecars.
 * - work_mem = 16MB × (M / 8)² × 200 / C, rounded down to a power of two, within 4MB..256MB.
 *   The two documented servers are a factor 4 apart in memory and 16 in work_mem, so the value
 *   grows with the square of memory (the geometric line through both); it shrinks with more
 *   connections because each one may use it; 4MB is Postgres' own default and 256MB (§5.1) the
 *   largest value either document gives.
 * - maintenance_work_mem = 256MB × (M / 8)^1.5, rounded down to a power of two, within
 *   64MB..2GB: the geometric line through 256MB at 8 GB and 2GB at 32 GB; 64MB is Postgres'
 *   default and 2GB (§5.1) the cap, since VACUUM and index builds gain little beyond it.
 * - wal_buffers = shared_buffers / 128, never below Postgres' automatic value (shared_buffers / 32,
 *   at most 16MB) and capped at 64MB (§5.1): one WAL segment is 16MB and more buffering than a few
 *   segments does not speed up commits.
 */

/** Extensions every application database gets (tiers document, "Extensions"). */
export const POSTGRES_EXTENSIONS = [
  "pg_stat_statements",
  "pgcrypto",
  "uuid-ossp",
  "pg_trgm",
] as const;

export interface PostgresTuningOptions {
  /** Largest number of server connections. @default 200 (tiers document, small/medium) */
  maxConnections?: number;
  /** Data lives on SSD or NVMe storage (§5.1 "For SSD storage"). @default true */
  ssd?: boolean;
  /** Streaming replicas fed by this server. @default 1 (self-hosted §6.2) */
  replicas?: number;
  /** Server certificate and key; TLS is on only when given (self-hosted §2.1, §2.2). */
  ssl?: { certFile: string; keyFile: string };
}

const MB_PER_GB = 1024;
const MIN_MEMORY_GB = 0.5;

/** 1024 → "1GB", 1536 → "1536MB": Postgres memory units, the larger one when exact. */
export function formatMemoryMb(mb: number): string {
  if (!Number.isInteger(mb) || mb <= 0)
    throw new RangeError(`memory must be a positive whole number of MB, got ${mb}`);
  return mb % MB_PER_GB === 0 ? `${mb / MB_PER_GB}GB` : `${mb}MB`;
}

function powerOfTwoAtMost(x: number): number {
  return 2 ** Math.floor(Math.log2(x) + 1e-9);
}

function clamp(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}

function requireInteger(name: string, value: number, low: number, high: number): void {
  if (!Number.isInteger(value) || value < low || value > high)
    throw new RangeError(`${name} must be a whole number in ${low}..${high}, got ${value}`);
}

/** Fraction of memory the planner may assume is cached: 50 % at 8 GB or less, 75 % from 32 GB. */
export function effectiveCacheFraction(memoryGb: number): number {
  const position = clamp(Math.log2(memoryGb / 8) / 2, 0, 1);
  return 0.5 + 0.25 * position;
}

/** postgresql.conf parameters for a server with `memoryGb` of memory; see the rule above. */
export function postgresParameters(
  memoryGb: number,
  opts: PostgresTuningOptions = {},
): Record<string, string> {
  if (!Number.isFinite(memoryGb) || memoryGb < MIN_MEMORY_GB)
    throw new RangeError(`memoryGb must be at least ${MIN_MEMORY_GB}, got ${memoryGb}`);
  const maxConnections = opts.maxConnections ?? 200;
  const replicas = opts.replicas ?? 1;
  const ssd = opts.ssd ?? true;
  // Same bounds as the stack config's database.maxConnections.
  requireInteger("maxConnections", maxConnections, 20, 5000);
  requireInteger("replicas", replicas, 0, 10);

  const memoryMb = Math.floor(memoryGb * MB_PER_GB);
  const sharedBuffersMb = Math.floor(memoryMb / 4);
  const effectiveCacheMb = Math.floor(memoryMb * effectiveCacheFraction(memoryGb));
  const scale = memoryGb / 8;
  const workMemMb = clamp(powerOfTwoAtMost(16 * scale ** 2 * (200 / maxConnections)), 4, 256);
  const maintenanceMb = clamp(powerOfTwoAtMost(256 * scale ** 1.5), 64, 2048);
  const postgresAutoWalMb = Math.min(16, Math.floor(sharedBuffersMb / 32));
  const walBuffersMb = Math.max(
    1,
    Math.min(64, Math.max(Math.floor(sharedBuffersMb / 128), postgresAutoWalMb)),
  );
  // §6.2 runs one replica with 3 WAL senders and 3 slots: one per replica plus two spare for a
  // base backup and a WAL receiver running at the same time.
  const walSenders = Math.max(3, replicas + 2);

  const params: Record<string, string> = {
    max_connections: String(maxConnections),
    shared_buffers: formatMemoryMb(sharedBuffersMb),
    effective_cache_size: formatMemoryMb(effectiveCacheMb),
    work_mem: formatMemoryMb(workMemMb),
    maintenance_work_mem: formatMemoryMb(maintenanceMb),
    wal_buffers: formatMemoryMb(walBuffersMb),
    checkpoint_completion_target: "0.9",
    // §5.1 values for SSD; otherwise Postgres' own defaults, which assume spinning disks.
    random_page_cost: ssd ? "1.1" : "4",
    effective_io_concurrency: ssd ? "200" : "1",
    log_min_duration_statement: "1000",
    log_checkpoints: "on",
    log_connections: "on",
    log_disconnections: "on",
    shared_preload_libraries: "pg_stat_statements",
    wal_level: "replica",
    max_wal_senders: String(walSenders),
    max_replication_slots: String(walSenders),
    hot_standby: "on",
    ssl: opts.ssl ? "on" : "off",
  };
  if (opts.ssl) {
    params.ssl_cert_file = opts.ssl.certFile;
    params.ssl_key_file = opts.ssl.keyFile;
    // Self-hosted §2.1: minimum TLS 1.2.
    params.ssl_min_protocol_version = "TLSv1.2";
  }
  return params;
}

const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const BARE_VALUE = /^(-?\d+(\.\d+)?|[A-Za-z_][A-Za-z0-9_]*)$/;

/** One postgresql.conf value: numbers and plain words bare, everything else single-quoted. */
export function quotePostgresValue(value: string): string {
  if (/[\n\r\0]/.test(value))
    throw new RangeError(
      `a postgresql.conf value cannot hold a line break or NUL: ${JSON.stringify(value)}`,
    );
  if (BARE_VALUE.test(value)) return value;
  // Inside quotes the configuration lexer reads backslash escapes and a doubled quote as one quote.
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** postgresql.conf text for `params`, one `name = value` line each, in the given order. */
export function renderPostgresConf(params: Record<string, string>): string {
  const lines = [
    "# Generated by the platform program from components/database/tuning.ts; do not edit.",
  ];
  for (const [name, value] of Object.entries(params)) {
    if (!PARAMETER_NAME.test(name))
      throw new RangeError(`not a Postgres parameter name: ${JSON.stringify(name)}`);
    lines.push(`${name} = ${quotePostgresValue(value)}`);
  }
  return `${lines.join("\n")}\n`;
}
