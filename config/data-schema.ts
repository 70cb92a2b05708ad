import { z } from "zod";
import { PROFILE_NAMES } from "../catalog/profiles";
import { cron, int } from "./fields";

// The data services sections of the stack config: database, cache, object storage, backups.

export const managedMode = z.enum(["managed", "self-hosted", "none"]);

export const bucket = z.strictObject({
  /** Also the MinIO bucket's name: S3 names are 3-63 characters (here 3-40, the label limit). */
  name: z
    .string()
    .regex(
      /^[a-z0-9][-a-z0-9]{1,38}[a-z0-9]$/,
      "must be a bucket name: 3-40 of a-z, 0-9 and -, starting and ending with a letter or digit",
    ),
  purpose: z.enum(["media", "backup", "logs"]),
  /** Tiers document, File Storage Backups: previous versions kept 30 days. */
  noncurrentVersionDays: int(1),
  /** Tiers document, Retention Policies: archive after a year. 0 keeps objects in the hot class. */
  archiveAfterDays: int(0),
});

export const database = z.strictObject({
  mode: managedMode,
  version: z.enum(["15", "16", "17"]),
  profile: z.enum(PROFILE_NAMES),
  /**
   * Memory the database server may use; tuning is computed from it. 0: the profile's. The
   * tuning rule (components/database/tuning.ts) starts at 0.5 GB.
   */
  memoryGb: z
    .number()
    .min(0)
    .max(4096)
    .refine((gb) => gb === 0 || gb >= 0.5, "must be 0 (the profile's) or at least 0.5"),
  /** CPU cores the database server may use. 0: the profile's. */
  vcpu: z
    .number()
    .min(0)
    .max(512)
    .refine((n) => n === 0 || n >= 0.1, "must be 0 (the profile's) or at least 0.1"),
  storageGb: int(1),
  replicas: int(0, 5),
  /**
   * Hardware profile of each read replica, where it differs from the primary's (managed, aws):
   * replicas serve reads and replay the primary's WAL, and RDS lets them have a class of their
   * own. @default the primary's profile
   */
  replicaProfile: z.enum(PROFILE_NAMES).optional(),
  multiAz: z.boolean(),
  /** HA standby nodes of a managed Postgres that has them (DigitalOcean); multiAz asks for one. */
  standbys: int(0, 2),
  maxConnections: int(20, 5000),
  pooler: z.strictObject({
    enabled: z.boolean(),
    maxClientConnections: int(10, 10000),
    defaultPoolSize: int(1, 1000),
  }),
  backupRetentionDays: int(1, 35),
  /** The least a managed database keeps its automated backups (aws), whatever the days above say. */
  backupRetentionFloorDays: int(1, 35),
  /** Copy a managed database's recovery points to the region's pair, where it has one (aws). */
  crossRegionBackupCopy: z.boolean(),
});

/**
 * Redis Cluster shards: 1 is one primary (with `replicas`, and Sentinel where asked); 3 or more
 * run cluster mode, each shard a primary with `replicas` replicas. Two are refused: a cluster fails
 * a primary over only when a majority of primaries agree, so it needs at least three (Redis Cluster
 * tutorial, "a minimal cluster ... at least three master nodes"; Redis Cluster specification,
 * "Failure detection"). ElastiCache takes at most 500 nodes in one cluster-mode group (ElastiCache
 * User Guide, "Working with shards": 500 per cluster with Valkey 7.2+, 90 until a quota increase).
 */
export const CACHE_MAX_SHARDS = 500;
export const cacheShards = int(1, CACHE_MAX_SHARDS).refine(
  (n) => n !== 2,
  "must be 1 (no cluster) or at least 3: a Redis Cluster needs a majority of three or more primaries to fail over",
);

/** Nodes of a cache: every shard's primary and its replicas. */
export function cacheNodeCount(cache: { shards: number; replicas: number }): number {
  return cache.shards * (1 + cache.replicas);
}

export const cache = z.strictObject({
  mode: managedMode,
  /** maxmemory of every node (in cluster mode each shard holds its part of the keys). */
  memoryMb: int(64),
  /** Replicas of the primary, or of each shard's primary in cluster mode. */
  replicas: int(0, 10),
  sentinel: z.boolean(),
  shards: cacheShards,
});

/**
 * Who runs a managed object store: the cloud's own (S3, Spaces), or Cloudflare R2 on the edge's
 * account where the cloud has none (catalog/capabilities.ts, README "Object storage").
 */
export const OBJECT_STORE_PROVIDERS = ["cloud", "r2"] as const;

export const objectStorage = z.strictObject({
  mode: z.enum(["managed", "self-hosted"]),
  /** With mode managed: the cloud's own store, or R2 (Cloudflare edge with an accountId). @default "cloud" */
  provider: z.enum(OBJECT_STORE_PROVIDERS).optional(),
  servers: z.union([z.literal(1), z.literal(4), z.literal(8), z.literal(16)]),
  storageGb: int(1),
  buckets: z.array(bucket).min(1),
});

export const backups = z.strictObject({
  /** Tiers document: full backup daily at 2 AM UTC. */
  schedule: cron,
  daily: int(1),
  weekly: int(0),
  monthly: int(0),
  /** Self-hosted §3.1: RETENTION_DAYS=30 for database dumps. */
  databaseRetentionDays: int(1),
  /** Self-hosted §3.2: file storage RPO 1 hour (hourly sync). */
  fileSyncSchedule: cron,
  /**
   * On a failover standby (a secondary on another cloud): when the primary's newest dump, copied
   * here off site, is restored into this stack's database; after the primary's 02:00 dump and its
   * hourly copy. Ignored elsewhere. @default "0 4 * * *"
   */
  standbyRefreshSchedule: cron,
  /**
   * Self-hosted §3.1 "upload to remote storage": an S3-compatible bucket off the site the backup
   * bucket is mirrored to (keys: secret config offsiteAccessKeyId, offsiteSecretAccessKey).
   */
  offsite: z
    .strictObject({
      endpoint: z.url({
        protocol: /^https$/,
        error: "must be an https:// URL such as https://hel1.your-objectstorage.com",
      }),
      region: z.string().regex(/^[a-z0-9][-a-z0-9]{0,62}$/, "must be a region name such as hel1"),
      bucket: z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
          "must be an S3 bucket name (3-63 of a-z, 0-9, '.', '-')",
        ),
      /** After the hourly media mirror, so each run carries it. */
      schedule: cron.default("30 * * * *"),
    })
    .optional(),
  /**
   * Tiers document, Test Restoration ("Monthly: Verify backup integrity"): a job that restores the
   * newest dump (and, for the self-hosted database, the base backup with WAL) into a scratch
   * Postgres, checks it and fails when the restore took longer than `rtoMinutes`.
   */
  restoreCheck: z.strictObject({
    enabled: z.boolean(),
    /** Five-field cron in UTC. @default "0 4 1 * *" (the 1st, after the 02:00 dump) */
    schedule: cron,
    /** Database RTO: tiers document Tier 1, 1 hour; self-hosted §3.2, 30 minutes. @default 60 */
    rtoMinutes: int(1, 1440),
  }),
});

/**
 * Days generated secrets live before an update replaces them (tiers document, Secrets Management
 * "Rotation": database passwords every 90 days, API keys every 180 days). At most a year.
 */
export const secrets = z.strictObject({
  rotation: z.strictObject({
    databaseDays: int(1, 366),
    apiKeyDays: int(1, 366),
  }),
});
