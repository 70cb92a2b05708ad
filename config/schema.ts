import { z } from "zod";
import { PROVIDERS } from "../catalog/types";
import { PROFILE_NAMES } from "../catalog/profiles";
import { hasHostBits, networkOf, parseBlock } from "./cidr";
import { cronProblem } from "./cron";
import { isPinnedImage, parseImage } from "./image";

export { isPinnedImage } from "./image";

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
/** One DNS label (RFC 1035: 1-63 characters), the host part of `<label>.<domain>`. */
const hostLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "must be a host label such as media");
const cpu = z
  .string()
  .regex(/^(\d+m|\d+(\.\d+)?)$/, "must be a CPU quantity such as 500m or 2")
  .refine((q) => cpuCores(q) > 0, "must be more than 0 CPU");
const memory = z
  .string()
  .regex(/^[1-9]\d{0,6}(Mi|Gi)$/, "must be a memory quantity such as 512Mi or 4Gi");
const cron = z.string().superRefine((schedule, ctx) => {
  const problem = cronProblem(schedule);
  if (problem)
    ctx.addIssue({
      code: "custom",
      message: `must be a five-field cron expression Kubernetes accepts, such as 0 2 * * * (${problem})`,
    });
});

/** CPU cores of a Kubernetes quantity ("500m" → 0.5); the schema admits only these two forms. */
export function cpuCores(quantity: string): number {
  return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/** MiB of a Kubernetes memory quantity in Mi or Gi, the forms the schema admits. */
export function memoryMi(quantity: string): number {
  return quantity.endsWith("Gi")
    ? Number(quantity.slice(0, -2)) * 1024
    : Number(quantity.slice(0, -2));
}

const image = z
  .string()
  .refine(
    (i) => parseImage(i) !== undefined,
    "must be an image reference such as registry.example.com/team/app:1.2.3",
  )
  .refine(
    (i) => parseImage(i) === undefined || isPinnedImage(i),
    "must be pinned by a version tag or an @sha256 digest (no 'latest', no missing tag)",
  );

/**
 * The widest admin network: an IPv4 /8 (the largest block IANA allocates, and the largest
 * RFC 1918 range) or an IPv6 /32 (the smallest allocation a registry makes to an operator,
 * RIPE-738 §5.1.2). Anything wider is a share of the internet, not an admin network.
 */
export const ADMIN_PREFIX_MIN = { 4: 8, 6: 32 } as const;

/** True when a CIDR admits every address: such a source is "anywhere", never an admin network. */
export function isAnywhere(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}
const adminCidr = z
  .union([z.cidrv4(), z.cidrv6()], { error: "must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24" })
  .superRefine((c, ctx) => {
    const block = parseBlock(c);
    if (!block) return;
    const widest = ADMIN_PREFIX_MIN[block.family];
    if (isAnywhere(c) || block.prefix < widest)
      ctx.addIssue({
        code: "custom",
        message: `admits ${isAnywhere(c) ? "the whole internet" : "a share of the internet"}; list the admin networks (VPN, office), each a /${widest} or narrower`,
      });
    else if (hasHostBits(block))
      ctx.addIssue({
        code: "custom",
        message: `has host bits set; write the network address${block.family === 4 ? ` (${networkOf(block)})` : ""}`,
      });
  });
const networkCidr = z
  .cidrv4({ error: "must be an IPv4 CIDR such as 10.0.0.0/16" })
  .superRefine((c, ctx) => {
    const block = parseBlock(c);
    if (block && hasHostBits(block))
      ctx.addIssue({
        code: "custom",
        message: `has host bits set; write the network address (${networkOf(block)})`,
      });
  });

/**
 * Gateway API HTTPPathMatch (standard CRD, `path.value`): at most 1024 characters of the RFC 3986
 * path alphabet, starting with "/", without "//" or "/./" or "/../" segments.
 */
const pathPrefix = z
  .string()
  .max(1024)
  .regex(
    /^\/(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})*$/,
    "must be a URL path such as /api (RFC 3986 characters, starting with /)",
  )
  .refine(
    (p) => !/\/\/|\/\.\.?(\/|$)/.test(p),
    "must not contain //, /./ or /../ (Gateway API refuses them)",
  );

const resources = z
  .strictObject({
    requests: z.strictObject({ cpu, memory }),
    limits: z.strictObject({ cpu, memory }),
  })
  .superRefine((r, ctx) => {
    // Kubernetes refuses a container whose request exceeds its limit (core/v1 validation).
    if (cpuCores(r.requests.cpu) > cpuCores(r.limits.cpu))
      ctx.addIssue({
        code: "custom",
        path: ["requests", "cpu"],
        message: `must not exceed limits.cpu (${r.limits.cpu})`,
      });
    if (memoryMi(r.requests.memory) > memoryMi(r.limits.memory))
      ctx.addIssue({
        code: "custom",
        path: ["requests", "memory"],
        message: `must not exceed limits.memory (${r.limits.memory})`,
      });
  });

