/**
 * Pure planning functions for the in-cluster PgBouncer in front of a managed PostgreSQL (RDS):
 * images, pool sizes within the server's max_connections, pgbouncer.ini and the user list.
 * No resources are created here.
 */
import { containerResources } from "../k8s";
import { pgbouncerParameters } from "./cnpg";

/**
 * CloudNativePG's PgBouncer operand image, the same one its Pooler runs: Debian with the PostgreSQL
 * project's PgBouncer package, multi-arch (arm64 for Graviton nodes), and its entrypoint is nothing
 * but `pgbouncer /etc/pgbouncer/pgbouncer.ini`, so it runs a plain ini file without the operator.
 */
export const PGBOUNCER_IMAGE = "ghcr.io/cloudnative-pg/pgbouncer:1.25.2";
/** The Prometheus community's exporter; it reads SHOW STATS/POOLS from the admin console. */
export const PGBOUNCER_EXPORTER_IMAGE = "quay.io/prometheuscommunity/pgbouncer-exporter:v0.12.0";

/** Port PgBouncer listens on in the pod; the Service maps the usual 5432 onto it. */
export const PGBOUNCER_PORT = 6432;
/** The exporter's default port, as the CloudNativePG Pooler's metrics port. */
export const PGBOUNCER_EXPORTER_PORT = 9127;
/** The image's own `pgbouncer` user. */
export const PGBOUNCER_UID = 998;
/** The exporter's login: a `stats_users` member, so it reads SHOW STATS/POOLS and nothing else. */
export const PGBOUNCER_STATS_USER = "pgbouncer_exporter";
/** A PgBouncer container's share: it runs on one core; 2,000 clients hold a few MiB of buffers. */
export const PGBOUNCER_RESOURCES = containerResources("250m", "128Mi", "1", "512Mi");

/** Where the pod mounts its files: config (ConfigMap), credentials (Secret), TLS (cert-manager). */
export const PGBOUNCER_FILES = {
  ini: "/etc/pgbouncer/config/pgbouncer.ini",
  userlist: "/etc/pgbouncer/auth/userlist.txt",
  tlsCert: "/etc/pgbouncer/tls/tls.crt",
  tlsKey: "/etc/pgbouncer/tls/tls.key",
} as const;

export const PGBOUNCER_NAMES = {
  deployment: "pgbouncer",
  service: "pgbouncer",
  config: "pgbouncer-config",
  auth: "pgbouncer-auth",
  tls: "pgbouncer-tls",
  issuer: "pgbouncer-selfsigned",
} as const;

/**
 * Connections of the server's max_connections that the pooler leaves to others: the reserved
 * superuser slots (3, plus RDS's 2 for rds_superuser), the daily pg_dump, migrations and admin
 * sessions, which connect straight to the server. A tenth of max_connections, at least 10.
 */
export function serverHeadroom(maxConnections: number): number {
  return Math.max(10, Math.ceil(maxConnections * 0.1));
}

export interface PgBouncerPool {
  /** Server connections one pod may open to the database, all users together. */
  maxDbConnections: number;
  /** Server connections of one pool (database and user pair): the config's, within that cap. */
  defaultPoolSize: number;
  /** Pods that may run at once: the replicas plus one during a rolling update. */
  pods: number;
}

/**
 * Server connections per pod so that every pod the Deployment may run at once (replicas plus the
 * rolling update's surge) together never exceeds max_connections less the headroom: RDS refuses the
 * connection past max_connections, which the apps would see as errors instead of a short queue in
 * PgBouncer.
 */
export function pgbouncerPool(args: {
  maxConnections: number;
  replicas: number;
  defaultPoolSize: number;
  surge?: number;
}): PgBouncerPool {
  const pods = args.replicas + (args.surge ?? 1);
  const budget = args.maxConnections - serverHeadroom(args.maxConnections);
  const maxDbConnections = Math.floor(budget / pods);
  if (maxDbConnections < 1)
    throw new RangeError(
      `max_connections ${args.maxConnections} leaves ${budget} connections for ${pods} ` +
        "PgBouncer pods: raise database.maxConnections",
    );
  return {
    maxDbConnections,
    defaultPoolSize: Math.min(args.defaultPoolSize, maxDbConnections),
    pods,
  };
}

/** Name under which the apps reach the read replicas through PgBouncer: `<database>_read`. */
export function readDatabaseName(database: string): string {
  return `${database}_read`;
}

export interface PgBouncerIniArgs {
  /** Server PgBouncer logs into. @example { host: "db.internal", port: 5432, database: "app" } */
  server: { host: string; port: number; database: string };
  /**
   * Read replicas of that server (same port and database), served together as one more database,
   * `readDatabaseName(database)`. None when empty. @example ["replica-1.internal", "replica-2.internal"]
   */
  readHosts?: string[];
  /** The stack's `database.pooler`. @example { maxClientConnections: 2000, defaultPoolSize: 50 } */
  pooler: { maxClientConnections: number; defaultPoolSize: number };
  /** `database.maxConnections`: the server's max_connections. @example 500 */
  maxConnections: number;
  /** PgBouncer pods. @default 2 */
  replicas?: number;
  /**
   * CA bundle of the server's certificates; with it PgBouncer verifies the server's name
   * (verify-full), without it the connection is encrypted but the certificate is not checked.
   * @default undefined (require)
   */
  serverCaFile?: string;
  /** Paths inside the pod. @default PGBOUNCER_FILES */
  files?: Omit<typeof PGBOUNCER_FILES, "ini">;
}

