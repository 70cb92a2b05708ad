import * as aws from "./aws";
import { cents } from "./common";
import * as digitalocean from "./digitalocean";
import * as hetzner from "./hetzner";
import { PROFILES, ProfileName } from "./profiles";
import { Arch, Cloud, MachineType, Profile, Resolved } from "./types";

import { CAPABILITIES, type ManagedCloud } from "./capabilities";

export type { ManagedCloud } from "./capabilities";

interface CloudCatalog {
  machines: readonly MachineType[];
  /** Managed PostgreSQL instance classes / sizes. */
  databases: readonly MachineType[];
  /** Managed Valkey node types / sizes. */
  caches: readonly MachineType[];
}

/** Every type each cloud sells, by kind; none of databases or caches where it manages neither. */
export const CATALOG: Record<Cloud, CloudCatalog> = {
  aws: { machines: aws.MACHINES, databases: aws.DATABASES, caches: aws.CACHES },
  digitalocean: {
    machines: digitalocean.MACHINES,
    databases: digitalocean.DATABASES,
    caches: digitalocean.CACHES,
  },
  hetzner: { machines: hetzner.MACHINES, databases: [], caches: [] },
};

/** Prices of everything that is not a machine, per cloud: `SERVICES.aws.natGateway.monthlyUsd`. */
export const SERVICES = {
  aws: aws.SERVICES,
  digitalocean: digitalocean.SERVICES,
  hetzner: hetzner.SERVICES,
};

/**
 * The cheapest selectable type meeting `need`: by total monthly price (type plus the volume that
 * makes up the missing disk), ties broken by name. `volumePerGb` null means the type's own disk
 * is the most it can have (a managed plan with storage included), so disk becomes a requirement.
 * `copies` multiplies the whole (standbys, replicas, cache nodes).
 */
function cheapest(
  cloud: Cloud,
  kind: string,
  profile: string,
  need: Profile,
  types: readonly MachineType[],
  volumePerGb: number | null,
  copies = 1,
): Resolved {
  let best: Resolved | undefined;
  for (const type of types) {
    const fits = type.vcpu >= need.vcpu && type.memoryGb >= need.memoryGb;
    if (type.selectable === false || !fits) continue;
    const extraDiskGb = Math.max(0, need.diskGb - type.diskGb);
    if (extraDiskGb > 0 && volumePerGb === null) continue;
    const monthlyUsd = cents((type.monthlyUsd + extraDiskGb * (volumePerGb ?? 0)) * copies);
    const better =
      !best ||
      monthlyUsd < best.monthlyUsd ||
      (monthlyUsd === best.monthlyUsd && type.name < best.type.name);
    if (better) best = { provider: cloud, profile, type, extraDiskGb, monthlyUsd };
  }
  if (!best) {
    const offered = types.filter((t) => t.selectable !== false);
    const maxVcpu = Math.max(0, ...offered.map((t) => t.vcpu));
    const maxMemory = Math.max(0, ...offered.map((t) => t.memoryGb));
    throw new Error(
      `No ${cloud} ${kind} meets profile "${profile}" (${need.vcpu} vCPU, ${need.memoryGb} GB ` +
        `memory, ${need.diskGb} GB disk); the catalog offers at most ${maxVcpu} vCPU and ` +
        `${maxMemory} GB.`,
    );
  }
  return best;
}

function profileOf(profile: ProfileName | Profile): [string, Profile] {
  return typeof profile === "string" ? [profile, PROFILES[profile]] : [profile.doc, profile];
}

/**
 * The cheapest machine type of `cloud` that meets a documented profile, with the volume that makes
 * up the documented disk. `arch` restricts the choice where an image is built for one only.
 */
export function resolveProfile(
  cloud: Cloud,
  profile: ProfileName | Profile,
  opts: { arch?: Arch } = {},
): Resolved {
  const [name, need] = profileOf(profile);
  const types = CATALOG[cloud].machines.filter((t) => !opts.arch || t.arch === opts.arch);
  const kind = opts.arch ? `${opts.arch} machine type` : "machine type";
  return cheapest(cloud, kind, name, need, types, SERVICES[cloud].volume.perGbMonthUsd);
}

export interface DatabaseOptions {
  /** Synchronous standbys: AWS Multi-AZ (0 or 1), DigitalOcean HA nodes (0 to 2). @default 0 */
  standbys?: number;
  /** Read-only nodes of the same size beside the primary. @default 0 */
  readReplicas?: number;
}

export interface ResolvedDatabase extends Resolved {
  standbys: number;
  readReplicas: number;
}

/**
 * The cheapest managed PostgreSQL size that meets a profile. `monthlyUsd` covers the primary, its
 * standbys and read replicas; on AWS `extraDiskGb` is each instance's gp3 storage, on DigitalOcean
 * the plan's included storage must hold the documented disk.
 */