const autoscaling = z.strictObject({
  /** Infrastructure recommendations, Scaling Strategy: min 3, max 50, CPU 70 %. */
  minReplicas: int(1, 50),
  maxReplicas: int(1, 50),
  cpuPercent: int(10, 95),
});

/**
 * What a progressive release watches (components/delivery): the new version's health path and
 * these paths answer before any traffic moves, and its share of 5xx responses stays at or below
 * `maxErrorPercent` (tiers document, Alerting Strategy: 5xx error rate > 5 % is critical).
 */
const progressive = {
  /** Paths the smoke test GETs on the new version besides the health path. @example ["/"] */
  smokePaths: z.array(pathPrefix).max(10).default([]),
  /** 5xx share of the new version, in percent, above which the release rolls back. @default 5 */
  maxErrorPercent: z.number().min(0.1).max(50).default(5),
};

/**
 * How a new image reaches users (tiers document, Deployment Strategy). The progressive-delivery
 * controller moves the traffic; the stack file only names the strategy and the new `image`.
 */
const release = z.discriminatedUnion("strategy", [
  z.strictObject({ strategy: z.literal("rolling") }),
  z.strictObject({
    strategy: z.literal("blue-green"),
    ...progressive,
    /** Minutes each traffic step (10 %, 50 %, 100 %) is watched; the document gives none. */
    stepMinutes: int(1, 1440).default(10),
  }),
  z.strictObject({ strategy: z.literal("canary"), ...progressive }),
]);

/** A ConfigMap or Secret holds at most 1 MiB of data (Kubernetes documentation, ConfigMaps). */
export const ENV_MAX_BYTES = 1024 * 1024;

export const AppSchema = z
  .strictObject({
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
    healthPath: z
      .string()
      .max(1024)
      .regex(/^\/\S*$/, "must be a URL path such as /health (starting with /, no spaces)"),
    /** Public apps get an HTTPRoute on the gateway; internal ones only a Service. */
    public: z.boolean(),
    /** Host name under the stack's domain; the apex when empty. */
    host: z.union([z.literal(""), hostLabel], {
      error: "must be a host label such as api, or empty for the apex",
    }),
    pathPrefix,
    /** Let the gateway mark dynamic responses `public, max-age=60, stale-while-revalidate=300`. */
    cacheDynamic: z.boolean(),
    release,
  })
  .superRefine((app, ctx) => {
    const bytes = Object.entries(app.env).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v),
      0,
    );
    if (bytes > ENV_MAX_BYTES)
      ctx.addIssue({
        code: "custom",
        path: ["env"],
        message: `must hold at most 1 MiB in all, what a ConfigMap or Secret holds (got ${bytes} bytes)`,
      });
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

const managedMode = z.enum(["managed", "self-hosted", "none"]);

/** What answers the stack's hosts in front of the gateway (README, "The edge"). */
export const EDGE_PROVIDERS = ["cloudflare", "cloudfront", "none"] as const;
export type EdgeProvider = (typeof EDGE_PROVIDERS)[number];
/** Cloudflare's self-serve plans: what the zone's WAF can run and what it costs (catalog/cloudflare.ts). */
export const CLOUDFLARE_PLANS = ["free", "pro", "business"] as const;
export type CloudflarePlan = (typeof CLOUDFLARE_PLANS)[number];
/** Cloudflare's zone setting `min_tls_version` takes these values (Cloudflare API, zone settings). */
export const TLS_VERSIONS = ["1.0", "1.1", "1.2", "1.3"] as const;
/** Zone and account ids: 32 lowercase hexadecimal characters (Cloudflare API, "Identifier"). */
const cloudflareId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, "must be a Cloudflare id: 32 lowercase hexadecimal characters");

const edge = z.strictObject({
  provider: z.enum(EDGE_PROVIDERS),
  /** The Cloudflare plan of the zone: what the WAF can run and what the edge costs. */
  plan: z.enum(CLOUDFLARE_PLANS),
  /** The Cloudflare zone holding `domain` (dashboard: the zone's Overview, API section). */
  zoneId: z.union([z.literal(""), cloudflareId]),
  /** The Cloudflare account: load balancer pools and monitors are account-wide. */
  accountId: z.union([z.literal(""), cloudflareId]),
  /** Oldest TLS version viewers may use. Documents: TLS 1.2+, 1.3 preferred. */
  minTlsVersion: z.enum(TLS_VERSIONS),
  /** Managed WAF rulesets (the plan's), bot protection and the per-client rate limit. */
  waf: z.boolean(),
  /** DNS records answered by the edge (proxied), so the origin's address stays hidden. */
  proxied: z.boolean(),
  /** The gateway accepts only connections from the edge (authenticated origin pulls). */
  originLock: z.boolean(),
  /** Health-checked origins: a load balancer pool per gateway (a paid Cloudflare add-on). */
  loadBalancing: z.boolean(),
});

