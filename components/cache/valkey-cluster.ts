/**
 * Pure planning functions for the self-hosted Valkey in cluster mode (tiers document, Enterprise:
 * "Redis Cluster (10+ nodes)"): the shards' names and hosts, the cluster directives, and the start
 * and creation scripts. No secret enters these files: the password comes from the environment.
 */
import {
  RUNTIME_INCLUDE,
  VALKEY_NAMES,
  VALKEY_PORT,
  podHost,
  valkeyServerConf,
} from "./valkey-topology";

/**
 * The cluster bus: every node also listens on its data port + 10000 for the other nodes' gossip,
 * failure reports and failover votes (Redis Cluster specification, "Cluster bus"; Redis Cluster
 * tutorial: "the cluster bus port ... is obtained by adding 10000 to the data port").
 */
export const VALKEY_BUS_PORT = VALKEY_PORT + 10000;

/** Label naming the shard a server belongs to: one StatefulSet per shard. */
export const SHARD_LABEL = "platform/valkey-shard";

/** The StatefulSet of shard `s`: pod 0 starts as the shard's primary, the others its replicas. */
export function shardSetName(shard: number): string {
  return `${VALKEY_NAMES.statefulSet}-shard-${shard}`;
}

/** Pods of the cluster, shard by shard: its primary first, then its replicas. */
export function clusterPods(shards: number, replicas: number): string[][] {
  return Array.from({ length: shards }, (_, s) =>
    Array.from({ length: 1 + replicas }, (_, r) => `${shardSetName(s)}-${r}`),
  );
}

/** `host:port` of every node, shard by shard (the order the creation script reads). */
export function clusterNodes(
  shards: number,
  replicas: number,
  namespace: string,
  domain: string,
): string[] {
  return clusterPods(shards, replicas)
    .flat()
    .map((pod) => `${podHost(pod, VALKEY_NAMES.headless, namespace, domain)}:${VALKEY_PORT}`);
}

/**
 * Directives a cluster node adds to valkey.conf: the node table kept on the data volume beside the
 * AOF (a restarted pod rejoins as the same node), and redirections (MOVED, CLUSTER SHARDS) that
 * name the pods' stable DNS names instead of addresses that change with every restart.
 */
export const CLUSTER_DIRECTIVES = {
  "cluster-enabled": "yes",
  "cluster-config-file": "nodes.conf",
  "cluster-preferred-endpoint-type": "hostname",
};

/** valkey.conf of a cluster node: every server's settings and the cluster directives. */
export function valkeyClusterConf(maxmemoryMb: number): string {
  return valkeyServerConf(maxmemoryMb, CLUSTER_DIRECTIVES);
}

/** Start script of a cluster node: the password and its announced DNS name, then the server. */
export function valkeyClusterStartScript(): string {
  return [
    "set -eu",
    'self="${HOSTNAME}.${HEADLESS}.${NAMESPACE}.svc.${CLUSTER_DOMAIN}"',
    "umask 077",
    "{",
    '  echo "requirepass $VALKEY_PASSWORD"',
    '  echo "masterauth $VALKEY_PASSWORD"',
    '  echo "cluster-announce-hostname $self"',
    `} > ${RUNTIME_INCLUDE}`,
    "exec valkey-server /etc/valkey/valkey.conf",
    "",
  ].join("\n");
}

/**
 * The creation Job's script. `NODES` lists `host:port` shard by shard (primary first), `REPLICAS`
 * the replicas of each shard; the password comes from REDISCLI_AUTH/VALKEYCLI_AUTH. It waits for
 * every node, creates the cluster of the shards' primaries (16384 slots shared evenly), then makes
 * each shard's other pods replicas of that very primary, so a shard's copies sit in the pods its
 * own StatefulSet spreads over nodes. Run again, it does only what is missing: a formed cluster
 * is left alone; a node that already belongs to it is skipped.
 */
export function clusterCreateScript(): string {
  return [
    "set -eu",
    'cli="${CLI:-valkey-cli}"',
    "group=$((REPLICAS + 1))",
    "set -- $NODES",
    "total=$#",
    'first="$1"',
    'ask() { n="$1"; shift; "$cli" -h "${n%:*}" -p "${n##*:}" --no-auth-warning "$@"; }',
    // --cluster commands of older CLIs take addresses, not names.
    `addr() { ip="$(getent hosts "\${1%:*}" 2>/dev/null | awk '{ print $1; exit }' || true)"; echo "\${ip:-\${1%:*}}:\${1##*:}"; }`,
    'info() { ask "$1" cluster info 2>/dev/null | tr -d "\\r" | sed -n "s/^$2://p"; }',
    "deadline=$(($(date +%s) + ${WAIT_SECONDS:-600}))",
    'late() { [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for $1" >&2; exit 1; }; sleep 2; }',
    'for n in "$@"; do',
    '  until [ "$(ask "$n" ping 2>/dev/null)" = PONG ]; do late "$n to answer"; done',
    "done",
    'if [ "$(info "$first" cluster_state)" = ok ] && [ "$(info "$first" cluster_known_nodes)" -ge "$total" ]; then',
    '  echo "cluster of $total nodes already formed"',
    "  exit 0",
    "fi",
    'primaries=""',
    "i=0",
    'for n in "$@"; do',
    '  [ $((i % group)) -ne 0 ] || primaries="$primaries $(addr "$n")"',
    "  i=$((i + 1))",
    "done",
    'if [ "$(info "$first" cluster_state)" != ok ]; then',
    '  "$cli" --no-auth-warning --cluster create $primaries --cluster-replicas 0 --cluster-yes',
    "fi",
    'until [ "$(info "$first" cluster_state)" = ok ]; do late "the primaries to cover every slot"; done',
    "i=0",
    'for n in "$@"; do',
    "  if [ $((i % group)) -eq 0 ]; then",
    '    primary="$n"',
    '  elif [ "$(info "$n" cluster_known_nodes)" -le 1 ]; then',
    '    id="$(ask "$primary" cluster myid | tr -d "\\r")"',
    '    "$cli" --no-auth-warning --cluster add-node "$(addr "$n")" "$(addr "$primary")" --cluster-slave --cluster-master-id "$id"',
    "  fi",
    "  i=$((i + 1))",
    "done",
    'until [ "$(info "$first" cluster_known_nodes)" -ge "$total" ]; do late "every node to join"; done',
    'echo "cluster of $total nodes formed"',
    "",
  ].join("\n");
}
