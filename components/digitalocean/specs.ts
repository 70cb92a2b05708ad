/**
 * Pure planning for the DigitalOcean layer: names, node pools, firewall rules, load balancer
 * annotations, managed service sizes, bucket rules and alert targets. No resources are created
 * here, so every rule is tested directly.
 */
import {
  PROFILES,
  ResolvedCache,
  ResolvedDatabase,
  resolveManagedCache,
  resolveManagedDatabase,
  resolveProfile,
} from "../../catalog";
import { ROLES, type Role, type StackConfig } from "../../config";
import { retentionPlan } from "../backups/retention";
import { type ClientAddressDelivery } from "../contract";
import { ROLE_LABEL, TAINTED_ROLES } from "../k8s";
import { postgresParameters } from "../database/tuning";
import { physicalName } from "../kit/naming";

const CLOUD = "digitalocean";

/**
 * Spaces bucket names are global across every DigitalOcean customer: the stack's domain (which
 * only its owner controls), the stack and the bucket's config name make one nobody else takes.
 */
export function spacesBucketName(domain: string, stack: string, bucket: string): string {
  return physicalName([domain.replace(/\./g, "-"), stack, bucket], 63);
}

// --- Network -------------------------------------------------------------------------------

/**
 * Ranges DigitalOcean reserves for DOKS networking (pods, services, internal addresses of
 * clusters without VPC-native networking); a VPC that overlaps one is refused.
 */
export const DOKS_RESERVED_RANGES = ["10.244.0.0/16", "10.245.0.0/16", "10.246.0.0/24"] as const;

/** One inbound or outbound rule of a DigitalOcean cloud firewall. */
export interface FirewallRule {
  protocol: "tcp" | "udp" | "icmp";
  portRange?: string;
  addresses: string[];
}

const ANYWHERE = ["0.0.0.0/0", "::/0"];

/**
 * The node firewall, after self-hosted §2.1 and the tiers document's Security Infrastructure:
 * HTTP/HTTPS from anywhere, SSH from the admin networks only (none when none are listed), and
 * everything inside the VPC. Outbound: the VPC, HTTP/HTTPS for external APIs, DNS and NTP, plus
 * the alert mail relay's port when one is configured; nothing else.
 */
export function nodeFirewallRules(
  vpcCidr: string,
  adminCidrs: readonly string[],
  smtpPort?: number,
): { inbound: FirewallRule[]; outbound: FirewallRule[] } {
  const internal: FirewallRule[] = [
    { protocol: "tcp", portRange: "1-65535", addresses: [vpcCidr] },
    { protocol: "udp", portRange: "1-65535", addresses: [vpcCidr] },
    { protocol: "icmp", addresses: [vpcCidr] },
  ];
  const inbound: FirewallRule[] = [
    { protocol: "tcp", portRange: "80", addresses: ANYWHERE },
    { protocol: "tcp", portRange: "443", addresses: ANYWHERE },
    ...internal,
  ];
  if (adminCidrs.length > 0)
    inbound.push({ protocol: "tcp", portRange: "22", addresses: [...adminCidrs] });
  const outbound: FirewallRule[] = [
    ...internal,
    { protocol: "tcp", portRange: "80", addresses: ANYWHERE },
    { protocol: "tcp", portRange: "443", addresses: ANYWHERE },
    { protocol: "udp", portRange: "53", addresses: ANYWHERE },
    { protocol: "tcp", portRange: "53", addresses: ANYWHERE },
    { protocol: "udp", portRange: "123", addresses: ANYWHERE },
  ];
  if (smtpPort !== undefined && smtpPort !== 80 && smtpPort !== 443)
    outbound.push({ protocol: "tcp", portRange: String(smtpPort), addresses: ANYWHERE });
  return { inbound, outbound };
}

// --- Kubernetes ----------------------------------------------------------------------------

/** Cluster upgrades on Sunday 04:00 UTC: two hours after the 02:00 UTC daily backup has run. */
export const CLUSTER_MAINTENANCE = { day: "sunday", startTime: "04:00" } as const;
/** Managed databases on Saturday: never the same window as the cluster they serve. */
export const DATABASE_MAINTENANCE = { day: "saturday", hour: "04:00" } as const;
export const CACHE_MAINTENANCE = { day: "saturday", hour: "05:00" } as const;

/**
 * The roles that get a pool. The db pool hosts the self-hosted Postgres and Valkey and the storage
 * pool the self-hosted MinIO: when DigitalOcean runs those services, a pool of their own would
 * stand empty at full price, so it is left out and the facts say so (`pools`).
 */