export const StackConfigSchema = z
  .strictObject({
    provider: z.enum(PROVIDERS),
    tier: z.enum(TIERS),
    /** Checked against the provider's regions by the provider rules (config/providers.ts). */
    region: z.string().min(1).max(63),
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
      context: z.string().max(253),
      namespace: name,
    }),
    network: z.strictObject({ cidr: networkCidr, zones: int(1, 6) }),
    /** Let's Encrypt account e-mail; `hostmaster@<domain>` (RFC 2142) when empty. */
    tls: z.strictObject({ acmeEmail: z.union([z.literal(""), z.email()]) }),
    nodePools: z.partialRecord(z.enum(ROLES), nodePool),
    database: z.strictObject({
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
    cdn: z.strictObject({ enabled: z.boolean(), mediaHost: hostLabel }),
    edge,
    monitoring: z.strictObject({
      retentionDays: int(1, 400),
      storageGb: int(1),
      receivers: z.strictObject({
        /**
         * Who is paged for critical alerts (secret pagingSecret). `none` says on purpose that
         * nobody is: a production tier must choose one or the other (config/receivers.ts).
         */
        paging: z
          .union([z.literal("none"), z.strictObject({ type: z.enum(["pagerduty", "webhook"]) })])
          .nullable(),
        chat: z
          .strictObject({
            channel: z
              .string()
              .regex(/^[#@]?[\w.-]{1,80}$/, "must be a channel name such as #alerts"),
          })
          .nullable(),
        email: z
          .strictObject({
            to: z.array(z.email()).min(1),
            from: z.email(),
            /** Alertmanager's `smarthost` is host:port (prometheus/alertmanager config.HostPort). */
            smarthost: z
              .string()
              .regex(
                /^[A-Za-z0-9]([-A-Za-z0-9.]{0,251}[A-Za-z0-9])?:([1-9]\d{0,4})$/,
                "must be host:port such as smtp.example.com:587",
              )
              .refine(
                (h) => !/:\d+$/.test(h) || Number(h.split(":").pop()) <= 65535,
                "must name a port of at most 65535",
              ),
          })
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
          region: z
            .string()
            .regex(/^[a-z0-9][-a-z0-9]{0,62}$/, "must be a region name such as hel1"),
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
    // Tiers document, Backup Strategy: copies in another region or at another provider. A bucket
    // of the stack's own store in the stack's own region is no off-site copy.
    const ownStore = { aws: "amazonaws.com", digitalocean: "digitaloceanspaces.com" } as const;
    if (
      offsite &&
      (c.provider === "aws" || c.provider === "digitalocean") &&
      c.objectStorage.mode === "managed" &&
      offsite.region === c.region &&
      new URL(offsite.endpoint).hostname.endsWith(ownStore[c.provider])
    )
      issue(
        ["backups", "offsite", "region"],
        `must differ from the stack's region ${c.region} on ${c.provider}, or the bucket be at another provider: an off-site copy sits at another site`,
      );
    if (offsite && c.database.mode === "none")
      issue(["backups", "offsite"], "needs a database to back up (database.mode is none)");
    const seen = new Map<string, number>();
    c.apps.forEach((app, i) => {
      const first = seen.get(app.name);
      if (first !== undefined) issue(["apps", i, "name"], `duplicates the name of apps[${first}]`);
      else seen.set(app.name, i);
      const a = app.autoscaling;
      if (a && a.minReplicas > a.maxReplicas)
        issue(
          ["apps", i, "autoscaling", "minReplicas"],
          `must not exceed maxReplicas (${a.maxReplicas})`,
        );
      if (app.release.strategy !== "rolling" && !app.public)
        issue(
          ["apps", i, "release", "strategy"],
          "must be rolling when public is false: the gateway's route is what moves a release's traffic",
        );
    });
  });

export type StackConfig = z.infer<typeof StackConfigSchema> & {
  /**
   * Top-level keys whose values came from `secure:` (only `apps` may: config/secrets.ts); the
   * components keep what they read from them Pulumi secrets.
   */
  secretKeys?: readonly string[];
};
export type Environment = "production" | "staging" | "development";

/** Production rules (mandatory policies, HPA floor 3, multi-AZ) apply to every tier but staging and local. */
export function environmentOf(tier: Tier): Environment {
  return tier === "local" ? "development" : tier === "staging" ? "staging" : "production";
}
