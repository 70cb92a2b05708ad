import { z } from "zod";
import { PROVIDERS } from "../catalog/types";
import { PROFILE_NAMES } from "../catalog/profiles";

/** Tier presets. `local` is a laptop cluster; `staging` is the documents' staging environment. */
export const TIERS = ["local", "staging", "small", "medium", "large", "enterprise"] as const;
export type Tier = (typeof TIERS)[number];

/** Node pool roles, after the documents' tiers: DMZ (gateway), app, data, storage, management. */
export const ROLES = ["gateway", "app", "db", "storage", "monitoring"] as const;
export type Role = (typeof ROLES)[number];

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const name = z
  .string()
  .regex(
    /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/,
    "must be a lowercase DNS label (a-z, 0-9, -), up to 40 characters",
  );
const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "must be a DNS name such as example.com",
  );
const cpu = z.string().regex(/^(\d+m|\d+(\.\d+)?)$/, "must be a CPU quantity such as 500m or 2");
const memory = z.string().regex(/^\d+(Mi|Gi)$/, "must be a memory quantity such as 512Mi or 4Gi");
const cron = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, "must be a five-field cron expression such as 0 2 * * *");

/** An image pinned by a version tag or a digest: the documents' deployments must be repeatable. */
export function isPinnedImage(image: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const lastSegment = image.split("/").pop() ?? "";
  const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
  return !!tag && tag !== "latest" && /^[\w][\w.-]{0,127}$/.test(tag);
}
const image = z
  .string()
  .refine(
    isPinnedImage,
    "must be pinned by a version tag or an @sha256 digest (no 'latest', no missing tag)",
  );

/** True when a CIDR admits every address: such a source is "anywhere", never an admin network. */
export function isAnywhere(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}
const adminCidr = z
  .union([z.cidrv4(), z.cidrv6()], { error: "must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24" })
  .refine(
    (c) => !isAnywhere(c),
    "admits the whole internet; list the admin networks (VPN, office) instead",
  );

const resources = z.strictObject({
  requests: z.strictObject({ cpu, memory }),
  limits: z.strictObject({ cpu, memory }),
});

const autoscaling = z.strictObject({
  /** Infrastructure recommendations, Scaling Strategy: min 3, max 50, CPU 70 %. */
  minReplicas: int(1, 50),
  maxReplicas: int(1, 50),
  cpuPercent: int(10, 95),
});

const release = z.discriminatedUnion("strategy", [
  z.strictObject({ strategy: z.literal("rolling") }),
  z.strictObject({
    strategy: z.literal("blue-green"),
    /** The colour that receives all traffic; the other keeps running until removed. */
    activeColor: z.enum(["blue", "green"]),
    images: z.strictObject({ blue: image.optional(), green: image.optional() }),
  }),
  z.strictObject({
    strategy: z.literal("canary"),
    image,
    /** Percent of requests sent to the canary (documents: 5 → 25 → 100). */
    weight: int(0, 100),
  }),
]);

export const AppSchema = z.strictObject({
  name,
  image,
  port: int(1, 65535),
  /** Replicas when no autoscaler runs; the autoscaler's floor otherwise. */
  replicas: int(1, 50),
  resources,
  autoscaling: autoscaling.nullable(),
  env: z.record(
    z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name"),
    z.string(),
  ),
  healthPath: z.string().startsWith("/", "must start with /"),
  /** Public apps get an HTTPRoute on the gateway; internal ones only a Service. */
  public: z.boolean(),
  /** Host name under the stack's domain; the apex when empty. */
  host: z.string().regex(/^[a-z0-9-]*$/, "must be a host label such as api, or empty for the apex"),
  pathPrefix: z.string().startsWith("/", "must start with /"),
  /** Let the gateway mark dynamic responses `public, max-age=60, stale-while-revalidate=300`. */
  cacheDynamic: z.boolean(),
  release,
});
export type AppConfig = z.infer<typeof AppSchema>;

