import { COMPILED, cents, estimate } from "./common";
import { Arch, MachineType, ServicePrice, Source } from "./types";

// prices.md §3: EU locations (fsn1/nbg1/hel1), EUR net of VAT and of the primary IPv4, the monthly
// cap of hourly billing. The rate used is the one of 1 April 2026, which existing servers pay; new
// orders and rescales since 15 June 2026 pay more (`PRICE_LEVELS`, unverified). Before budgeting,
// read `GET https://api.hetzner.cloud/v1/pricing`. Shared and dedicated types stop at 16 vCPU and
// 32 GB (shared) or 64 GB (dedicated) except CCX53/CCX63, so larger profiles land on those two.

/** ECB reference rate of 2026-10-28, the one prices.md converts with (2026-05-27: 1.1637). */
export const USD_PER_EUR = 1.1133;

const usd = (eur: number) => cents(eur * USD_PER_EUR);

/** A figure confirmed by [H2]: the pricing API (2026-05-27) or gross list prices (2026-06-03). */
function H2(date: string, note: string): Source {
  return { ref: "[H2]", date, status: "confirmed", note };
}
const APRIL_RULE: Source = {
  ref: "[H1][H6]",
  date: "2026-04-05",
  status: "estimate",
  note:
    "October 2025 price [H1] × 1.30, rounded up to the next €x.49 or €x.99 " +
    "(the April 2026 rule [H6])",
};

/** [name, vCPU, RAM GB, disk GB, € Oct 2025, € 1 Apr 2026, € new orders (15 Jun 2026), source]. */
type Row = [string, number, number, number, number, number, number | null, Source];

const ROWS: Row[] = [
  // CX: shared x86. Replaced CX22..CX52 in October 2025; the old line is deprecated.
  ["cx23", 2, 4, 40, 2.99, 3.99, 5.49, H2("2026-06-03", "€4.99 gross at 25 % VAT; €2.00 per vCPU")],
  ["cx33", 4, 8, 80, 4.99, 6.49, 8.49, H2("2026-05-27", "API-verified (hourly €0.0104)")],
  ["cx43", 8, 16, 160, 8.99, 11.99, 15.99, H2("2026-06-03", "€14.99 gross")],
  ["cx53", 16, 32, 320, 16.99, 22.49, 29.49, H2("2026-06-03", "€28.11 gross; €1.41 per vCPU")],
  // CPX: shared AMD.
  ["cpx22", 2, 4, 80, 5.99, 7.99, 19.49, APRIL_RULE],
  ["cpx32", 4, 8, 160, 10.49, 13.99, 35.49, APRIL_RULE],
  ["cpx42", 8, 16, 320, 19.49, 25.49, 69.49, APRIL_RULE],
  ["cpx52", 12, 24, 480, 27.99, 36.49, 100.49, APRIL_RULE],
  ["cpx62", 16, 32, 640, 38.49, 50.49, 129.99, APRIL_RULE],
  // CAX: shared ARM (Ampere); no June price known.
  ["cax11", 2, 4, 40, 3.29, 4.49, null, APRIL_RULE],
  ["cax21", 4, 8, 80, 5.99, 7.99, null, APRIL_RULE],
  ["cax31", 8, 16, 160, 11.99, 15.99, null, APRIL_RULE],
  ["cax41", 16, 32, 320, 23.99, 31.49, null, APRIL_RULE],
  // CCX: dedicated AMD.
  ["ccx13", 2, 8, 80, 11.99, 15.99, 42.99, APRIL_RULE],
  ["ccx23", 4, 16, 160, 23.99, 31.49, 85.99, APRIL_RULE],
  ["ccx33", 8, 32, 240, 47.99, 62.49, 138.49, APRIL_RULE],
  ["ccx43", 16, 64, 360, 95.99, 124.99, 275.99, APRIL_RULE],
  ["ccx53", 32, 128, 600, 191.99, 249.99, null, APRIL_RULE],
  ["ccx63", 48, 192, 960, 287.99, 374.49, null, APRIL_RULE],
];

const archOf = (name: string): Arch => (name.startsWith("cax") ? "arm64" : "amd64");

export const MACHINES: MachineType[] = ROWS.map(
  ([name, vcpu, memoryGb, diskGb, , monthlyEur, , source]) => ({
    name,
    vcpu,
    memoryGb,
    diskGb,
    monthlyEur,
    monthlyUsd: usd(monthlyEur),
    arch: archOf(name),
    source,
  }),
);

/**
 * The three price levels of each server type, in EUR. `newOrders` comes from a third-party
 * snapshot of 2026-09-08 [H3], unverified, and is null where no figure was found.
 */
export const PRICE_LEVELS: Record<
  string,
  { october2025: number; april2026: number; newOrders: number | null }
> = Object.fromEntries(
  ROWS.map(([name, , , , october2025, april2026, newOrders]) => [
    name,
    { october2025, april2026, newOrders },
  ]),
);

const H4: Source = {
  ref: "[H4]",
  date: "2026-07-20",
  status: "confirmed",
  note: "an API-shaped test fixture: likely, not authoritative; consistent with the ×1.30 rule",
};

export const SERVICES = {
  /** Volume, per GB-month: exactly ×1.30 in April 2026. */
  volume: {
    perGbMonthEur: 0.0572,
    perGbMonthUsd: 0.0572 * USD_PER_EUR,
    source: H2("2026-05-27", "API-verified"),
  },
  /** Primary IPv4 of a server; an IPv6-only server saves it. */
  primaryIpv4: {
    monthlyEur: 0.65,
    monthlyUsd: usd(0.65),
    source: estimate("§3", "€0.50 before April 2026 [H1]; €0.65 if the ×1.30 rule applied"),
  },
  /** Load balancer types. */
  lb11: { monthlyEur: 7.49, monthlyUsd: usd(7.49), source: H4 },
  lb21: { monthlyEur: 21.49, monthlyUsd: usd(21.49), source: H4 },
  lb31: {
    monthlyEur: 42.99,
    monthlyUsd: usd(42.99),
    source: estimate("§3", "×1.30 rule from an unconfirmed October 2025 price (€32.90)"),
  },
  /** Object Storage: the base fee includes 1 TB stored and 1 TB egress. */
  objectStorage: {
    monthlyEur: 4.99,
    monthlyUsd: usd(4.99),
    includedGb: 1000,
    includedTransferGb: 1000,
    // €0.0067 per TB-hour ≈ €4.99 per TB-month; egress €1 per TB.
    perGbMonthEur: 0.00499,
    perGbMonthUsd: 0.00499 * USD_PER_EUR,
    perGbEur: 0.001,
    perGbUsd: 0.001 * USD_PER_EUR,
    source: {
      ref: "[H5]",
      date: "2024-12-06",
      status: "estimate",
      note: "the 2024 docs price (capped at €5.00 a month); an April 2026 change is unconfirmed",
    },
  },
  /** Backups: a share of the server price. */
  backups: { fraction: 0.2, source: { ref: "[H7]", date: COMPILED, status: "confirmed" } },
  snapshots: {
    perGbMonthEur: 0.0143,
    perGbMonthUsd: 0.0143 * USD_PER_EUR,
    source: estimate("§3", "the CNAP docs (2026) quote €0.01 per GB; April ×1.30 assumed"),
  },
  /** Traffic beyond the 20 TB each server includes: €1 per TB. */
  traffic: {
    includedTransferGb: 20_000,
    perGbEur: 0.001,
    perGbUsd: 0.001 * USD_PER_EUR,
    source: H2("2026-05-27", "€1.00 per TB"),
  },
} satisfies Record<string, ServicePrice>;
