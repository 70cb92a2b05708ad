import { COMPILED, estimate } from "./common";
import { MachineType, ServicePrice, Source } from "./types";

// prices.md §2: USD, the same in every US region. "Monthly" is the 672-hour cap DigitalOcean bills
// at most, and DOKS worker nodes cost exactly what the same Droplet costs.

/** [slug, vCPU, memory GB, included disk GB, USD per month, own source]. */
type Row = [string, number, number, number, number, Source?];

// DigitalOcean sells x86 only, so every size is amd64.
function sizes(source: Source, rows: Row[]): MachineType[] {
  return rows.map(([name, vcpu, memoryGb, diskGb, monthlyUsd, own]) => ({
    name,
    vcpu,
    memoryGb,
    diskGb,
    monthlyUsd,
    arch: "amd64",
    source: own ?? source,
  }));
}

const D2: Source = { ref: "[D2]", date: COMPILED, status: "confirmed" };
const premium = "Premium AMD/Intel variants cost about 17 % more";
const hourly = "one fixture gives hourly $0.09226, i.e. $62; most give $63";

export const MACHINES: MachineType[] = sizes(D2, [
  // Basic (shared CPU).
  ["s-1vcpu-2gb", 1, 2, 50, 12],
  ["s-2vcpu-2gb", 2, 2, 60, 18],
  ["s-2vcpu-4gb", 2, 4, 80, 24],
  ["s-4vcpu-8gb", 4, 8, 160, 48],
  ["s-8vcpu-16gb", 8, 16, 320, 96, { ...D2, note: premium }],
  // General Purpose (dedicated CPU).
  ["g-2vcpu-8gb", 2, 8, 25, 63, { ...D2, note: hourly }],
  ["g-4vcpu-16gb", 4, 16, 50, 126],
  ["g-8vcpu-32gb", 8, 32, 100, 252],
  ["g-16vcpu-64gb", 16, 64, 200, 504],
  // CPU-Optimized.
  ["c-2", 2, 4, 25, 42],
  ["c-4", 4, 8, 50, 84],
  ["c-8", 8, 16, 100, 168],
  ["c-16", 16, 32, 200, 336],
  // Memory-Optimized; two older fixtures show the pre-2022 $90/$180.
  ["m-2vcpu-16gb", 2, 16, 50, 84],
  ["m-4vcpu-32gb", 4, 32, 100, 168],
  ["m-8vcpu-64gb", 8, 64, 200, 336],
]);

const D3: Source = {
  ref: "[D3]",
  date: COMPILED,
  status: "confirmed",
  note:
    "DO's site may show cents (e.g. $15.15); storage from a `doctl databases list` fixture, " +
    "~113 and ~1,100 GiB approximate",
};
const doubled = estimate("§2", "the price grid doubles; confirmed up to 8/32 ($480)");

/**
 * Managed PostgreSQL, one node, storage included. prices.md has no rate for more storage, so the
 * plan's own storage must hold the documented disk.
 */
export const DATABASES: MachineType[] = sizes(D3, [
  ["db-s-1vcpu-1gb", 1, 1, 10, 15],
  ["db-s-1vcpu-2gb", 1, 2, 30, 30],
  ["db-s-2vcpu-4gb", 2, 4, 60, 60],
  ["db-s-4vcpu-8gb", 4, 8, 113, 120],
  ["db-s-6vcpu-16gb", 6, 16, 270, 240],
  ["db-s-8vcpu-32gb", 8, 32, 580, 480],
  ["db-s-16vcpu-64gb", 16, 64, 1100, 960, doubled],
]);

/**
 * Managed Valkey nodes use the database size slugs; with no price source of their own, prices.md
 * assumes the database grid. DigitalOcean renamed Managed Caching (Redis) to Valkey in 2025.
 */
export const CACHES: MachineType[] = DATABASES.map((db) => ({
  ...db,
  diskGb: 0,
  source: estimate("§2", "assumes the managed database price grid"),
}));

/** HA standbys need at least the 2 GB plan (prices.md §2). */
export const STANDBY_MIN_MEMORY_GB = 2;

const D5: Source = { ref: "[D5]", date: COMPILED, status: "confirmed" };

export const SERVICES = {
  /** DOKS control plane, the default (not highly available). */
  controlPlane: { monthlyUsd: 0, source: { ref: "[D1]", date: COMPILED, status: "confirmed" } },
  /** DOKS HA control plane, prorated hourly. */
  controlPlaneHa: { monthlyUsd: 40, source: { ref: "[D1]", date: COMPILED, status: "confirmed" } },
  /** Regional load balancer, per node ("small" is one node). */
  loadBalancerNode: {
    monthlyUsd: 12,
    source: { ...D5, note: "older DO docs copies show $10 per node, before July 2022" },
  },
  /** Block storage volume. */
  volume: { perGbMonthUsd: 0.1, source: D5 },
  /** Spaces: the base fee includes 250 GiB stored and 1 TiB transferred. */
  objectStorage: {
    monthlyUsd: 5,
    includedGb: 250,
    includedTransferGb: 1024,
    perGbMonthUsd: 0.02,
    perGbUsd: 0.01,
    source: { ref: "[D4]", date: COMPILED, status: "confirmed" },
  },
  /** Spaces built-in CDN: its egress counts against the Spaces allowance. */
  cdn: { perGbUsd: 0, source: estimate("§2", "known DO policy, no dated source found") },
  /** Droplet egress beyond the pooled allowance. */
  egress: { perGbUsd: 0.01, source: { ref: "[D6]", date: COMPILED, status: "confirmed" } },
  vpc: { monthlyUsd: 0, source: D5 },
  /** Managed PostgreSQL HA standby: ⅔ of its primary (2 GB plan: $30, with one $50, two $70). */
  databaseStandby: {
    fraction: 2 / 3,
    source: estimate("§2", "from memory of DO's table; budget ×2 if unsure"),
  },
  /** Managed PostgreSQL read-only node: a single node of the same size. */
  databaseReadReplica: { fraction: 1, source: estimate("§2", "no source found") },
  uptimeCheck: {
    monthlyUsd: 1,
    source: estimate("§2", "no pricing page found; the free allowance is unconfirmed"),
  },
} satisfies Record<string, ServicePrice>;
