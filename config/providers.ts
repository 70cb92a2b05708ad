import { Region as AWS_REGIONS } from "@pulumi/aws/types/enums";
import { Region as DIGITALOCEAN_REGIONS } from "@pulumi/digitalocean/types/enums";
import {
  CAPABILITIES,
  resolveManagedCache,
  resolveManagedDatabase,
  resolveProfile,
} from "../catalog";
import { ADDON_VERSIONS } from "../components/aws/addons";
import { drRegionFor } from "../components/aws/backups";
import { postgresInstanceShare } from "../components/database/cnpg";
import { DOKS_RESERVED_RANGES } from "../components/digitalocean/doks";
import { cachePlan, databasePlan } from "../components/digitalocean/managed-data-sizing";
import { VOLUME_MAX_GB } from "../components/hetzner/data-volume";
import { K3S_POD_CIDR, K3S_RELEASES, K3S_SERVICE_CIDR } from "../components/hetzner/k3s";
import { poolRoles, resolveNode } from "../components/hetzner/node-layout";
import { AUTOSCALED_ROLES } from "../components/hetzner/autoscaler";
import { LOCATIONS, SLOTS } from "../components/hetzner/subnets";
import { contains, overlaps, parseBlock, type Block } from "./cidr";
import { fixedDailyTime } from "./cron";
import { cacheNodeCount } from "./data-schema";
import type { Problem } from "./problems";
import type { StackConfig, Tier } from "./schema";

// What each provider can build from a config the schema accepts. The facts (regions, reserved
// ranges, pinned versions, the catalog's machine types) live with the code that uses them; the
// rules that hold a stack's values against them live here, so the layers never see a config
// they cannot build.

/**
 * Tiers that must copy their recovery points to a second region (tiers document, Large), so their
 * region needs a pair. Every other production tier copies too where its region has one.
 */
export const CROSS_REGION_BACKUP_TIERS: readonly Tier[] = ["large", "enterprise"];

/** ElastiCache without cluster mode holds a primary and at most five replicas. */
export const MAX_CACHE_REPLICAS = { aws: 5, digitalocean: 2 } as const;
/** Nodes of one managed cache: ElastiCache cluster mode (ElastiCache User Guide, "Working with shards"). */
export const CACHE_MAX_NODES = { aws: 500 } as const;

/** The largest single volume a claim gets on aws (EBS gp3) and digitalocean: 16 TiB. */
export const MAX_VOLUME_GB = 16384;

/** RFC 1918 private address space. */
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(
  (c) => parseBlock(c) as Block,
);

/** A region label on an existing cluster: a Kubernetes label value (63 characters at most). */
const LABEL = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Regions of a cloud: the provider SDKs' region enums, Hetzner's EU locations (components/hetzner). */
function regionsOf(cloud: "aws" | "digitalocean" | "hetzner"): readonly string[] {
  if (cloud === "aws") return Object.values(AWS_REGIONS);
  if (cloud === "digitalocean") return Object.values(DIGITALOCEAN_REGIONS);
  return LOCATIONS;
}