export function poolRoles(config: StackConfig): Role[] {
  const needed: Record<Role, boolean> = {
    app: true,
    gateway: true,
    monitoring: true,
    db: config.database.mode === "self-hosted" || config.cache.mode === "self-hosted",
    storage: config.objectStorage.mode === "self-hosted",
  };
  return ROLES.filter((role) => config.nodePools[role] !== undefined && needed[role]);
}

export interface PoolSpec {
  role: Role;
  /** Pool name in DOKS. @example "app" */
  name: string;
  /** Droplet size slug resolved from the pool's documented profile. @example "s-2vcpu-4gb" */
  size: string;
  nodeCount: number;
  autoScale: boolean;
  minNodes?: number;
  maxNodes?: number;
  labels: Record<string, string>;
  taints: { key: string; value: string; effect: "NoSchedule" }[];
  /** Monthly price of `nodeCount` nodes. */
  monthlyUsd: number;
}

/**
 * One pool per role that needs one, the app pool first (it becomes the cluster's default pool).
 * Sizes come from the documented profiles; the autoscaler runs only where min and max differ
 * (staging: "auto-scaling disabled", 3..3).
 */
export function nodePoolSpecs(config: StackConfig): PoolSpec[] {
  return poolRoles(config).map((role) => {
    const pool = config.nodePools[role]!;
    const resolved = resolveProfile(CLOUD, pool.profile);
    const autoScale = pool.min !== pool.max;
    return {
      role,
      name: role,
      size: resolved.type.name,
      nodeCount: pool.desired,
      autoScale,
      ...(autoScale ? { minNodes: pool.min, maxNodes: pool.max } : {}),
      labels: { [ROLE_LABEL]: role },
      taints: TAINTED_ROLES.includes(role)
        ? [{ key: ROLE_LABEL, value: role, effect: "NoSchedule" as const }]
        : [],
      monthlyUsd: resolved.type.monthlyUsd * pool.desired,
    };
  });
}

/**
 * The DOKS version slug for a Kubernetes minor ("1.33" → "1.33.1-do.0"): the newest the API
 * offers. The offline plan's mocks answer the lookup with its own inputs (no `validVersions`),
 * so there the minor itself stands in; against the API an empty list means DigitalOcean no
 * longer offers that minor, which is an error worth stopping for.
 */
export function doksVersion(
  minor: string,
  found: { latestVersion?: string; validVersions?: string[] } | undefined,
): string {
  if (found?.latestVersion) return found.latestVersion;
  if (!Array.isArray(found?.validVersions)) return minor;
  throw new Error(
    `kubernetes.version: DigitalOcean offers no ${minor}.x release; pick a supported minor`,
  );
}

/**
 * The gateway's load balancer size, `gateway.loadBalancerSizeUnits`: one unit for staging, two in
 * production so that one unit's maintenance or failure leaves capacity (DigitalOcean spreads units
 * across hardware).
 */
export function gatewaySizeUnits(config: StackConfig): number {
  return config.gateway.loadBalancerSizeUnits;
}

/** Annotation prefix the DigitalOcean cloud controller reads on LoadBalancer Services. */
const LB = "service.beta.kubernetes.io/do-loadbalancer";

/**
 * How the load balancer hands the gateway the client's address: PROXY protocol, DigitalOcean's
 * only way, since the load balancer opens its own connection to the node. The header is optional
 * on Envoy's side: the cloud controller reports the load balancer's IP without `ipMode: Proxy`
 * (digitalocean-cloud-controller-manager issue 811, open), so kube-proxy hands in-cluster clients
 * of that IP, such as cert-manager's HTTP-01 self-check, straight to Envoy with no header
 * (docs/controllers/services/examples/README.md, "Accessing pods over a managed load-balancer
 * from inside the cluster"). Every connection through the load balancer still carries it, and a
 * client that reaches Envoy's node port without the load balancer could write its own header
 * whether or not one is required, so letting headerless connections through trusts no one new.
 */
export const GATEWAY_CLIENT_ADDRESS: ClientAddressDelivery = {
  via: "proxy-protocol",
  optional: true,
};

/**
 * Annotations of the gateway's LoadBalancer Service. The load balancer passes TLS through (443)
 * and plain TCP (80) to the gateway: cert-manager's certificates terminate TLS there, with the
 * gateway's TLS 1.2+ policy and HSTS, so no certificate lives in DigitalOcean. The redirect to
 * HTTPS stays with the gateway's HTTP listener, not the load balancer: cert-manager answers the
 * Let's Encrypt HTTP-01 challenge on that listener, and a load-balancer redirect would send the
 * validator to port 443 before any certificate exists. PROXY protocol follows
 * GATEWAY_CLIENT_ADDRESS, as the gateway's listener does; health checks use the port the cloud
 * controller picks (the kube-proxy health port for an `externalTrafficPolicy: Local` Service).
 */