export function resolveManagedDatabase(
  cloud: ManagedCloud,
  profile: ProfileName | Profile,
  opts: DatabaseOptions = {},
): ResolvedDatabase {
  const { standbys = 0, readReplicas = 0 } = opts;
  const { maxStandbys } = CAPABILITIES[cloud].managedPostgres;
  if (!Number.isInteger(standbys) || standbys < 0 || standbys > maxStandbys) {
    throw new Error(
      `${cloud} managed PostgreSQL takes 0 to ${maxStandbys} standbys, not ${standbys}`,
    );
  }
  if (!Number.isInteger(readReplicas) || readReplicas < 0) {
    throw new Error(`Read replicas must be a whole number of at least 0, not ${readReplicas}`);
  }
  const [name, documented] = profileOf(profile);
  const need =
    cloud === "digitalocean" && standbys > 0
      ? {
          ...documented,
          memoryGb: Math.max(documented.memoryGb, digitalocean.STANDBY_MIN_MEMORY_GB),
        }
      : documented;
  const services = SERVICES[cloud];
  const copies =
    1 +
    standbys * services.databaseStandby.fraction +
    readReplicas * services.databaseReadReplica.fraction;
  const volume = cloud === "aws" ? aws.SERVICES.databaseStorage.perGbMonthUsd : null;
  const kind = "managed PostgreSQL size";
  const types = CATALOG[cloud].databases;
  return { ...cheapest(cloud, kind, name, need, types, volume, copies), standbys, readReplicas };
}

export interface ResolvedCache extends Resolved {
  nodes: number;
}

/** The cheapest managed Valkey node with `memoryGb` or more; `nodes` of it, each at full price. */
export function resolveManagedCache(
  cloud: ManagedCloud,
  memoryGb: number,
  opts: { nodes?: number } = {},
): ResolvedCache {
  const { nodes = 1 } = opts;
  if (!Number.isInteger(nodes) || nodes < 1) {
    throw new Error(`A cache has a whole number of nodes, at least 1, not ${nodes}`);
  }
  const need: Profile = { vcpu: 0, memoryGb, diskGb: 0, doc: `${memoryGb} GB cache` };
  const types = CATALOG[cloud].caches;
  return { ...cheapest(cloud, "managed cache node", need.doc, need, types, null, nodes), nodes };
}

/**
 * A type of `cloud` by name (case-insensitive): machines first, then managed databases, then
 * caches. DigitalOcean's Valkey sizes share the database slugs and price grid, so a `db-s-*` slug
 * answers with the database size.
 */
export function machineByName(cloud: Cloud, name: string): MachineType | undefined {
  const wanted = name.toLowerCase();
  const { machines, databases, caches } = CATALOG[cloud];
  return [...machines, ...databases, ...caches].find((t) => t.name.toLowerCase() === wanted);
}

export type BudgetTier = "local" | "staging" | "small" | "medium" | "large" | "enterprise";

const tiers = "infrastructure-recommendations.md";

/** Documented monthly cost of each tier in USD; `max` null is open-ended. */
export const TIER_BUDGETS: Record<BudgetTier, { min: number; max: number | null; doc: string }> = {
  local: { min: 0, max: 0, doc: `${tiers}, Local Development: a laptop cluster, no cloud spend` },
  staging: {
    min: 100,
    max: 150,
    doc:
      `${tiers}, Staging, Kubernetes setup ~$100-150/month ` +
      `(the single-server setup is ~$40-80/month)`,
  },
  small: { min: 50, max: 200, doc: `${tiers}, Infrastructure Tiers: Small $50-200` },
  medium: {
    min: 500,
    max: 2000,
    doc: `${tiers}, Infrastructure Tiers: Medium $500-2,000 (the cluster alone ~$500-800)`,
  },
  large: { min: 3000, max: 10000, doc: `${tiers}, Infrastructure Tiers: Large $3,000-10,000` },
  enterprise: { min: 10000, max: null, doc: `${tiers}, Infrastructure Tiers: Enterprise $10,000+` },
};

/**
 * Documented monthly total of a group of regional stacks (`multiRegion.group`), by the tier of
 * its stacks: the tiers whose architecture spans regions. `npm run plan -- --group <name>`.
 */
export const GROUP_BUDGETS: Partial<
  Record<BudgetTier, { min: number; max: number | null; doc: string }>
> = {
  large: {
    min: 5000,
    max: 10000,
    doc: `${tiers}, Large Production, Multi-Region Architecture: Total Infrastructure $5,000-10,000/month`,
  },
  enterprise: {
    min: 15000,
    max: 50000,
    doc: `${tiers}, Enterprise Production, Global Multi-Cloud Architecture: Estimated Total $15,000-50,000+/month`,
  },
};
