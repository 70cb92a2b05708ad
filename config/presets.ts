import type { AppConfig, StackConfig, Tier } from "./schema";

type Preset = Omit<StackConfig, "provider" | "tier" | "region" | "domain" | "apps"> & {
  /** Defaults for every app in `apps`; the app's own keys win. */
  app: Omit<AppConfig, "name" | "image" | "port">;
};

/** Infrastructure recommendations, Scaling Strategy: HPA min 3, max 50, CPU 70 %. */
const productionHpa = { minReplicas: 3, maxReplicas: 50, cpuPercent: 70 };
/** Self-hosted §9.1: app container limit 2 CPU / 4 GB, reservation 1 CPU / 2 GB. */
const documentedAppResources = {
  requests: { cpu: "1", memory: "2Gi" },
  limits: { cpu: "2", memory: "4Gi" },
};

const appDefaults = {
  replicas: 3,
  resources: documentedAppResources,
  autoscaling: productionHpa,
  env: {},
  healthPath: "/health",
  public: true,
  host: "",
  pathPrefix: "/",
  cacheDynamic: false,
  release: { strategy: "rolling" as const },
};

/** Infrastructure recommendations, Backup Strategy: 7 daily, 4 weekly, 12 monthly, daily at 2 AM UTC. */
const backups = {
  schedule: "0 2 * * *",
  daily: 7,
  weekly: 4,
  monthly: 12,
  databaseRetentionDays: 30,
  fileSyncSchedule: "0 * * * *",
  standbyRefreshSchedule: "0 4 * * *",
  // Test Restoration, "Monthly: Verify backup integrity", after the 1st's 02:00 dump; database
  // RTO 1 hour (Disaster Recovery Plan, Tier 1).
  restoreCheck: { enabled: true, schedule: "0 4 1 * *", rtoMinutes: 60 },
};

/** Tiers document, Storage Strategy: versions 30 days, archive after a year. */
const buckets = [
  { name: "media", purpose: "media" as const, noncurrentVersionDays: 30, archiveAfterDays: 365 },
  { name: "backup", purpose: "backup" as const, noncurrentVersionDays: 30, archiveAfterDays: 0 },
];

type Resources = Preset["app"]["resources"];
const res = (reqCpu: string, reqMem: string, limCpu: string, limMem: string): Resources => ({
  requests: { cpu: reqCpu, memory: reqMem },
  limits: { cpu: limCpu, memory: limMem },
});

/**
 * Self-hosted §1.1's monitoring node has 4 cores and 8 GB: the production requests (about 1.5 CPU,
 * 4 GB with the fixed components) leave room for the log store beside them.
 */
const monitoringResources = {
  prometheus: res("1", "3Gi", "2", "6Gi"),
  grafana: res("100m", "256Mi", "1", "1Gi"),
  kubeStateMetrics: res("50m", "128Mi", "500m", "512Mi"),
};
/** Loki pods in production: more than the few tens of GB a day of the smaller tiers. */
const lokiResources = res("500m", "1Gi", "2", "4Gi");

/**
 * Usage every tier assumes until the stack states its own (`cost.usage`): a modest product's month.
 * 500 GB transfer matches the CDN's assumed transfer (plan/pricers/aws.ts DEFAULT_CDN_TRANSFER_GB).
 */
export const COST_USAGE = {
  transferGb: 500,
  cdnRequestsMillions: 10,
  objectStorageGrowthGb: 50,
  logIngestGb: 5,
};

const base: Preset = {
  adminCidrs: [],
  sshPublicKey: "",
  kubernetes: {
    version: "1.33",
    context: "",
    namespace: "platform",
    controlPlaneServers: 3,
    highAvailability: true,
    access: [],
  },
  network: { cidr: "10.0.0.0/16", zones: 3, natPerZone: true },
  tls: { acmeEmail: "", issuer: "production" },
  gateway: { proxyResources: res("500m", "512Mi", "2", "1Gi"), loadBalancerSizeUnits: 2 },
  nodePools: {},
  database: {
    mode: "self-hosted",
    version: "16",
    profile: "medium-db",
    memoryGb: 0,
    vcpu: 0,
    storageGb: 100,
    replicas: 1,
    multiAz: true,
    standbys: 1,
    maxConnections: 200,
    pooler: { enabled: false, maxClientConnections: 2000, defaultPoolSize: 25 },
    backupRetentionDays: 30,
    // Self-hosted deployment §3.1: RETENTION_DAYS=30, the floor of every production database.
    backupRetentionFloorDays: 30,
    // Tiers document, Backup Strategy, "Primary: Same cloud provider (different region)".
    crossRegionBackupCopy: true,
  },
  cache: { mode: "self-hosted", memoryMb: 2048, replicas: 2, sentinel: true, shards: 1 },
  objectStorage: { mode: "self-hosted", servers: 4, storageGb: 500, buckets },
  cdn: { enabled: true, mediaHost: "media" },
  edge: {
    // Filled in by config/load.ts from the provider and the CDN (config/edge.ts defaultEdgeProvider).
    provider: "none",
    plan: "free",
    zoneId: "",
    accountId: "",
    // Tiers document, Security Infrastructure: TLS 1.2+ (TLS 1.3 preferred, always on at the edge).
    minTlsVersion: "1.2",
    waf: true,
    proxied: true,
    originLock: true,
    loadBalancing: false,
    route53ZoneId: "",
  },
  monitoring: {
    retentionDays: 15,
    storageGb: 50,
    // Two Alertmanagers gossip so a lost node does not lose a page.
    alertmanagerReplicas: 2,
    resources: monitoringResources,
    receivers: { paging: null, chat: null, email: null },
  },
  logging: {
    backend: "loki",
    retentionDays: 30,
    storageGb: 50,
    // Three of each target on object storage; a quorum of three Elasticsearch nodes.
    loki: { mode: "SimpleScalable", resources: lokiResources },
    elasticsearch: { nodes: 3 },
  },
  backups,
  cost: { usage: COST_USAGE },
  multiRegion: {},
  // Tiers document, Secrets Management "Rotation": database passwords 90 days, API keys 180 days.
  secrets: { rotation: { databaseDays: 90, apiKeyDays: 180 } },
  policies: { enforcement: "mandatory", overrides: {} },
  app: appDefaults,
};

