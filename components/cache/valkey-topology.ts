/**
 * Pure planning functions for the self-hosted Valkey: images, topology, configuration files and
 * start scripts. No resources are created here; no secret ever enters these files (the password is
 * written into an include file at container start, from the Secret's environment variable).
 */
import type { StackConfig } from "../../config";
import { renderValkeyConf, valkeyConfig, valkeyServerMemoryMb } from "./valkey-config";

export const VALKEY_IMAGE = "valkey/valkey:8.1.10";
export const EXPORTER_IMAGE = "oliver006/redis_exporter:v1.89.0";
export const HAPROXY_IMAGE = "haproxy:3.2.25-alpine";

export const VALKEY_PORT = 6379;
export const SENTINEL_PORT = 26379;
export const EXPORTER_PORT = 9121;
export const PROXY_HEALTH_PORT = 8404;
/** The valkey image's own user. */
export const VALKEY_UID = 999;
/** The haproxy image's own user. */
export const HAPROXY_UID = 99;
/** Name of the monitored primary in Sentinel. */
export const SENTINEL_MASTER = "primary";
/** Where the start scripts write the runtime include (password, role, announced name). */
export const RUNTIME_INCLUDE = "/run/valkey/runtime.conf";

export const VALKEY_NAMES = {
  statefulSet: "valkey",
  headless: "valkey-headless",
  service: "valkey",
  sentinel: "valkey-sentinel",
  sentinelHeadless: "valkey-sentinel-headless",
  proxy: "valkey-proxy",
  secret: "valkey-auth",
  config: "valkey-config",
} as const;

export interface ValkeyTopology {
  /** Valkey servers: pod 0 starts as the primary, the others replicate from it. */
  servers: number;
  /** Shards of cluster mode; 1 without it. */
  shards: number;
  /** Cluster mode: `shards` primaries (3 or more), each with `cache.replicas` replicas. */
  cluster: boolean;
  /** Sentinels watching the primary; 0 when there is no replica to promote or Sentinel is off. */
  sentinels: number;
  /** Sentinels that must agree the primary is down before a failover. */
  quorum: number;
}

/**
 * Servers and sentinels for a cache config; in cluster mode every shard's primary and replicas.
 * Sentinel needs a replica to promote: with none (the
 * small and local tiers) a single server runs without Sentinel and a failed pod is simply restarted.
 */
export function valkeyTopology(cache: StackConfig["cache"]): ValkeyTopology {
  const shards = cache.shards ?? 1;
  const cluster = shards > 1;
  const servers = shards * (1 + cache.replicas);
  // A cluster fails over by itself; the gate refuses Sentinel beside it (config/stack-rules.ts).
  const sentinel = !cluster && cache.sentinel && cache.replicas >= 1;
  return { servers, shards, cluster, sentinels: sentinel ? 3 : 0, quorum: sentinel ? 2 : 0 };
}

/**
 * Persistent volume per server: room for the RDB snapshot and the temporary file of the next one
 * (2x the data set), plus the AOF, which grows to twice its base before a rewrite (2x): 4x
 * maxmemory, at least 1 GiB.
 */
export function valkeyVolumeGi(maxmemoryMb: number): number {
  return Math.max(1, Math.ceil((4 * maxmemoryMb) / 1024));
}

export interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/**
 * Requests and limits of a Valkey server. The memory limit is the server memory the headroom rule
 * of valkey-config.ts asks for (twice maxmemory, for fork copy-on-write); the request is maxmemory
 * itself, the same one-to-two ratio as self-hosted §9.1 (redis: 1 GB reserved, 2 GB limit; 0.5 CPU
 * reserved, 1 CPU limit).
 */
export function valkeyResources(maxmemoryMb: number): ContainerResources {
  return {
    requests: { cpu: "500m", memory: `${maxmemoryMb}Mi` },
    limits: { cpu: "1", memory: `${valkeyServerMemoryMb(maxmemoryMb)}Mi` },
  };
}

/**
 * valkey.conf of every server: the documented settings, data in /data, `extra` directives (cluster
 * mode's), then the runtime include.
 */
export function valkeyServerConf(maxmemoryMb: number, extra: Record<string, string> = {}): string {
  return renderValkeyConf({
    ...valkeyConfig({ maxmemoryMb }),
    port: String(VALKEY_PORT),
    dir: "/data",
    ...extra,
    // Last, so the password, the announced name and `replicaof` written at start apply.
    include: RUNTIME_INCLUDE,
  });
}

/** Stable DNS name of a pod of a StatefulSet behind a headless Service. */
export function podHost(pod: string, headless: string, namespace: string, domain: string): string {
  return `${pod}.${headless}.${namespace}.svc.${domain}`;
}

/**
 * Start script of a Valkey server. With Sentinel it first asks the sentinels who the primary is, so a
 * restarted old primary rejoins as a replica instead of splitting the set in two; without an answer
 * (first start, or no Sentinel) pod 0 is the primary.
 */
export function valkeyStartScript(): string {
  return [
    "set -eu",
    'self="${HOSTNAME}.${HEADLESS}.${NAMESPACE}.svc.${CLUSTER_DOMAIN}"',
    'primary="${STATEFULSET}-0.${HEADLESS}.${NAMESPACE}.svc.${CLUSTER_DOMAIN}"',
    'current=""',
    'if [ -n "${SENTINEL_SERVICE:-}" ]; then',
    `  current="$(valkey-cli -h "$SENTINEL_SERVICE" -p ${SENTINEL_PORT} sentinel get-master-addr-by-name ${SENTINEL_MASTER} 2>/dev/null | head -n 1 || true)"`,
    "fi",
    '[ -n "$current" ] || current="$primary"',
    "umask 077",
    "{",
    '  echo "requirepass $VALKEY_PASSWORD"',
    '  echo "masterauth $VALKEY_PASSWORD"',
    '  echo "replica-announce-ip $self"',
    `  if [ "$current" != "$self" ]; then echo "replicaof $current ${VALKEY_PORT}"; fi`,
    `} > ${RUNTIME_INCLUDE}`,
    "exec valkey-server /etc/valkey/valkey.conf",
    "",
  ].join("\n");
}

