import { estimate } from "./common";
import { MachineType, ServicePrice, Source } from "./types";

// prices.md §1: us-east-1, On-Demand, Linux, shared tenancy, list prices. EKS managed node groups
// cost the EC2 price of their instances and nothing more, so the same rows price them.

/** prices.md's monthly figure for an hourly AWS rate. */
export const HOURS_PER_MONTH = 730;

/** [size, vCPU, memory GiB, USD per hour, USD per month as prices.md gives it, own source]. */
type Row = [string, number, number, number, number, Source?];

// AWS names say what a family is: "g" after the generation is Graviton (ARM), and the T families
// are burstable. Burstable types run on CPU credits, so their throughput under sustained load is
// not the documented vCPU count: kept for pricing by name, never chosen for a profile.
function family(prefix: string, source: Source, rows: Row[]): MachineType[] {
  const kind = prefix.replace(/^(db|cache)\./, "");
  return rows.map(([size, vcpu, memoryGb, hourlyUsd, monthlyUsd, own]) => ({
    name: `${prefix}.${size}`,
    vcpu,
    memoryGb,
    // Instances and RDS/ElastiCache nodes carry no disk: EBS or RDS storage is bought per GB.
    diskGb: 0,
    hourlyUsd,
    monthlyUsd,
    arch: /^[a-z]+\d+g/.test(kind) ? "arm64" : "amd64",
    ...(kind.startsWith("t") && { selectable: false }),
    source: own ?? source,
  }));
}

const A1: Source = { ref: "[A1]", date: "2026-07-28", status: "confirmed" };
const A1b: Source = { ref: "[A1b]", date: "2026-04", status: "confirmed" };
const A1bd: Source = { ref: "[A1b][A1d]", date: "2026-04", status: "confirmed" };

export const MACHINES: MachineType[] = [
  ...family("m6i", { ...A1, ref: "[A1][A1b]" }, [
    ["large", 2, 8, 0.096, 70.08],
    ["xlarge", 4, 16, 0.192, 140.16],
    ["2xlarge", 8, 32, 0.384, 280.32],
    ["4xlarge", 16, 64, 0.768, 560.64],
    ["8xlarge", 32, 128, 1.536, 1121.28],
  ]),
  ...family("m7i", A1, [
    ["large", 2, 8, 0.1008, 73.58],
    ["xlarge", 4, 16, 0.2016, 147.17],
    ["2xlarge", 8, 32, 0.4032, 294.34],
    ["4xlarge", 16, 64, 0.8064, 588.67],
    ["8xlarge", 32, 128, 1.6128, 1177.34],
  ]),
  ...family("m7g", { ref: "[A1b][A1c]", date: "2026-06-17", status: "confirmed" }, [
    ["large", 2, 8, 0.0816, 59.57],
    ["xlarge", 4, 16, 0.1632, 119.14],
    ["2xlarge", 8, 32, 0.3264, 238.27],
    ["4xlarge", 16, 64, 0.6528, 476.54],
    ["8xlarge", 32, 128, 1.3056, 953.09],
  ]),
  ...family("c7i", A1bd, [
    ["large", 2, 4, 0.08925, 65.15],
    ["xlarge", 4, 8, 0.1785, 130.31],
    ["2xlarge", 8, 16, 0.357, 260.61],
    ["4xlarge", 16, 32, 0.714, 521.22],
    ["8xlarge", 32, 64, 1.428, 1042.44, { ...A1bd, status: "derived", note: "linear" }],
  ]),
  ...family("r7i", A1bd, [
    ["large", 2, 16, 0.1323, 96.58],
    ["xlarge", 4, 32, 0.2646, 193.16],
    ["2xlarge", 8, 64, 0.5292, 386.32],
    ["4xlarge", 16, 128, 1.0584, 772.63],
  ]),
  ...family("t3", { ...A1, ref: "[A1][A2]", note: "excludes unlimited-mode CPU credits" }, [
    ["medium", 2, 4, 0.0416, 30.37],
    ["large", 2, 8, 0.0832, 60.74],
    ["xlarge", 4, 16, 0.1664, 121.47],
  ]),
  ...family("t4g", A1, [
    ["medium", 2, 4, 0.0336, 24.53],
    ["large", 2, 8, 0.0672, 49.06],
    ["xlarge", 4, 16, 0.1344, 98.11],
  ]),
];