/** A host or database name that goes into the ini unquoted (DNS names, identifiers). */
function plain(what: string, value: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(value))
    throw new RangeError(`${what} "${value}" is not a plain name PgBouncer's ini can carry`);
  return value;
}

/** The PgBouncer settings of the pooler in front of a managed server, as key/value pairs. */
export function pgbouncerSettings(args: PgBouncerIniArgs): Record<string, string> {
  const files = args.files ?? PGBOUNCER_FILES;
  const pool = pgbouncerPool({
    maxConnections: args.maxConnections,
    replicas: args.replicas ?? 2,
    defaultPoolSize: args.pooler.defaultPoolSize,
  });
  const balancing = (args.readHosts?.length ?? 0) > 1;
  return {
    listen_addr: "*",
    listen_port: String(PGBOUNCER_PORT),
    // No Unix socket: the root filesystem is read-only and every client comes over TCP.
    unix_socket_dir: "",
    auth_type: "scram-sha-256",
    auth_file: files.userlist,
    // Tiers document, Connection Pooling: PgBouncer for 2,000-5,000 connections, in transaction
    // mode as the CloudNativePG Pooler. Each pod takes the documented number of clients, so one
    // pod alone (the other drained) still admits every client.
    pool_mode: "transaction",
    ...pgbouncerParameters(args.pooler),
    default_pool_size: String(pool.defaultPoolSize),
    max_db_connections: String(pool.maxDbConnections),
    reserve_pool_size: "0",
    // JDBC drivers send it at start-up; PgBouncer refuses unknown start-up parameters otherwise.
    ignore_startup_parameters: "extra_float_digits",
    stats_users: PGBOUNCER_STATS_USER,
    // Self-hosted §2.2, encrypt data in transit, and §2.1, TLS 1.2 at least ("secure": 1.2 and
    // 1.3), on both legs. Clients must use TLS; the certificate comes from cert-manager.
    client_tls_sslmode: "require",
    client_tls_cert_file: files.tlsCert,
    client_tls_key_file: files.tlsKey,
    client_tls_protocols: "secure",
    // RDS forces TLS (rds.force_ssl=1). `require` encrypts without checking the certificate: the
    // RDS CA bundle is a cloud download the provider-agnostic platform layer does not carry, and
    // the endpoint is reached only inside the VPC (data subnets, security group from the app tier
    // only). With a CA bundle mounted, `serverCaFile` turns on verify-full.
    server_tls_sslmode: args.serverCaFile ? "verify-full" : "require",
    ...(args.serverCaFile ? { server_tls_ca_file: args.serverCaFile } : {}),
    server_tls_protocols: "secure",
    // PgBouncer resolves the host itself and again after dns_max_ttl, so it follows a Multi-AZ
    // failover, which moves the endpoint's DNS name to the standby.
    dns_max_ttl: "15",
    ...(balancing
      ? {
          // Over several replicas: idle server connections are handed out in turn rather than
          // last-in first-out, so the load spreads (pgbouncer.org FAQ, load balancing), and a
          // replica that refuses a login is retried on the next host within seconds rather than
          // the default 15 (pgbouncer doc/config.md, load_balance_hosts).
          server_round_robin: "1",
          server_login_retry: "3",
        }
      : {}),
  };
}

/**
 * The `[databases]` line of the read replicas: every host in one comma-separated list, which
 * PgBouncer connects to in turn for each new server connection (pgbouncer/pgbouncer doc/config.md,
 * `host`: "connections are made in a round-robin manner"; `load_balance_hosts`, added in 1.24,
 * keeps round-robin as its default). Debian's 1.18 in the tests and the image's 1.25 both do. The
 * pool may hold as many server connections per replica as the primary's pool holds on the primary.
 */
export function readDatabaseLine(args: PgBouncerIniArgs): string | undefined {
  const hosts = args.readHosts ?? [];
  if (hosts.length === 0) return undefined;
  const { port, database } = args.server;
  const pool = pgbouncerPool({
    maxConnections: args.maxConnections,
    replicas: args.replicas ?? 2,
    defaultPoolSize: args.pooler.defaultPoolSize,
  });
  const list = hosts.map((h) => plain("read host", h)).join(",");
  return [
    `${readDatabaseName(plain("database", database))} = host=${list} port=${port} dbname=${database}`,
    `pool_size=${pool.defaultPoolSize * hosts.length}`,
    `max_db_connections=${pool.maxDbConnections * hosts.length}`,
  ].join(" ");
}

/**
 * pgbouncer.ini: the managed server's database under its own name and, with read replicas, those
 * under `readDatabaseName(database)`. No secret in it.
 */
export function pgbouncerIni(args: PgBouncerIniArgs): string {
  const { host, port, database } = args.server;
  const read = readDatabaseLine(args);
  const lines = [
    "[databases]",
    `${plain("database", database)} = host=${plain("host", host)} port=${port} dbname=${database}`,
    ...(read ? [read] : []),
    "",
    "[pgbouncer]",
    ...Object.entries(pgbouncerSettings(args)).map(([k, v]) => (v ? `${k} = ${v}` : `${k} =`)),
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * userlist.txt: `"user" "password"` per line. PgBouncer authenticates clients with SCRAM against
 * the password and logs into the server with it, so it must be the server's own.
 */
export function pgbouncerUserlist(users: { name: string; password: string }[]): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return users.map((u) => `${quote(u.name)} ${quote(u.password)}\n`).join("");
}
