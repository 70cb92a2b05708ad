import { z } from "zod";

/**
 * Stacks of one group serve the same product from several regions (tiers document, Large
 * Production: a primary region and a secondary one; Enterprise: multi-region, with a failover
 * cloud). One stack per region: the primary takes writes; a secondary builds its own cluster, apps
 * and cache, replicates the primary's database and buckets through a StackReference, and reads
 * locally (README, "Several regions"; docs/disaster-recovery.md).
 */
export const REGION_ROLES = ["primary", "secondary"] as const;
export type RegionRole = (typeof REGION_ROLES)[number];

/** A stack name in this project, or `org/project/stack` (Pulumi's fully qualified stack name). */
const stackName = z
  .string()
  .regex(
    /^([A-Za-z0-9][-A-Za-z0-9_.]*\/){0,2}[A-Za-z0-9][-A-Za-z0-9_.]*$/,
    "must be a stack name, or org/project/stack",
  );

export const multiRegion = z.strictObject({
  /**
   * The group's name; `npm run plan -- --group <name>` plans every stack of it and prices them
   * against the tier's documented total. Empty: a stack on its own.
   * @example "production-large"
   */
  group: z
    .string()
    .regex(
      /^[a-z0-9][-a-z0-9]{0,39}$/,
      "must be 1-40 of a-z, 0-9 and -, starting with a letter or digit",
    )
    .optional(),
  /**
   * primary: this region takes the writes and owns the data the others replicate. secondary:
   * this region replicates `primaryStack`; switching it to primary promotes its database.
   * @default "primary"
   */
  role: z.enum(REGION_ROLES).optional(),
  /**
   * With role secondary: the primary's stack. Kept when the region is promoted to primary: its
   * database was born a replica of that stack's, and keeps that stack's master user and password
   * (docs/disaster-recovery.md). @example "production-large"
   */
  primaryStack: stackName.optional(),
  /**
   * The group's other regions whose gateways this stack's edge routes to beside its own (the
   * primary lists its secondaries once they exist: a reference to a stack not yet deployed fails).
   * @example ["production-large-ap"]
   */
  peers: z.array(stackName).optional(),
});
export type MultiRegion = z.infer<typeof multiRegion>;

/**
 * A secondary on DigitalOcean or Hetzner is the enterprise tier's failover cloud (tiers document,
 * Enterprise: "Primary cloud + failover cloud"): a warm standby fed from the primary's off-site
 * copy of its backup bucket, which lands in this stack's own backup bucket; a daily job restores
 * the newest dump into this stack's database and mirrors the media (components/backups/
 * standby-refresh.ts; docs/disaster-recovery.md, "Failing over to the second cloud").
 */
export function isFailoverStandby(c: { provider: string; multiRegion: MultiRegion }): boolean {
  return (
    c.multiRegion.role === "secondary" &&
    (c.provider === "digitalocean" || c.provider === "hetzner")
  );
}

function failoverProblems(c: {
  provider: string;
  database: { mode: string };
  objectStorage: { mode: string; provider?: string };
}): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  if (c.database.mode === "none")
    out.push({
      path: ["database", "mode"],
      message:
        "must be managed or self-hosted on a failover standby: the primary's newest dump is restored into it daily",
    });
  // The primary's off-site copy is written over S3 into this stack's backup bucket: Spaces on
  // DigitalOcean; on Hetzner, where the program runs no managed store, the in-cluster MinIO.
  const store =
    c.provider === "digitalocean"
      ? c.objectStorage.mode === "managed" && (c.objectStorage.provider ?? "cloud") === "cloud"
      : c.objectStorage.mode === "self-hosted";
  if (!store)
    out.push({
      path: ["objectStorage", "mode"],
      message:
        c.provider === "digitalocean"
          ? `must be managed on Spaces on a digitalocean failover standby: the primary's off-site copy lands in its backup bucket (got ${c.objectStorage.mode})`
          : `must be self-hosted on a hetzner failover standby: the primary's off-site copy lands in its MinIO backup bucket (got ${c.objectStorage.mode})`,
    });
  return out;
}

/**
 * The cross-field rules of `multiRegion`. What a secondary is built on: AWS with a managed
 * database and store (an RDS cross-region replica, S3 replication). A secondary answers no public
 * host with a CloudFront distribution of its own: CloudFront refuses an alternate domain name that
 * another distribution already has (CNAMEAlreadyExists, docs.aws.amazon.com/AmazonCloudFront/
 * latest/DeveloperGuide/CNAMEs.html), so the primary's distribution fronts every region, and
 * `edge.provider: cloudfront` on a secondary means that distribution: the region builds none,
 * locks its gateway to CloudFront and adds its own latency record for `origin.<domain>` to the
 * group's zone (`edge.route53ZoneId`), which is why every stack of a group on CloudFront names it.
 */
export function regionProblems(c: {
  provider: string;
  multiRegion: MultiRegion;
  database: { mode: string; replicas: number };
  objectStorage: { mode: string; provider?: string };
  edge: { provider: string; route53ZoneId: string; loadBalancing: boolean };
}): { path: (string | number)[]; message: string }[] {
  const m = c.multiRegion;
  const out: { path: (string | number)[]; message: string }[] = [];
  const problem = (key: string, message: string) =>
    out.push({ path: ["multiRegion", key], message });
  if ((m.role || m.primaryStack || m.peers?.length) && !m.group)
    problem(
      "group",
      "is required with role, primaryStack or peers: it names the stacks planned and priced together",
    );
  if (m.role === "secondary" && !m.primaryStack)
    problem(
      "primaryStack",
      "is required with role secondary: the stack whose database and buckets this region replicates",
    );
  if (m.group && c.provider === "aws" && c.edge.provider === "cloudfront" && !c.edge.route53ZoneId)
    out.push({
      path: ["edge", "route53ZoneId"],
      message:
        "is required in a group on CloudFront: the hosted zone of the domain, where this region keeps its latency record for the distribution's origin",
    });
  if (m.peers?.length && c.edge.provider === "cloudflare" && !c.edge.loadBalancing)
    out.push({
      path: ["edge", "loadBalancing"],
      message:
        "must be true with multiRegion.peers on Cloudflare: the peers' gateways are load balancer pools",
    });
  if (m.role !== "secondary") return out;
  if (c.provider === "digitalocean" || c.provider === "hetzner")
    return [...out, ...failoverProblems(c)];
  if (c.provider !== "aws")
    problem(
      "role",
      `secondary is built on aws (RDS cross-region replica, S3 replication) or is a failover standby on digitalocean or hetzner, not on ${c.provider}`,
    );
  if (c.database.mode !== "managed")
    out.push({
      path: ["database", "mode"],
      message:
        "must be managed in a secondary region: its database is a cross-region replica of the primary's",
    });
  if (c.database.replicas !== 0)
    out.push({
      path: ["database", "replicas"],
      message:
        "must be 0 in a secondary region: the region's database is itself the primary's replica",
    });
  if (c.objectStorage.mode !== "managed" || (c.objectStorage.provider ?? "cloud") !== "cloud")
    out.push({
      path: ["objectStorage", "mode"],
      message:
        "must be managed on the cloud's own store in a secondary region: its buckets replicate the primary's",
    });
  return out;
}
