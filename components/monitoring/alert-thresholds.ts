/** The documents' alert thresholds, their defaults and the invariants between them. */
export interface AlertThresholds {
  /** Minutes a scrape target or workload is down before paging. @default 5 (tiers document) */
  serviceDownMinutes: number;
  /** Share of 5xx responses per backend. @default 0.05 (tiers document) */
  serverErrorRatio: number;
  /** A 4xx spike: the 5-minute 4xx share exceeds this multiple of the previous hour's. @default 3 */
  clientErrorSpikeFactor: number;
  /** ...and is at least this share, so a quiet backend's few 4xx do not alert. @default 0.05 */
  clientErrorMinRatio: number;
  /** Response time above which responses are slow. @default 2 (tiers document) */
  latencySeconds: number;
  /** Latency quantile compared with latencySeconds. @default 0.95 (tiers document: p50, p95, p99) */
  latencyQuantile: number;
  /** Node CPU busy share. @default 0.8 (tiers document) */
  cpuUsageRatio: number;
  /** Node memory in use. @default 0.8 (tiers document) */
  memoryUsageRatio: number;
  /** Filesystem or volume use for a warning. @default 0.8 (tiers document) */
  diskWarningRatio: number;
  /** Filesystem or volume use for paging. @default 0.9 (tiers document) */
  diskCriticalRatio: number;
  /** Days before a certificate expires when paging starts. @default 7 (tiers document) */
  certificateExpiryDays: number;
  /** Replication lag for a warning. @default 60 (one fifth of the 5-minute RPO) */
  replicationLagWarningSeconds: number;
  /** Replication lag for paging. @default 300 (the 5-minute RPO, self-hosted §3.2) */
  replicationLagCriticalSeconds: number;
  /** Server connections in use as a share of max_connections. @default 0.8 */
  connectionUsageRatio: number;
  /** Age of the newest backup after which backups count as failing. @default 26 (daily + 2 h) */
  backupMaxAgeHours: number;
  /** Regular expression for the names of backup Jobs and CronJobs. @default ".*backup.*" */
  backupJobPattern: string;
  /** Deadlocks in one database within 10 minutes that warn. @default 1 (tiers document: Deadlocks) */
  deadlocksPerTenMinutes: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  serviceDownMinutes: 5,
  serverErrorRatio: 0.05,
  clientErrorSpikeFactor: 3,
  clientErrorMinRatio: 0.05,
  latencySeconds: 2,
  latencyQuantile: 0.95,
  cpuUsageRatio: 0.8,
  memoryUsageRatio: 0.8,
  diskWarningRatio: 0.8,
  diskCriticalRatio: 0.9,
  certificateExpiryDays: 7,
  replicationLagWarningSeconds: 60,
  replicationLagCriticalSeconds: 300,
  connectionUsageRatio: 0.8,
  backupMaxAgeHours: 26,
  backupJobPattern: ".*backup.*",
  deadlocksPerTenMinutes: 1,
};

export function validateThresholds(t: AlertThresholds): void {
  const problems: string[] = [];
  const ratio = (key: keyof AlertThresholds) => {
    const v = t[key] as number;
    if (!(v > 0 && v < 1)) problems.push(`${key} must lie between 0 and 1, got ${v}`);
  };
  const positive = (key: keyof AlertThresholds) => {
    const v = t[key] as number;
    if (!(Number.isFinite(v) && v > 0)) problems.push(`${key} must be a positive number, got ${v}`);
  };
  (
    [
      "serverErrorRatio",
      "clientErrorMinRatio",
      "latencyQuantile",
      "cpuUsageRatio",
      "memoryUsageRatio",
    ] as const
  ).forEach(ratio);
  (["diskWarningRatio", "diskCriticalRatio", "connectionUsageRatio"] as const).forEach(ratio);
  (
    [
      "serviceDownMinutes",
      "clientErrorSpikeFactor",
      "latencySeconds",
      "certificateExpiryDays",
    ] as const
  ).forEach(positive);
  (
    [
      "replicationLagWarningSeconds",
      "replicationLagCriticalSeconds",
      "backupMaxAgeHours",
      "deadlocksPerTenMinutes",
    ] as const
  ).forEach(positive);
  if (t.diskWarningRatio >= t.diskCriticalRatio)
    problems.push("diskWarningRatio must be below diskCriticalRatio");
  if (t.replicationLagWarningSeconds >= t.replicationLagCriticalSeconds)
    problems.push("replicationLagWarningSeconds must be below replicationLagCriticalSeconds");
  if (!Number.isInteger(t.serviceDownMinutes))
    problems.push("serviceDownMinutes must be whole minutes");
  try {
    new RegExp(`^(?:${t.backupJobPattern})$`);
  } catch {
    problems.push(`backupJobPattern is not a regular expression: ${t.backupJobPattern}`);
  }
  if (problems.length > 0) throw new RangeError(`alert thresholds: ${problems.join("; ")}`);
}
