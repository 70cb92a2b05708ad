/** Providers a stack can run on. `existing` is any cluster reached through a kubeconfig. */
export const PROVIDERS = ["aws", "digitalocean", "hetzner", "existing"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Providers that sell machines, and so have a catalog of types and prices. */
export const CLOUDS = ["aws", "digitalocean", "hetzner"] as const;
export type Cloud = (typeof CLOUDS)[number];

/** How sure a price is, in the words of `shared/reference/prices.md`. */
export type PriceStatus = "confirmed" | "derived" | "estimate";

/** Where a number comes from: the public source and the date it was read. */
export interface Source {
  /** Source key of prices.md (for example "[A1]") or the document section. */
  ref: string;
  /**
   * ISO 8601 date the figure was read or published: YYYY-MM-DD, or the reduced YYYY-MM / YYYY
   * where the source gives no day (prices.md's "Apr 2026", or an undated source read in 2026).
   */
  date: string;
  status: PriceStatus;
  /** What prices.md says beside the figure: why it is an estimate, how it was derived, a caveat. */
  note?: string;
}

/** A documented hardware profile: the least a machine of that role must have. */
export interface Profile {
  vcpu: number;
  memoryGb: number;
  /** Documented disk; 0 where the document gives none. */
  diskGb: number;
  /** The document and section it is taken from. */
  doc: string;
}

/** A machine type a cloud sells: instance, droplet/node size or server type. */
export interface MachineType {
  name: string;
  vcpu: number;
  memoryGb: number;
  /** Disk included with the type; 0 where storage is bought separately (EBS). */
  diskGb: number;
  /** Monthly list price in USD (AWS hourly × 730; DigitalOcean's 672-hour cap; Hetzner's cap at 1.1133 USD/EUR). */
  monthlyUsd: number;
  /** A type kept for reference but not chosen by `resolveProfile` (burstable, deprecated). */
  selectable?: boolean;
  /** CPU architecture as the `kubernetes.io/arch` label names it; images must be built for it. */
  arch?: Arch;
  /** Hourly list price where the provider publishes one (AWS); `monthlyUsd` is this × 730. */
  hourlyUsd?: number;
  /** Monthly price in the currency billed, where that is EUR (Hetzner). */
  monthlyEur?: number;
  source: Source;
}

export type Arch = "amd64" | "arm64";

/**
 * A price of something that is not a machine: a flat monthly fee, usage rates, or both. Only the
 * fields that apply are set; USD fields are always set, EUR fields where the provider bills in EUR.
 */
export interface ServicePrice {
  /** Flat fee a month for one of the thing (cluster, load balancer, zone, key, address). */
  monthlyUsd?: number;
  monthlyEur?: number;
  /** Published hourly rate behind `monthlyUsd` (AWS: × 730). */
  hourlyUsd?: number;
  /** Per GB stored a month (volumes, object storage, logs, snapshots). */
  perGbMonthUsd?: number;
  perGbMonthEur?: number;
  /** Per GB transferred or processed (CDN, NAT, egress, log ingestion). */
  perGbUsd?: number;
  perGbEur?: number;
  /** Storage and transfer a flat fee already includes. */
  includedGb?: number;
  includedTransferGb?: number;
  /** Share of another price: a standby of its primary, backups of their server. */
  fraction?: number;
  /** Load balancer capacity units (AWS LCU / NLCU), per average unit a month. */
  perCapacityUnitMonthUsd?: number;
  /** WAF rules, each a month. */
  perRuleMonthUsd?: number;
  perMillionRequestsUsd?: number;
  /** EBS gp3 performance beyond the included baseline. */
  includedIops?: number;
  includedMbps?: number;
  perIopsMonthUsd?: number;
  perMbpsMonthUsd?: number;
  source: Source;
}

/** A type chosen for a profile, with the volume that makes up the documented disk. */
export interface Resolved {
  provider: Cloud;
  profile: string;
  type: MachineType;
  /** Disk beyond the type's own, bought as a volume (EBS gp3, DO volume, Hetzner volume). */
  extraDiskGb: number;
  /** Type price plus the extra volume's price. */
  monthlyUsd: number;
}
