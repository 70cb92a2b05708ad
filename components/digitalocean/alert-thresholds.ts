/** DigitalOcean's uptime and resource alerts, with the documents' thresholds. */

export interface UptimeAlertSpec {
  key: string;
  type: "down" | "latency" | "ssl_expiry";
  severity: "critical" | "warning";
  period?: "5m";
  comparison?: "greater_than" | "less_than";
  threshold?: number;
}

/**
 * Tiers document, Alerting Strategy: service down more than 5 minutes and a certificate expiring
 * in under 7 days are critical; responses slower than 2 s are a warning.
 */
export const UPTIME_ALERTS: readonly UptimeAlertSpec[] = [
  { key: "down", type: "down", severity: "critical", period: "5m" },
  {
    key: "latency",
    type: "latency",
    severity: "warning",
    period: "5m",
    comparison: "greater_than",
    threshold: 2000,
  },
  { key: "ssl", type: "ssl_expiry", severity: "critical", comparison: "less_than", threshold: 7 },
];

export interface MonitorAlertSpec {
  key: string;
  type: string;
  value: number;
  severity: "critical" | "warning";
  description: string;
}

/**
 * Tiers document, Infrastructure Metrics and Alerting Strategy: CPU and memory above 80 % warn,
 * disk above 80 % warns and above 90 % is critical. DigitalOcean evaluates them per node.
 */
export const NODE_ALERTS: readonly MonitorAlertSpec[] = [
  {
    key: "cpu",
    type: "v1/insights/droplet/cpu",
    value: 80,
    severity: "warning",
    description: "CPU above 80 %",
  },
  {
    key: "memory",
    type: "v1/insights/droplet/memory_utilization_percent",
    value: 80,
    severity: "warning",
    description: "memory above 80 %",
  },
  {
    key: "disk-warning",
    type: "v1/insights/droplet/disk_utilization_percent",
    value: 80,
    severity: "warning",
    description: "disk above 80 %",
  },
  {
    key: "disk-critical",
    type: "v1/insights/droplet/disk_utilization_percent",
    value: 90,
    severity: "critical",
    description: "disk above 90 %",
  },
];

/** The same thresholds for the managed database clusters. */
export const DATABASE_ALERTS: readonly MonitorAlertSpec[] = [
  {
    key: "cpu",
    type: "v1/dbaas/alerts/cpu_alerts",
    value: 80,
    severity: "warning",
    description: "CPU above 80 %",
  },
  {
    key: "memory",
    type: "v1/dbaas/alerts/memory_utilization_alerts",
    value: 80,
    severity: "warning",
    description: "memory above 80 %",
  },
  {
    key: "disk-warning",
    type: "v1/dbaas/alerts/disk_utilization_alerts",
    value: 80,
    severity: "warning",
    description: "disk above 80 %",
  },
  {
    key: "disk-critical",
    type: "v1/dbaas/alerts/disk_utilization_alerts",
    value: 90,
    severity: "critical",
    description: "disk above 90 %",
  },
];
