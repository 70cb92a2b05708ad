import type { z } from "zod";
import { CAPABILITIES } from "../catalog/capabilities";
import type { StackConfig } from "./schema";
import { environmentOf } from "./tiers";
import { regionProblems } from "./region-schema";

/** The cross-field rules of the stack config: what no single key's schema can check. */
export function stackRules(c: StackConfig, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path, message });
  if (c.provider === "existing" && Object.keys(c.nodePools).length > 0)
    issue(["nodePools"], "must be empty for provider existing (the cluster is not ours to size)");
  // What the provider manages: catalog/capabilities.ts.
  const can = CAPABILITIES[c.provider];
  const manages = { database: can.managedPostgres !== null, cache: can.managedCache };
  for (const key of ["database", "cache"] as const) {
    if (c[key].mode === "managed" && !manages[key])
      issue([key, "mode"], `managed is not offered on ${c.provider}; use self-hosted or none`);
  }
  objectStoreRules(c, issue);
  for (const p of regionProblems(c)) issue(p.path, p.message);
  cacheClusterRules(c, issue);
  // EKS access entries are built on aws alone; elsewhere a grant would be silently ignored
  // (README, "Cluster access", gives each provider's own way).
  if (c.provider !== "aws" && c.kubernetes.access.length > 0)
    issue(
      ["kubernetes", "access"],
      `must be empty for provider ${c.provider}: access grants are EKS access entries (aws only)`,
    );
  for (const [role, pool] of Object.entries(c.nodePools)) {
    if (pool.min > pool.max) issue(["nodePools", role, "min"], `must not exceed max (${pool.max})`);
    if (pool.desired < pool.min || pool.desired > pool.max)
      issue(["nodePools", role, "desired"], `must lie within min..max (${pool.min}..${pool.max})`);
  }
  if (environmentOf(c.tier) === "production") {
    // Policy pack: enforcement is mandatory for production stacks; only other stacks may relax it.
    if (c.policies.enforcement !== "mandatory")
      issue(["policies", "enforcement"], `must be "mandatory" for the ${c.tier} tier (production)`);
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
}

/**
 * Where the managed object store comes from: the cloud's own (catalog/capabilities.ts), or R2 on
 * the edge's Cloudflare account where the cloud has none (components/edge/r2.ts).
 */
function objectStoreRules(
  c: StackConfig,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const store = c.objectStorage;
  const own = CAPABILITIES[c.provider].managedObjectStore;
  if (store.provider !== "r2") {
    if (store.mode === "managed" && !own)
      issue(
        ["objectStorage", "mode"],
        `managed is not offered on ${c.provider}; use self-hosted, or objectStorage.provider r2 with a Cloudflare edge`,
      );
    return;
  }
  if (store.mode !== "managed")
    issue(["objectStorage", "provider"], "must be cloud unless objectStorage.mode is managed");
  else if (own)
    issue(
      ["objectStorage", "provider"],
      `must be cloud on ${c.provider}: its own managed store serves the buckets; r2 is offered where the cloud has none`,
    );
  if (c.edge.provider !== "cloudflare")
    issue(
      ["objectStorage", "provider"],
      "must be cloud unless edge.provider is cloudflare: R2 buckets belong to the edge's Cloudflare account",
    );
  else if (c.edge.accountId === "")
    issue(
      ["edge", "accountId"],
      "is required with objectStorage.provider r2: R2 buckets and their tokens belong to the account",
    );
}

/** Cache cluster mode (`cache.shards` of 3 or more): what the shards need beside their count. */
function cacheClusterRules(
  c: StackConfig,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const cache = c.cache;
  if (cache.mode === "none" || cache.shards < 3) return;
  // Redis Cluster promotes a shard's replica itself (Redis Cluster specification, "Replica
  // election and promotion"); Sentinel watches one primary and has no place in a cluster.
  if (cache.sentinel)
    issue(
      ["cache", "sentinel"],
      `must be false with cache.shards ${cache.shards}: cluster mode fails over by itself`,
    );
  // A shard whose primary fails without a replica loses its slots and the cluster stops serving
  // them; ElastiCache Multi-AZ also needs a replica in every shard (ElastiCache User Guide,
  // "Minimizing downtime with Multi-AZ").
  if (environmentOf(c.tier) === "production" && cache.replicas < 1)
    issue(
      ["cache", "replicas"],
      `must be at least 1 with cache.shards ${cache.shards} on the ${c.tier} tier (production): a shard without a replica loses its keys with its primary`,
    );
}