const R7G_ESTIMATE = estimate(
  "§1",
  "the PostgreSQL db.r6g.large price ($0.225, [A1b]) × 1.06, the r7g/r6g step seen on EC2 and " +
    "db.m7g/db.m6g; public fixtures disagree ($0.228–0.252) because they mix MySQL and Aurora",
);

/** RDS for PostgreSQL, Single-AZ; Multi-AZ and replicas are priced through `SERVICES`. */
export const DATABASES: MachineType[] = [
  ...family("db.t4g", { ref: "[A4]", date: "2026", status: "confirmed" }, [
    ["medium", 2, 4, 0.065, 47.45],
  ]),
  ...family("db.m7g", { ...A1b, note: "matches the PostgreSQL, not the MySQL, price list" }, [
    ["large", 2, 8, 0.168, 122.64],
    ["xlarge", 4, 16, 0.337, 246.01],
    ["2xlarge", 8, 32, 0.674, 492.02],
    ["4xlarge", 16, 64, 1.348, 984.04, estimate("§1", "the db.m7g.2xlarge price doubled")],
  ]),
  ...family("db.m6i", A1b, [
    ["large", 2, 8, 0.178, 129.94],
    ["xlarge", 4, 16, 0.356, 259.88],
    ["2xlarge", 8, 32, 0.712, 519.76],
    ["4xlarge", 16, 64, 1.424, 1039.52, estimate("§1", "doubled; m6i prices are exactly linear")],
  ]),
  ...family("db.r7g", R7G_ESTIMATE, [
    ["large", 2, 16, 0.239, 174.47],
    ["xlarge", 4, 32, 0.478, 348.94],
    ["2xlarge", 8, 64, 0.956, 697.88],
    ["4xlarge", 16, 128, 1.912, 1395.76],
  ]),
];

const A3: Source = {
  ref: "[A3]",
  date: "2026-10-02",
  status: "confirmed",
  note: "Valkey nodes cost 0.8× Redis OSS; node GiB figures are AWS node specs, not re-checked",
};

/** ElastiCache nodes, Valkey engine (the design's cache; Redis OSS costs 1.25× these). */
export const CACHES: MachineType[] = [
  ...family("cache.t4g", A3, [
    ["small", 2, 1.37, 0.0256, 18.69],
    ["medium", 2, 3.09, 0.052, 37.96],
  ]),
  ...family("cache.m7g", A3, [
    ["large", 2, 6.38, 0.1264, 92.27],
    ["xlarge", 4, 12.93, 0.252, 183.96],
  ]),
  ...family("cache.r7g", A3, [
    ["large", 2, 13.07, 0.1752, 127.9],
    ["xlarge", 4, 26.32, 0.3496, 255.21],
  ]),
];

const golden2024: Source = { ref: "[A2]", date: "2024-07-01", status: "confirmed" };
const eksGolden: Source = { ref: "[A2]", date: "2025-07-04", status: "confirmed" };