export function gatewayAnnotations(
  name: string,
  sizeUnits: number,
  clientAddress: ClientAddressDelivery = GATEWAY_CLIENT_ADDRESS,
): Record<string, string> {
  return {
    [`${LB}-name`]: name,
    [`${LB}-size-unit`]: String(sizeUnits),
    [`${LB}-protocol`]: "tcp",
    [`${LB}-tls-ports`]: "443",
    [`${LB}-tls-passthrough`]: "true",
    [`${LB}-redirect-http-to-https`]: "false",
    [`${LB}-enable-proxy-protocol`]: String(clientAddress.via === "proxy-protocol"),
    [`${LB}-disable-lets-encrypt-dns-records`]: "true",
    [`${LB}-healthcheck-check-interval-seconds`]: "10",
    [`${LB}-healthcheck-response-timeout-seconds`]: "5",
    [`${LB}-healthcheck-unhealthy-threshold`]: "3",
    [`${LB}-healthcheck-healthy-threshold`]: "3",
  };
}

// --- Managed data services -----------------------------------------------------------------

/**
 * HA standby nodes of the managed Postgres: `database.standbys` (one in production: the tiers
 * document's automatic failover, self-hosted §1.2's primary + replica; none elsewhere), and at
 * least one wherever multiAz asks for it.
 */
export function databaseStandbys(config: StackConfig): number {
  return Math.max(config.database.standbys, config.database.multiAz ? 1 : 0);
}

/**
 * The managed Postgres size: the configured profile, with the configured storage as its disk,
 * since a DigitalOcean plan's storage is fixed by its size (prices.md has no rate for more).
 */
export function databasePlan(config: StackConfig): ResolvedDatabase {
  const profile = PROFILES[config.database.profile];
  return resolveManagedDatabase(
    CLOUD,
    {
      ...profile,
      diskGb: Math.max(profile.diskGb, config.database.storageGb),
      doc: `${profile.doc}, ${config.database.storageGb} GB`,
    },
    { standbys: databaseStandbys(config), readReplicas: config.database.replicas },
  );
}

/** Valkey nodes: the primary and its standbys (DigitalOcean runs at most two). */
export function cacheNodes(config: StackConfig): number {
  return 1 + config.cache.replicas;
}

/** The managed Valkey size: the smallest node with the configured memory, `cacheNodes` of it. */
export function cachePlan(config: StackConfig): ResolvedCache {
  return resolveManagedCache(CLOUD, config.cache.memoryMb / 1024, { nodes: cacheNodes(config) });
}

/**
 * work_mem in MB for a managed server of `memoryGb`, by the same rule the self-hosted Postgres
 * uses (components/database/tuning.ts), so both choices tune alike.
 */
export function workMemMb(memoryGb: number, maxConnections: number): number {
  const value = postgresParameters(memoryGb, { maxConnections }).work_mem;
  const [, n, unit] = /^(\d+)(MB|GB)$/.exec(value) ?? [];
  if (!n) throw new Error(`unexpected work_mem ${value}`);
  return Number(n) * (unit === "GB" ? 1024 : 1);
}

// --- Object storage ------------------------------------------------------------------------

type BucketConfig = StackConfig["objectStorage"]["buckets"][number];

export interface LifecycleRule {
  id: string;
  enabled: true;
  prefix?: string;
  abortIncompleteMultipartUploadDays?: number;
  expiration?: { days?: number; expiredObjectDeleteMarker?: boolean };
  noncurrentVersionExpiration?: { days: number };
}

/**
 * Lifecycle of a bucket. Every bucket: previous versions and deleted files kept
 * `noncurrentVersionDays` (tiers document, File Storage Backups: 30 days), delete markers with
 * nothing behind them removed, unfinished multipart uploads dropped after 7 days. The backup
 * bucket also expires each dump tier at its lifetime (components/backups/retention.ts), so the backup
 * jobs need not prune. Spaces has no colder storage class, so `archiveAfterDays` has no rule here.
 */