export function providerProblems(c: StackConfig): Problem[] {
  const problems: Problem[] = [];
  const problem = (path: (string | number)[], message: string, quiet = false) =>
    problems.push({ path, message, quiet });
  const cidr = parseBlock(c.network.cidr) as Block;

  if (c.provider === "existing") {
    if (!LABEL.test(c.region))
      problem(["region"], "must be a label such as local or eu-west (a-z, 0-9, -, _, .)");
  } else if (!regionsOf(c.provider).includes(c.region)) {
    const list = regionsOf(c.provider);
    problem(
      ["region"],
      `must be one of ${c.provider}'s regions: ${list.length > 12 ? `${list.slice(0, 12).join(", ")}, ...` : list.join(", ")}`,
    );
  }

  // Where the CDN can be built (catalog/capabilities.ts): CloudFront on aws; on DigitalOcean its
  // CDN fronts Spaces only.
  const cdn = CAPABILITIES[c.provider].cdn;
  if (c.cdn.enabled) {
    if (cdn === null)
      problem(
        ["cdn", "enabled"],
        `must be false on ${c.provider}: the program builds no CDN there`,
      );
    if (cdn === "media-bucket" && c.objectStorage.mode !== "managed")
      problem(
        ["cdn", "enabled"],
        "must be false unless objectStorage.mode is managed: DigitalOcean's CDN fronts Spaces only",
      );
    if (cdn === "media-bucket" && !c.objectStorage.buckets.some((b) => b.purpose === "media"))
      problem(["cdn", "enabled"], "needs a bucket of purpose media for the CDN to serve");
  }

  // Node pools resolve to a machine type of the provider (catalog/).
  if (c.provider !== "existing")
    for (const [role, pool] of Object.entries(c.nodePools)) {
      try {
        const resolved =
          c.provider === "hetzner"
            ? resolveNode(pool.profile)
            : resolveProfile(c.provider, pool.profile);
        if (c.provider === "hetzner" && resolved.extraDiskGb > VOLUME_MAX_GB)
          problem(
            ["nodePools", role, "profile"],
            `needs a ${resolved.extraDiskGb} GB volume; hcloud volumes stop at ${VOLUME_MAX_GB} GB`,
          );
      } catch (e) {
        problem(["nodePools", role, "profile"], (e as Error).message);
      }
    }

  if (c.provider === "aws") {
    if (!ADDON_VERSIONS[c.kubernetes.version])
      problem(
        ["kubernetes", "version"],
        `must have pinned EKS add-on versions on aws: one of ${Object.keys(ADDON_VERSIONS).join(", ")}`,
      );
    if (cidr.prefix < 16 || cidr.prefix > 21)
      problem(
        ["network", "cidr"],
        "must be a /16 to /21 on aws: VPCs are /16 at most, and tier subnets at least /28",
      );
    if (Object.keys(c.nodePools).length === 0)
      problem(
        ["nodePools"],
        "must name at least one pool on aws (EKS runs no workloads without nodes)",
      );
    c.adminCidrs.forEach((a, i) => {
      if (parseBlock(a)?.family === 6)
        problem(
          ["adminCidrs", i],
          "must be IPv4 on aws: the VPC, its security groups and the EKS public endpoint are IPv4 only here",
        );
    });
    if (c.cache.mode === "managed" && c.cache.replicas > MAX_CACHE_REPLICAS.aws)
      problem(
        ["cache", "replicas"],
        `must be at most ${MAX_CACHE_REPLICAS.aws} for a managed cache on aws (ElastiCache: a primary and up to five replicas)`,
      );
    // ElastiCache User Guide, "Working with shards": at most 500 nodes in a cluster-mode group
    // (Valkey 7.2 and later; 90 until the account's quota is raised).
    const cacheNodes = cacheNodeCount(c.cache);
    if (c.cache.mode === "managed" && cacheNodes > CACHE_MAX_NODES.aws)
      problem(
        ["cache", "shards"],
        `must keep shards × (1 + replicas) at most ${CACHE_MAX_NODES.aws} for a managed cache on aws (ElastiCache cluster mode; got ${cacheNodes} nodes)`,
      );
    if (CROSS_REGION_BACKUP_TIERS.includes(c.tier) && !drRegionFor(c.region))
      problem(
        ["region"],
        `must have a paired region for the ${c.tier} tier's cross-region backup copies (components/aws/backups.ts)`,
      );
    // The RDS backup window and the AWS Backup plan take one time of day.
    if (!fixedDailyTime(c.backups.schedule))
      problem(
        ["backups", "schedule"],
        "must run once a day at a fixed time on aws, such as 0 2 * * * (AWS Backup and RDS take one daily time)",
      );
  }

  if (c.provider === "digitalocean") {
    if (cidr.prefix < 16 || cidr.prefix > 24)
      problem(["network", "cidr"], "must be a /16 to /24: DigitalOcean VPCs are that size");
    if (!PRIVATE.some((r) => contains(r, cidr)))
      problem(["network", "cidr"], "must lie in RFC 1918 private space, as DigitalOcean VPCs do");
    for (const reserved of DOKS_RESERVED_RANGES)
      if (overlaps(cidr, parseBlock(reserved)!))
        problem(["network", "cidr"], `must not overlap ${reserved}, which DOKS reserves`);
    if (!c.nodePools.app)
      problem(
        ["nodePools", "app"],
        "is required on digitalocean: DOKS makes the app pool the cluster's default pool",
      );
    if (c.cache.mode === "managed" && c.cache.replicas > MAX_CACHE_REPLICAS.digitalocean)
      problem(
        ["cache", "replicas"],
        `must be at most ${MAX_CACHE_REPLICAS.digitalocean} for managed Valkey on digitalocean (2 standby nodes)`,
      );
    // DigitalOcean's managed Valkey is one primary with standby nodes (Valkey how-tos: "Add
    // standby nodes"); it offers no cluster mode.
    if (c.cache.mode === "managed" && c.cache.shards > 1)
      problem(
        ["cache", "shards"],
        "must be 1 for managed Valkey on digitalocean (no cluster mode, standby nodes only); use cache.mode self-hosted for a cluster",
      );
  }

  if (c.provider === "hetzner") {
    if (!PRIVATE.some((r) => contains(r, cidr)))
      problem(
        ["network", "cidr"],
        "must lie in RFC 1918 private space, as Hetzner networks require",
      );
    else if (cidr.prefix > 24)
      problem(["network", "cidr"], "must be a /24 or larger to hold the node subnet");
    for (const k3s of [K3S_POD_CIDR, K3S_SERVICE_CIDR])
      if (overlaps(cidr, parseBlock(k3s)!))
        problem(["network", "cidr"], `must not overlap k3s's pod and service range ${k3s}`);
    if (!K3S_RELEASES[c.kubernetes.version])
      problem(
        ["kubernetes", "version"],
        `must have a pinned k3s release: one of ${Object.keys(K3S_RELEASES).join(", ")}`,
      );
    if ((c.nodePools.app?.desired ?? 0) < 1)
      problem(
        ["nodePools", "app"],
        "needs at least one server: workloads without a pool of their own run there",
        true,
      );
    for (const role of poolRoles(c)) {
      const max = SLOTS[role].max;
      if (c.nodePools[role]!.desired > max)
        problem(
          ["nodePools", role, "desired"],
          `must be at most ${max}, the servers its subnet slot holds`,
        );
      // Only the app pool is autoscaled (components/hetzner/autoscaler.ts, AUTOSCALED_ROLES): a
      // larger max elsewhere would be a bound nothing honours.
      if (!AUTOSCALED_ROLES.includes(role) && c.nodePools[role]!.max > c.nodePools[role]!.desired)
        problem(
          ["nodePools", role, "max"],
          `must equal desired (${c.nodePools[role]!.desired}) on hetzner: only the ${AUTOSCALED_ROLES.join(", ")} pool is autoscaled there; the others keep data on their servers' volumes or take public traffic (docs/hetzner.md, Autoscaling)`,
        );
    }
  }

  // Managed data services resolve to a size of the provider's catalog.
  if (c.provider === "aws" || c.provider === "digitalocean") {
    const cloud = c.provider;
    // Tiers document, Read Replicas: "Load balanced for read queries". Neither RDS nor
    // DigitalOcean gives its replicas one address; the in-cluster PgBouncer is that endpoint.
    if (c.database.mode === "managed" && c.database.replicas > 1 && !c.database.pooler.enabled)
      problem(
        ["database", "pooler", "enabled"],
        `must be true with ${c.database.replicas} read replicas of a managed database: the in-cluster PgBouncer is the one read endpoint that balances them`,
      );
    if (c.database.mode === "managed")
      try {
        if (cloud === "digitalocean") databasePlan(c);
        else
          resolveManagedDatabase(cloud, c.database.profile, {
            standbys: c.database.multiAz ? 1 : 0,
            readReplicas: c.database.replicas,
          });
      } catch (e) {
        problem(["database", "profile"], (e as Error).message, true);
      }
    if (c.cache.mode === "managed")
      try {
        if (cloud === "digitalocean") cachePlan(c);
        else
          resolveManagedCache(cloud, c.cache.memoryMb / 1024, { nodes: cacheNodeCount(c.cache) });
      } catch (e) {
        problem(["cache", "memoryMb"], (e as Error).message);
      }
  }

  // Claims become one cloud volume each: EBS gp3 and DigitalOcean volumes stop at 16 TiB (AWS EBS
  // User Guide, volume types; DigitalOcean Volumes limits). Hetzner and existing clusters keep
  // them on the nodes' own disks (local-path) or the cluster's own storage.
  if (c.provider === "aws" || c.provider === "digitalocean") {
    const claims: [(string | number)[], number, boolean][] = [
      [["monitoring", "storageGb"], c.monitoring.storageGb, true],
      [["logging", "storageGb"], c.logging.storageGb, true],
      [["database", "storageGb"], c.database.storageGb, c.database.mode === "self-hosted"],
      [
        ["objectStorage", "storageGb"],
        Math.ceil(c.objectStorage.storageGb / c.objectStorage.servers),
        c.objectStorage.mode === "self-hosted",
      ],
    ];
    for (const [path, gb, claimed] of claims)
      if (claimed && gb > MAX_VOLUME_GB)
        problem(
          path,
          `must fit one ${c.provider} volume per claim (at most ${MAX_VOLUME_GB} GB${path[0] === "objectStorage" ? " per MinIO server" : ""})`,
        );
  }
  // RDS gp3 storage is 20 GiB to 64 TiB (Amazon RDS User Guide, DB instance storage), and the
  // AWS layer lets storage autoscaling double it (components/aws/database.ts).
  if (c.provider === "aws" && c.database.mode === "managed") {
    const gb = c.database.storageGb;
    if (gb < 20 || gb > 32768)
      problem(
        ["database", "storageGb"],
        "must be 20 to 32768 for RDS on aws (storage autoscaling doubles it, up to RDS's 65536)",
      );
  }

  // Each Postgres instance that shares a database node gets its share of it
  // (components/database/cnpg postgresInstanceShare); the tuning rule needs 0.5 GB of it.
  const db = c.database;
  if (db.mode === "self-hosted") {
    const { memoryGb: memory, perNode } = postgresInstanceShare(db, c.nodePools);
    if (memory < 0.5)
      problem(
        ["database", "memoryGb"],
        `must leave each of the ${perNode} Postgres instances on a database node at least 0.5 GB`,
      );
  }
  return problems;
}