/**
 * What the tiers without high availability (local, staging, small) share: one zone, one of each
 * data service (no replicas, no failover), no CDN, a week of metrics and logs, and monitoring and
 * logging sized for one node shared with everything else.
 */
const withoutHa = {
  network: { ...base.network, zones: 1 },
  database: { ...base.database, replicas: 0, multiAz: false },
  cache: { mode: "self-hosted", memoryMb: 256, replicas: 0, sentinel: false, shards: 1 },
  cdn: { enabled: false, mediaHost: "media" },
  monitoring: {
    ...base.monitoring,
    retentionDays: 7,
    storageGb: 10,
    alertmanagerReplicas: 1,
    resources: {
      prometheus: res("200m", "512Mi", "1", "2Gi"),
      grafana: res("50m", "128Mi", "500m", "512Mi"),
      kubeStateMetrics: res("20m", "64Mi", "200m", "256Mi"),
    },
  },
  logging: {
    backend: "loki",
    retentionDays: 7,
    storageGb: 10,
    // A single binary on a filesystem volume (or the bucket, where one exists); one ES node.
    loki: { mode: "SingleBinary", resources: res("100m", "256Mi", "1", "1Gi") },
    elasticsearch: { nodes: 1 },
  },
} satisfies Partial<Preset>;

/**
 * What production means beyond its sizes, off for local and staging: redundant controllers and
 * gateway load balancer, three control-plane servers, a NAT gateway per zone, a standby database,
 * its backups kept at least 30 days and copied to another region.
 */
function offProduction(p: Preset): Preset {
  return {
    ...p,
    kubernetes: { ...p.kubernetes, controlPlaneServers: 1, highAvailability: false },
    network: { ...p.network, natPerZone: false },
    gateway: { ...p.gateway, loadBalancerSizeUnits: 1 },
    database: {
      ...p.database,
      standbys: 0,
      backupRetentionFloorDays: 1,
      crossRegionBackupCopy: false,
    },
  };
}

/** A laptop cluster or the small tier's single server cannot spare half a core a proxy. */
const smallProxy = res("100m", "128Mi", "1", "512Mi");

type Quantities = Resources["requests"];

/**
 * App defaults for tiers whose nodes cannot hold the documented reservation: `replicas` pods (also
 * the autoscaler's floor) of a smaller request and limit, scaling up to `maxReplicas` at 70 % CPU.
 */
function smallerApp(
  replicas: number,
  requests: Quantities,
  limits: Quantities,
  maxReplicas: number,
): Preset["app"] {
  return {
    ...appDefaults,
    replicas,
    resources: { requests, limits },
    autoscaling: { ...productionHpa, minReplicas: replicas, maxReplicas },
  };
}

/**
 * What each tier means, in the documents' numbers. A stack file may override any key; the numbers
 * here are the defaults a reviewer can check line by line against infrastructure-recommendations.md.
 */