/**
 * sentinel.conf without secrets; `@PRIMARY@` is replaced at start by the current primary's name.
 * Hostnames, not pod IPs: a restarted pod keeps its name but not its address.
 */
export function sentinelConfTemplate(quorum: number): string {
  return [
    `port ${SENTINEL_PORT}`,
    "dir /run/sentinel",
    "sentinel resolve-hostnames yes",
    "sentinel announce-hostnames yes",
    `sentinel monitor ${SENTINEL_MASTER} @PRIMARY@ ${VALKEY_PORT} ${quorum}`,
    `sentinel down-after-milliseconds ${SENTINEL_MASTER} 5000`,
    `sentinel failover-timeout ${SENTINEL_MASTER} 60000`,
    `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
    "",
  ].join("\n");
}

/**
 * Start script of a sentinel: the writable config (Sentinel rewrites it) is made from the template,
 * the primary other sentinels report (pod 0 at first start), and the password from the environment.
 */
export function sentinelStartScript(): string {
  return [
    "set -eu",
    'self="${HOSTNAME}.${SENTINEL_HEADLESS}.${NAMESPACE}.svc.${CLUSTER_DOMAIN}"',
    'primary="${STATEFULSET}-0.${HEADLESS}.${NAMESPACE}.svc.${CLUSTER_DOMAIN}"',
    `current="$(valkey-cli -h "$SENTINEL_SERVICE" -p ${SENTINEL_PORT} sentinel get-master-addr-by-name ${SENTINEL_MASTER} 2>/dev/null | head -n 1 || true)"`,
    '[ -n "$current" ] || current="$primary"',
    "umask 077",
    'sed "s/@PRIMARY@/$current/" /etc/valkey/sentinel.conf > /run/sentinel/sentinel.conf',
    "{",
    '  echo "sentinel announce-ip $self"',
    '  echo "requirepass $VALKEY_PASSWORD"',
    '  echo "sentinel sentinel-pass $VALKEY_PASSWORD"',
    `  echo "sentinel auth-pass ${SENTINEL_MASTER} $VALKEY_PASSWORD"`,
    "} >> /run/sentinel/sentinel.conf",
    "exec valkey-server /run/sentinel/sentinel.conf --sentinel",
    "",
  ].join("\n");
}

export interface ProxyServer {
  host: string;
  port: number;
}

/**
 * HAProxy in front of the servers when Sentinel may move the primary: it sends clients only to the
 * server that reports `role:master`, so REDIS_URL stays one address across failovers. The password
 * comes from the environment (HAProxy expands "${VAR}" inside double quotes).
 */
export function haproxyConf(
  servers: ProxyServer[],
  listen: { address?: string; port: number; healthPort: number } = {
    port: VALKEY_PORT,
    healthPort: PROXY_HEALTH_PORT,
  },
): string {
  if (!servers.length) throw new RangeError("HAProxy needs at least one server");
  const serverOptions =
    "check inter 1s fall 2 rise 2 on-marked-down shutdown-sessions resolvers cluster init-addr last,libc,none";
  return [
    "global",
    // Two proxies of 4096 clients each; the file-descriptor limit of a container fits twice that.
    "  maxconn 4096",
    "defaults",
    "  mode tcp",
    "  timeout connect 3s",
    // Clients keep connections open for long; Valkey's tcp-keepalive (300 s) keeps them alive.
    "  timeout client 1h",
    "  timeout server 1h",
    "  timeout check 2s",
    "resolvers cluster",
    "  parse-resolv-conf",
    "  hold valid 5s",
    "frontend health",
    "  mode http",
    `  bind ${listen.address ?? ""}:${listen.healthPort}`,
    "  http-request return status 200 if { path /healthz }",
    // Ready only while a server passes as the primary: no client is sent to a proxy with none.
    "  http-request return status 200 if { path /ready } { nbsrv(primary) ge 1 }",
    "  http-request return status 503",
    "frontend valkey",
    `  bind ${listen.address ?? ""}:${listen.port}`,
    "  default_backend primary",
    "backend primary",
    "  option tcp-check",
    "  tcp-check connect",
    '  tcp-check send "AUTH ${VALKEY_PASSWORD}"\\r\\n',
    "  tcp-check expect string +OK",
    "  tcp-check send PING\\r\\n",
    "  tcp-check expect string +PONG",
    "  tcp-check send info\\ replication\\r\\n",
    "  tcp-check expect string role:master",
    "  tcp-check send QUIT\\r\\n",
    "  tcp-check expect string +OK",
    // A demoted primary loses its clients at once instead of answering READONLY. A server counts
    // only once a check has seen it as the primary (init-state, HAProxy 3.1+); older versions
    // (Debian's, used by the tests) count it until its first check fails.
    ".if version_atleast(3.1)",
    `  default-server ${serverOptions} init-state down`,
    ".else",
    `  default-server ${serverOptions}`,
    ".endif",
    ...servers.map((s, i) => `  server valkey-${i} ${s.host}:${s.port}`),
    "",
  ].join("\n");
}
