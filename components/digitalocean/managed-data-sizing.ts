/** Sizes of the managed Postgres and Valkey, and the Postgres tuning that follows from them. */
import {
  PROFILES,
  ResolvedCache,
  ResolvedDatabase,
  resolveManagedCache,
  resolveManagedDatabase,
} from "../../catalog";
import { type StackConfig } from "../../config";
import { postgresParameters } from "../database/tuning";
import { databaseStandbys } from "./redundancy";

const CLOUD = "digitalocean";

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