export const PRESETS: Record<Tier, Preset> = {
  // A laptop cluster (kind, minikube, k3d): everything fits 4 CPU / 8 GB, one of each.
  // Its certificate comes from Let's Encrypt's staging CA (components/gateway/index.ts ACME_SERVERS).
  local: offProduction({
    ...base,
    ...withoutHa,
    tls: { ...base.tls, issuer: "staging" },
    gateway: { ...base.gateway, proxyResources: smallProxy },
    database: {
      ...withoutHa.database,
      profile: "small-db",
      memoryGb: 1,
      vcpu: 0.5,
      storageGb: 5,
      maxConnections: 100,
    },
    objectStorage: { mode: "self-hosted", servers: 1, storageGb: 10, buckets },
    policies: { enforcement: "mandatory", overrides: {} },
    app: smallerApp(1, { cpu: "100m", memory: "128Mi" }, { cpu: "500m", memory: "512Mi" }, 3),
  }),
  // Tiers document, Staging, Kubernetes setup: 2-3 nodes of 2 vCPU / 4 GB, autoscaling disabled,
  // daily database snapshots kept 7 days, weekly file storage backups.
  staging: offProduction({
    ...base,
    ...withoutHa,
    network: { ...withoutHa.network, cidr: "10.10.0.0/16" },
    nodePools: { app: { profile: "k8s-staging-node", min: 3, max: 3, desired: 3 } },
    database: {
      ...withoutHa.database,
      profile: "k8s-staging-node",
      memoryGb: 1,
      vcpu: 1,
      storageGb: 20,
      maxConnections: 100,
      backupRetentionDays: 7,
    },
    objectStorage: { mode: "managed", servers: 1, storageGb: 50, buckets },
    backups: {
      ...backups,
      daily: 7,
      weekly: 0,
      monthly: 0,
      databaseRetentionDays: 7,
      fileSyncSchedule: "0 3 * * 0",
    },
    // Three 2 vCPU / 4 GB nodes cannot hold the production container reservation (1 CPU / 2 GB) for
    // every app and the platform, so staging reserves a quarter of it.
    app: smallerApp(2, { cpu: "250m", memory: "512Mi" }, { cpu: "1", memory: "1Gi" }, 4),
  }),
  // Tiers document, Small Production, option 2: one Hetzner server (CX31 class, 2 vCPU / 8 GB).
  small: {
    ...base,
    ...withoutHa,
    gateway: { ...base.gateway, proxyResources: smallProxy },
    nodePools: { app: { profile: "small-vps", min: 1, max: 1, desired: 1 } },
    database: {
      ...withoutHa.database,
      profile: "small-db",
      memoryGb: 2,
      // One server holds every service: half a core reserved per instance is what it can spare.
      vcpu: 1,
      storageGb: 40,
    },
    cache: { ...withoutHa.cache, memoryMb: 512 },
    objectStorage: { mode: "self-hosted", servers: 1, storageGb: 20, buckets },
    monitoring: { ...withoutHa.monitoring, retentionDays: base.monitoring.retentionDays },
    // One 2 vCPU server runs everything; three replicas of the documented reservation would not fit.
    app: smallerApp(3, { cpu: "100m", memory: "256Mi" }, { cpu: "1", memory: "1Gi" }, 6),
  },
  // Tiers document, Medium Production: apps 3-5 nodes of 4 vCPU / 16 GB (autoscaling 3..10),
  // one dedicated 8 vCPU / 32 GB database node; Redis Cluster of 3 nodes.
  medium: {
    ...base,
    nodePools: {
      app: { profile: "medium-app", min: 3, max: 10, desired: 3 },
      db: { profile: "medium-db", min: 1, max: 1, desired: 1 },
    },
    database: { ...base.database, profile: "medium-db", storageGb: 200, replicas: 1 },
  },
  // Tiers document, Large Production (primary region): 10-20 app nodes of 8 vCPU / 32 GB, 3 database
  // nodes of 16 vCPU / 64 GB, read replicas 3-5, PgBouncer 2,000-5,000 connections, max_connections 500-1,000.
  large: {
    ...base,
    nodePools: {
      app: { profile: "large-app", min: 10, max: 20, desired: 10 },
      db: { profile: "large-db", min: 3, max: 3, desired: 3 },
    },
    database: {
      ...base.database,
      profile: "large-managed-db",
      storageGb: 1000,
      replicas: 3,
      maxConnections: 500,
      pooler: { enabled: true, maxClientConnections: 2000, defaultPoolSize: 50 },
    },
    cache: { mode: "self-hosted", memoryMb: 8192, replicas: 2, sentinel: true, shards: 1 },
    objectStorage: { ...base.objectStorage, storageGb: 2000 },
    monitoring: { ...base.monitoring, retentionDays: 30, storageGb: 200 },
    logging: { ...base.logging, retentionDays: 30, storageGb: 200 },
  },
  // Tiers document, Enterprise: 30-50 nodes per region, managed PostgreSQL with HA, Redis of 10+ nodes.
  enterprise: {
    ...base,
    nodePools: {
      app: { profile: "large-app", min: 30, max: 50, desired: 30 },
      db: { profile: "large-db", min: 3, max: 3, desired: 3 },
    },
    database: {
      ...base.database,
      profile: "large-managed-db",
      storageGb: 2000,
      replicas: 5,
      maxConnections: 1000,
      pooler: { enabled: true, maxClientConnections: 5000, defaultPoolSize: 100 },
    },
    // "Redis Cluster (10+ nodes)": five shards of a primary and a replica, 10 nodes of 8 GB
    // maxmemory (Redis Configuration: 2-8GB); cluster mode fails over by itself, without Sentinel.
    cache: { mode: "self-hosted", memoryMb: 8192, replicas: 1, sentinel: false, shards: 5 },
    objectStorage: { ...base.objectStorage, servers: 8, storageGb: 8000 },
    monitoring: { ...base.monitoring, retentionDays: 30, storageGb: 500 },
    logging: { ...base.logging, backend: "elasticsearch", retentionDays: 30, storageGb: 500 },
  },
};