export const SERVICES = {
  /** EKS, standard support. */
  controlPlane: { hourlyUsd: 0.1, monthlyUsd: 73, source: eksGolden },
  /** EKS on a Kubernetes version past standard support: the reason to keep clusters upgraded. */
  controlPlaneExtendedSupport: { hourlyUsd: 0.6, monthlyUsd: 438, source: eksGolden },
  /** Every public IPv4 address, those of NAT gateways and load balancers included. */
  publicIpv4: {
    hourlyUsd: 0.005,
    monthlyUsd: 3.65,
    source: { ref: "[A5]", date: "2024-02-01", status: "confirmed" },
  },
  natGateway: { hourlyUsd: 0.045, monthlyUsd: 32.85, perGbUsd: 0.045, source: golden2024 },
  alb: {
    hourlyUsd: 0.0225,
    monthlyUsd: 16.43,
    perCapacityUnitMonthUsd: 5.84,
    source: { ...golden2024, note: "a small app uses 1–3 LCU, so about $22–34 a month" },
  },
  nlb: { hourlyUsd: 0.0225, monthlyUsd: 16.43, perCapacityUnitMonthUsd: 4.38, source: golden2024 },
  /** EBS gp3. */
  volume: {
    perGbMonthUsd: 0.08,
    includedIops: 3000,
    includedMbps: 125,
    perIopsMonthUsd: 0.005,
    perMbpsMonthUsd: 0.04,
    source: golden2024,
  },
  /** S3 Standard, first 50 TB. */
  objectStorage: { perGbMonthUsd: 0.023, source: golden2024 },
  objectStorageGlacierFlexible: { perGbMonthUsd: 0.0036, source: golden2024 },
  objectStorageDeepArchive: { perGbMonthUsd: 0.00099, source: golden2024 },
  /** CloudFront, US/EU, first 10 TB; HTTPS requests $0.0100 per 10k. */
  cdn: {
    perGbUsd: 0.085,
    perMillionRequestsUsd: 1,
    source: {
      ...golden2024,
      note: "flat-rate CloudFront plans (since about Nov 2025) not checked",
    },
  },
  /** WAFv2: a web ACL a month, plus each rule and each million requests. */
  waf: { monthlyUsd: 5, perRuleMonthUsd: 1, perMillionRequestsUsd: 0.6, source: golden2024 },
  /** RDS gp3 storage of one instance; a Multi-AZ standby doubles it with the instance. */
  databaseStorage: {
    perGbMonthUsd: 0.115,
    source: { ref: "[A2][A4]", date: "2026-05-03", status: "confirmed" },
  },
  /** RDS backup storage beyond the free allowance (100 % of provisioned storage). */
  databaseBackupStorage: {
    perGbMonthUsd: 0.095,
    source: { ref: "[A2][A4]", date: "2026-05-03", status: "confirmed" },
  },
  /** RDS Multi-AZ standby: exactly the instance and its storage again. */
  databaseStandby: { fraction: 1, source: { ref: "[A4]", date: "2026", status: "confirmed" } },
  databaseReadReplica: {
    fraction: 1,
    source: {
      ref: "https://aws.amazon.com/rds/postgresql/pricing/",
      date: "2026",
      status: "estimate",
      note:
        "not in prices.md: a read replica is billed as a Single-AZ instance of its class, " +
        "with its own storage",
    },
  },
  /** KMS customer-managed key; requests $0.03 per 10k. */
  kmsKey: { monthlyUsd: 1, perMillionRequestsUsd: 3, source: golden2024 },
  /** CloudWatch Logs: ingestion per GB, storage per GB-month. */
  logs: { perGbUsd: 0.5, perGbMonthUsd: 0.03, source: golden2024 },
  /** CloudWatch Logs Insights, per GB scanned. */
  logsInsights: { perGbUsd: 0.005, source: golden2024 },
  /** Route 53 hosted zone (first 25). */
  dnsZone: {
    monthlyUsd: 0.5,
    perMillionRequestsUsd: 0.4,
    source: { ...golden2024, note: "the query price is an estimate (well known, not re-checked)" },
  },
  /** AWS Backup, EBS snapshot (warm). */
  backupEbsSnapshot: {
    perGbMonthUsd: 0.05,
    source: estimate(
      "§1",
      "[A2] backup_vault shows us-west-1 $0.055; us-east-1's standard EBS snapshot rate",
    ),
  },
  backupRdsSnapshot: {
    perGbMonthUsd: 0.095,
    source: {
      ref: "[A2]",
      date: "2026-05-03",
      status: "confirmed",
      note: "same in every US region",
    },
  },
  backupEfsWarm: {
    perGbMonthUsd: 0.05,
    source: estimate("§1", "[A2] gives us-west-1 $0.06; us-east-1 not confirmed"),
  },
} satisfies Record<string, ServicePrice>;