const nodePool = z.strictObject({
  profile: z.enum(PROFILE_NAMES),
  min: int(0, 100),
  max: int(1, 100),
  desired: int(0, 100),
});
export type NodePoolConfig = z.infer<typeof nodePool>;

const bucket = z.strictObject({
  name,
  purpose: z.enum(["media", "backup", "logs"]),
  /** Tiers document, File Storage Backups: previous versions kept 30 days. */
  noncurrentVersionDays: int(1),
  /** Tiers document, Retention Policies: archive after a year. 0 keeps objects in the hot class. */
  archiveAfterDays: int(0),
});

const managedMode = z.enum(["managed", "self-hosted", "none"]);

export const StackConfigSchema = z
  .strictObject({
    provider: z.enum(PROVIDERS),
    tier: z.enum(TIERS),
    region: z.string().min(1),
    domain: hostname,
    /** The only sources allowed to reach SSH and admin endpoints. */
    adminCidrs: z.array(adminCidr),
    /** OpenSSH public key installed for the admins on servers we run (Hetzner); none when empty. */
    sshPublicKey: z.union([
      z.literal(""),
      z
        .string()
        .regex(
          /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( .*)?$/,
          "must be an OpenSSH public key line",
        ),
    ]),
    kubernetes: z.strictObject({
      version: z.string().regex(/^1\.\d{2}$/, "must be a Kubernetes minor version such as 1.33"),
      /** `existing` only: the kubeconfig context to use; the default context when empty. */
      context: z.string(),
      namespace: name,
    }),
    network: z.strictObject({ cidr: z.cidrv4(), zones: int(1, 6) }),
    /** Let's Encrypt account e-mail; `hostmaster@<domain>` (RFC 2142) when empty. */
    tls: z.strictObject({ acmeEmail: z.union([z.literal(""), z.email()]) }),
    nodePools: z.partialRecord(z.enum(ROLES), nodePool),
    database: z.strictObject({
      mode: managedMode,
      version: z.enum(["15", "16", "17"]),
      profile: z.enum(PROFILE_NAMES),
      /** Memory the database server may use; tuning is computed from it. 0: the profile's. */
      memoryGb: z.number().min(0),
      /** CPU cores the database server may use. 0: the profile's. */
      vcpu: z.number().min(0),
      storageGb: int(1),
      replicas: int(0, 5),
      multiAz: z.boolean(),
      maxConnections: int(20, 5000),
      pooler: z.strictObject({
        enabled: z.boolean(),
        maxClientConnections: int(10, 10000),
        defaultPoolSize: int(1, 1000),
      }),
      backupRetentionDays: int(1, 35),
    }),
    cache: z.strictObject({
      mode: managedMode,
      memoryMb: int(64),
      replicas: int(0, 10),
      sentinel: z.boolean(),
    }),
    objectStorage: z.strictObject({
      mode: z.enum(["managed", "self-hosted"]),
      servers: z.union([z.literal(1), z.literal(4), z.literal(8), z.literal(16)]),
      storageGb: int(1),
      buckets: z.array(bucket).min(1),
    }),
    cdn: z.strictObject({ enabled: z.boolean(), mediaHost: z.string() }),
    monitoring: z.strictObject({
      retentionDays: int(1, 400),
      storageGb: int(1),
      receivers: z.strictObject({
        paging: z.strictObject({ type: z.enum(["pagerduty", "webhook"]) }).nullable(),
        chat: z.strictObject({ channel: z.string() }).nullable(),
        email: z
          .strictObject({ to: z.array(z.email()).min(1), from: z.email(), smarthost: z.string() })
          .nullable(),
      }),
    }),
    logging: z.strictObject({
      backend: z.enum(["loki", "elasticsearch"]),
      retentionDays: int(1, 400),
      storageGb: int(1),
    }),
    backups: z.strictObject({
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
       * Self-hosted §3.1 "upload to remote storage": an S3-compatible bucket off the site the backup
       * bucket is mirrored to (keys: secret config offsiteAccessKeyId, offsiteSecretAccessKey).
       */
      offsite: z
        .strictObject({
          endpoint: z.url({
            protocol: /^https$/,
            error: "must be an https:// URL such as https://hel1.your-objectstorage.com",
          }),
          region: z.string().min(1),
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
    }),
    apps: z.array(AppSchema),
    policies: z.strictObject({
      enforcement: z.enum(["mandatory", "advisory"]),
      overrides: z.record(z.string(), z.enum(["mandatory", "advisory", "disabled"])),
    }),
  })
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    if (c.provider === "existing" && Object.keys(c.nodePools).length > 0)
      issue(["nodePools"], "must be empty for provider existing (the cluster is not ours to size)");
    for (const key of ["database", "cache"] as const) {
      if (c[key].mode === "managed" && (c.provider === "existing" || c.provider === "hetzner"))
        issue([key, "mode"], `managed is not offered on ${c.provider}; use self-hosted or none`);
    }
    if (
      c.objectStorage.mode === "managed" &&
      (c.provider === "existing" || c.provider === "hetzner")
    )
      issue(["objectStorage", "mode"], `managed is not offered on ${c.provider}; use self-hosted`);
    for (const [role, pool] of Object.entries(c.nodePools)) {
      if (pool.min > pool.max)
        issue(["nodePools", role, "min"], `must not exceed max (${pool.max})`);
      if (pool.desired < pool.min || pool.desired > pool.max)
        issue(
          ["nodePools", role, "desired"],
          `must lie within min..max (${pool.min}..${pool.max})`,
        );
    }
    if (environmentOf(c.tier) === "production") {
      // Policy pack: enforcement is mandatory for production stacks; only other stacks may relax it.
      if (c.policies.enforcement !== "mandatory")
        issue(
          ["policies", "enforcement"],
          `must be "mandatory" for the ${c.tier} tier (production)`,
        );
      for (const [policy, level] of Object.entries(c.policies.overrides))
        if (level !== "mandatory")
          issue(
            ["policies", "overrides", policy],
            `cannot be lowered to ${level} for the ${c.tier} tier (production)`,
          );
    }
    const offsite = c.backups.offsite;
    if (!offsite && c.provider === "hetzner" && environmentOf(c.tier) === "production")
      issue(
        ["backups", "offsite"],
        "is required for a hetzner production tier: every other copy lives on the cluster's own servers (docs/hetzner.md)",
      );
    if (offsite && c.provider === "aws" && c.objectStorage.mode === "managed")
      issue(
        ["backups", "offsite"],
        "is not used with S3 on aws: AWS Backup copies to a second region (large tier)",
      );
    if (offsite && c.database.mode === "none")
      issue(["backups", "offsite"], "needs a database to back up (database.mode is none)");
    const seen = new Set<string>();
    c.apps.forEach((app, i) => {
      if (seen.has(app.name))
        issue(["apps", i, "name"], `duplicates another app named ${app.name}`);
      seen.add(app.name);
      const a = app.autoscaling;
      if (a && a.minReplicas > a.maxReplicas)
        issue(
          ["apps", i, "autoscaling", "minReplicas"],
          `must not exceed maxReplicas (${a.maxReplicas})`,
        );
      if (app.release.strategy === "blue-green" && !app.release.images[app.release.activeColor])
        issue(
          ["apps", i, "release", "images", app.release.activeColor],
          "must name the image of the active colour",
        );
    });
  });

export type StackConfig = z.infer<typeof StackConfigSchema>;
export type Environment = "production" | "staging" | "development";

/** Production rules (mandatory policies, HPA floor 3, multi-AZ) apply to every tier but staging and local. */
export function environmentOf(tier: Tier): Environment {
  return tier === "local" ? "development" : tier === "staging" ? "staging" : "production";
}