export function bucketLifecycle(
  bucket: BucketConfig,
  backups: StackConfig["backups"],
): LifecycleRule[] {
  const rules: LifecycleRule[] = [
    {
      id: "versions",
      enabled: true,
      abortIncompleteMultipartUploadDays: 7,
      expiration: { expiredObjectDeleteMarker: true },
      noncurrentVersionExpiration: { days: bucket.noncurrentVersionDays },
    },
  ];
  if (bucket.purpose === "backup")
    for (const tier of retentionPlan(backups).filter((t) => t.keep > 0))
      rules.push({
        id: `dumps-${tier.period}`,
        enabled: true,
        prefix: tier.prefix,
        expiration: { days: tier.expireDays },
      });
  return rules;
}

/** The public hosts of the stack: the apex and each public app's host, once each. */
export function publicHosts(config: StackConfig): string[] {
  const hosts = config.apps
    .filter((a) => a.public)
    .map((a) => (a.host ? `${a.host}.${config.domain}` : config.domain));
  return [...new Set([config.domain, ...hosts])];
}

/** Browser origins allowed to fetch and upload media directly (presigned URLs). */
export function corsOrigins(config: StackConfig): string[] {
  return publicHosts(config).map((h) => `https://${h}`);
}

/** The media host the CDN answers on, or none when `cdn.mediaHost` is empty. */
export function mediaDomain(config: StackConfig): string | undefined {
  return config.cdn.mediaHost ? `${config.cdn.mediaHost}.${config.domain}` : undefined;
}

/** Spaces' S3 endpoint of a region. */
export function spacesEndpoint(region: string): string {
  return `https://${region}.digitaloceanspaces.com`;
}

// --- Alerts --------------------------------------------------------------------------------

/** URLs the uptime checks probe: https://<domain> and every public app host. */
export function uptimeTargets(config: StackConfig): string[] {
  return publicHosts(config).map((h) => `https://${h}`);
}

export interface UptimeAlertSpec {
  key: string;
  type: "down" | "latency" | "ssl_expiry";
  severity: "critical" | "warning";
  period?: "5m";
  comparison?: "greater_than" | "less_than";
  threshold?: number;
}

/**
 * Tiers document, Alerting Strategy: service down more than 5 minutes and a certificate expiring
 * in under 7 days are critical; responses slower than 2 s are a warning.
 */
export const UPTIME_ALERTS: readonly UptimeAlertSpec[] = [
  { key: "down", type: "down", severity: "critical", period: "5m" },
  {
    key: "latency",
    type: "latency",
    severity: "warning",
    period: "5m",
    comparison: "greater_than",
    threshold: 2000,
  },
  { key: "ssl", type: "ssl_expiry", severity: "critical", comparison: "less_than", threshold: 7 },
];

export interface MonitorAlertSpec {
  key: string;
  type: string;
  value: number;
  severity: "critical" | "warning";
  description: string;
}

/**
 * Tiers document, Infrastructure Metrics and Alerting Strategy: CPU and memory above 80 % warn,
 * disk above 80 % warns and above 90 % is critical. DigitalOcean evaluates them per node.
 */
export const NODE_ALERTS: readonly MonitorAlertSpec[] = [
  {
    key: "cpu",
    type: "v1/insights/droplet/cpu",
    value: 80,
    severity: "warning",
    description: "CPU above 80 %",
  },
  {
    key: "memory",
    type: "v1/insights/droplet/memory_utilization_percent",
    value: 80,
    severity: "warning",
    description: "memory above 80 %",
  },
  {
    key: "disk-warning",
    type: "v1/insights/droplet/disk_utilization_percent",
    value: 80,
    severity: "warning",
    description: "disk above 80 %",
  },
  {
    key: "disk-critical",
    type: "v1/insights/droplet/disk_utilization_percent",
    value: 90,
    severity: "critical",
    description: "disk above 90 %",
  },
];

/** The same thresholds for the managed database clusters. */
export const DATABASE_ALERTS: readonly MonitorAlertSpec[] = [
  {
    key: "cpu",
    type: "v1/dbaas/alerts/cpu_alerts",
    value: 80,
    severity: "warning",
    description: "CPU above 80 %",
  },
  {
    key: "memory",
    type: "v1/dbaas/alerts/memory_utilization_alerts",
    value: 80,
    severity: "warning",
    description: "memory above 80 %",
  },
  {
    key: "disk-warning",
    type: "v1/dbaas/alerts/disk_utilization_alerts",
    value: 80,
    severity: "warning",
    description: "disk above 80 %",
  },
  {
    key: "disk-critical",
    type: "v1/dbaas/alerts/disk_utilization_alerts",
    value: 90,
    severity: "critical",
    description: "disk above 90 %",
  },
];
