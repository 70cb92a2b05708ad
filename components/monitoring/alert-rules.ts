/**
 * Prometheus alerting rules for the documents' alerting strategy, in rule-file shape; the object is
 * also a valid PrometheusRule `spec`.
 *
 * infrastructure-recommendations.md "Alerting Strategy":
 * - critical (page on-call): service down > 5 minutes, database unavailable, 5xx error rate > 5 %,
 *   disk usage > 90 %, certificate expiring < 7 days;
 * - warning (email/Slack): CPU or memory > 80 %, slow responses > 2 s, 4xx error rate spike,
 *   disk usage > 80 %, backup failure.
 * Added from the same documents' metric lists: replication lag (warning > 60 s, critical > 300 s:
 * the database RPO is 5 minutes in both documents, so a warning at one fifth of it leaves time to
 * act before the RPO is lost) and connection pool usage / clients waiting for a connection.
 *
 * Metric families are those of the exporters the platform deploys: node_exporter, kube-state-metrics,
 * kubelet volume stats, CloudNativePG's instance and pooler exporters (`cnpg_*`), postgres_exporter
 * (`pg_*`, managed databases), pgbouncer_exporter, redis_exporter, cert-manager, and for HTTP the
 * Envoy Gateway cluster statistics (per backend, `envoy_cluster_name`), one family for errors and
 * latency alike. A stack renders only the rules, and the alternatives of a rule, whose metrics a
 * scrape target of that stack produces (`MetricSources`): a rule that reads a series nobody exports
 * never fires, which is worse than no rule. Each rule names its exporters in a `source` annotation.
 * A warning and a critical rule for the same condition share one alert name, so Alertmanager can
 * hold back the warning while the critical alert fires (alertmanager-config.ts).
 */
import { stringify } from "yaml";

export type Severity = "critical" | "warning";

export interface PrometheusRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: Severity } & Record<string, string>;
  annotations: { summary: string; description: string } & Record<string, string>;
}

export interface PrometheusRuleGroup {
  name: string;
  rules: PrometheusRule[];
}

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

/**
 * Exporters whose series the rules read, with the words the `source` annotation uses. The first
 * four come with every stack (kube-prometheus-stack and Prometheus itself); the others exist only
 * where the stack deploys that service and a PodMonitor for it.
 */
export const METRIC_SOURCE_NAMES = {
  prometheus: "Prometheus scrape status (up)",
  kubeStateMetrics: "kube-state-metrics",
  kubelet: "kubelet volume statistics",
  nodeExporter: "node_exporter",
  cloudnativePg: "CloudNativePG instance exporter",
  cnpgPooler: "CloudNativePG Pooler exporter",
  postgresExporter: "postgres_exporter on the managed Postgres",
  pgbouncerExporter: "pgbouncer_exporter beside PgBouncer",
  redisExporter: "redis_exporter",
  envoy: "Envoy Gateway proxy statistics",
  certManager: "cert-manager controller",
} as const;
export type MetricSource = keyof typeof METRIC_SOURCE_NAMES;

/** Sources every stack has: the chart's node exporter, kube-state-metrics, kubelet, Prometheus. */
export const BASE_SOURCES = ["prometheus", "kubeStateMetrics", "kubelet", "nodeExporter"] as const;
type OptionalSource = Exclude<MetricSource, (typeof BASE_SOURCES)[number]>;

/** Which optional scrape targets a stack deploys; a rule reads nothing else. */
export type MetricSources = Record<OptionalSource, boolean>;

/** Every source: the full rule set, as the rule tests check it. */
export const ALL_SOURCES: MetricSources = {
  cloudnativePg: true,
  cnpgPooler: true,
  postgresExporter: true,
  pgbouncerExporter: true,
  redisExporter: true,
  envoy: true,
  certManager: true,
};

const ENVOY_SOURCE =
  "Envoy Gateway cluster statistics per backend (envoy_cluster_name): envoy_cluster_upstream_rq_xx by " +
  "envoy_response_code_class, envoy_cluster_upstream_rq_time_bucket in milliseconds.";
const REAL_FILESYSTEMS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs|fuse.lxcfs"';

function validate(t: AlertThresholds): void {
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

/** A PromQL string literal (Go-style escapes, the same as JSON's for these characters). */
const promString = (s: string) => JSON.stringify(s);

/** One way to compute a rule's condition, from one exporter's series. */
type Alternative = readonly [MetricSource, string];

function rule(
  alert: string,
  severity: Severity,
  from: readonly MetricSource[],
  expr: string,
  forDuration: string | undefined,
  summary: string,
  description: string,
): PrometheusRule {
  return {
    alert,
    expr,
    ...(forDuration ? { for: forDuration } : {}),
    labels: { severity },
    annotations: {
      summary,
      description,
      source: [...new Set(from)].map((s) => METRIC_SOURCE_NAMES[s]).join(", "),
    },
  };
}

/**
 * The documents' alerts, grouped by concern, for a stack with the given scrape targets (every
 * one by default); `thresholds` overrides any default. A rule whose every alternative reads an
 * exporter the stack does not run is left out, and so is each such alternative.
 */
export function alertRules(
  thresholds: Partial<AlertThresholds> = {},
  sources: MetricSources = ALL_SOURCES,
): { groups: PrometheusRuleGroup[] } {
  const t: AlertThresholds = { ...DEFAULT_ALERT_THRESHOLDS, ...thresholds };
  validate(t);
  const has = (s: MetricSource) =>
    (BASE_SOURCES as readonly string[]).includes(s) || sources[s as OptionalSource];
  /** The rule over the alternatives the stack can compute, joined with `or`; none without any. */
  const anyOf = (
    alternatives: readonly Alternative[],
    make: (expr: string, from: MetricSource[]) => PrometheusRule,
  ): PrometheusRule[] => {
    const usable = alternatives.filter(([s]) => has(s));
    if (usable.length === 0) return [];
    return [
      make(
        usable.map(([, e]) => e).join(" or "),
        usable.map(([s]) => s),
      ),
    ];
  };
  /** A rule of one source, where the stack has it. */
  const when = (source: MetricSource, make: () => PrometheusRule): PrometheusRule[] =>
    has(source) ? [make()] : [];

  const pct = (r: number) => `${Math.round(r * 1000) / 10} %`;
  const down = `${t.serviceDownMinutes}m`;
  const ratioOf = (cls: string, range: string, offset = "") => {
    const window = offset ? `[${range}] offset ${offset}` : `[${range}]`;
    return (
      `sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx{envoy_response_code_class="${cls}"}${window}))` +
      ` / sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx${window}))`
    );
  };
  // The spike is measured against the hour that ended 30 minutes ago, so a spike does not raise its
  // own baseline before the alert's `for` has passed.
  const clientRatio5m = ratioOf("4", "5m");
  const clientRatioBaseline = ratioOf("4", "1h", "30m");
  const backupJobs = promString(t.backupJobPattern);
  const maxBackupAge = t.backupMaxAgeHours * 3600;
  const usage = (avail: string, size: string) => `1 - ${avail} / ${size}`;
  const fsUsage = usage(
    `node_filesystem_avail_bytes{${REAL_FILESYSTEMS}}`,
    `node_filesystem_size_bytes{${REAL_FILESYSTEMS}}`,
  );
  const volumeUsage = usage(
    "kubelet_volume_stats_available_bytes",
    "kubelet_volume_stats_capacity_bytes",
  );

  const availability: PrometheusRule[] = [
    rule(
      "ServiceDown",
      "critical",
      ["prometheus"],
      "up == 0",
      down,
      "{{ $labels.job }} target {{ $labels.instance }} is down",
      `Prometheus has not scraped {{ $labels.job }} at {{ $labels.instance }} for ${t.serviceDownMinutes} minutes (metric: up). Tiers document: service down > 5 minutes pages on-call.`,
    ),
    rule(
      "WorkloadUnavailable",
      "critical",
      ["kubeStateMetrics"],
      "kube_deployment_status_replicas_available == 0 and on (namespace, deployment) kube_deployment_spec_replicas > 0",
      down,
      "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has no available replica",
      `No replica of the deployment has been available for ${t.serviceDownMinutes} minutes (kube-state-metrics). Tiers document: service down > 5 minutes pages on-call.`,
    ),
    ...anyOf(
      [
        ["cloudnativePg", "cnpg_collector_up == 0"],
        ["postgresExporter", "pg_up == 0"],
      ],
      (expr, from) =>
        rule(
          "DatabaseUnavailable",
          "critical",
          from,
          expr,
          "1m",
          "Postgres {{ $labels.namespace }}/{{ $labels.pod }}{{ $labels.instance }} is unavailable",
          "The exporter cannot reach Postgres (cnpg_collector_up for CloudNativePG instances, pg_up from postgres_exporter for managed databases). Tiers document: database unavailable pages on-call.",
        ),
    ),
    ...when("redisExporter", () =>
      rule(
        "CacheUnavailable",
        "critical",
        ["redisExporter"],
        "redis_up == 0",
        down,
        "Cache {{ $labels.namespace }}/{{ $labels.pod }}{{ $labels.instance }} is unavailable",
        `redis_exporter has not reached the Valkey server for ${t.serviceDownMinutes} minutes (redis_up). Tiers document: service down > 5 minutes pages on-call.`,
      ),
    ),
  ];

  const http: PrometheusRule[] = has("envoy")
    ? [
        rule(
          "HttpServerErrorRateHigh",
          "critical",
          ["envoy"],
          `${ratioOf("5", "5m")} > ${t.serverErrorRatio}`,
          "5m",
          "{{ $labels.envoy_cluster_name }} answers {{ $value | humanizePercentage }} of requests with 5xx",
          `More than ${pct(t.serverErrorRatio)} of responses over 5 minutes were 5xx. Tiers document: 5xx error rate > 5 % pages on-call. Source: ${ENVOY_SOURCE}`,
        ),
        rule(
          "HttpClientErrorRateSpike",
          "warning",
          ["envoy"],
          `(${clientRatio5m}) > ${t.clientErrorMinRatio} and (${clientRatio5m}) > ${t.clientErrorSpikeFactor} * (${clientRatioBaseline})`,
          "10m",
          "{{ $labels.envoy_cluster_name }} 4xx share jumped to {{ $value | humanizePercentage }}",
          `The 4xx share over 5 minutes is above ${pct(t.clientErrorMinRatio)} and more than ${t.clientErrorSpikeFactor} times its share in the hour that ended 30 minutes ago. Tiers document: 4xx error rate spike is a warning. Source: ${ENVOY_SOURCE}`,
        ),
        rule(
          "HttpSlowResponses",
          "warning",
          ["envoy"],
          `histogram_quantile(${t.latencyQuantile}, sum by (envoy_cluster_name, le) (rate(envoy_cluster_upstream_rq_time_bucket[5m]))) > ${t.latencySeconds * 1000}`,
          "10m",
          `{{ $labels.envoy_cluster_name }} p${Math.round(t.latencyQuantile * 100)} response time is {{ $value | humanize }} ms`,
          `The ${Math.round(t.latencyQuantile * 100)}th percentile response time over 5 minutes is above ${t.latencySeconds} s. Tiers document: slow response times (> 2 s) are a warning. Source: ${ENVOY_SOURCE}`,
        ),
      ]
    : [];

  const resources: PrometheusRule[] = [
    rule(
      "NodeCpuUsageHigh",
      "warning",
      ["nodeExporter"],
      `1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) > ${t.cpuUsageRatio}`,
      "15m",
      "Node {{ $labels.instance }} CPU is {{ $value | humanizePercentage }} busy",
      `CPU busy above ${pct(t.cpuUsageRatio)} for 15 minutes (node_exporter node_cpu_seconds_total). Tiers document: high CPU usage (> 80 %) is a warning.`,
    ),
    rule(
      "NodeMemoryUsageHigh",
      "warning",
      ["nodeExporter"],
      `1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes > ${t.memoryUsageRatio}`,
      "15m",
      "Node {{ $labels.instance }} memory is {{ $value | humanizePercentage }} used",
      `Memory in use above ${pct(t.memoryUsageRatio)} for 15 minutes (node_exporter MemAvailable / MemTotal). Tiers document: high memory usage (> 80 %) is a warning.`,
    ),
    rule(
      "DiskUsageHigh",
      "critical",
      ["nodeExporter"],
      `${fsUsage} > ${t.diskCriticalRatio}`,
      "5m",
      "{{ $labels.instance }} {{ $labels.mountpoint }} is {{ $value | humanizePercentage }} full",
      `Filesystem use above ${pct(t.diskCriticalRatio)} (node_exporter node_filesystem_avail_bytes / node_filesystem_size_bytes). Tiers document: disk usage > 90 % pages on-call.`,
    ),
    rule(
      "DiskUsageHigh",
      "warning",
      ["nodeExporter"],
      `${fsUsage} > ${t.diskWarningRatio}`,
      "15m",
      "{{ $labels.instance }} {{ $labels.mountpoint }} is {{ $value | humanizePercentage }} full",
      `Filesystem use above ${pct(t.diskWarningRatio)} (node_exporter node_filesystem_avail_bytes / node_filesystem_size_bytes). Tiers document: disk usage > 80 % is a warning.`,
    ),
    rule(
      "VolumeUsageHigh",
      "critical",
      ["kubelet"],
      `${volumeUsage} > ${t.diskCriticalRatio}`,
      "5m",
      "Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full",
      `Persistent volume use above ${pct(t.diskCriticalRatio)} (kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes). Tiers document: disk usage > 90 % pages on-call.`,
    ),
    rule(
      "VolumeUsageHigh",
      "warning",
      ["kubelet"],
      `${volumeUsage} > ${t.diskWarningRatio}`,
      "15m",
      "Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full",
      `Persistent volume use above ${pct(t.diskWarningRatio)} (kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes). Tiers document: disk usage > 80 % is a warning.`,
    ),
  ];

  const certificates: PrometheusRule[] = when("certManager", () =>
    rule(
      "CertificateExpiringSoon",
      "critical",
      ["certManager"],
      `certmanager_certificate_expiration_timestamp_seconds - time() < ${t.certificateExpiryDays * 86400}`,
      "10m",
      "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in {{ $value | humanizeDuration }}",
      `The certificate expires in less than ${t.certificateExpiryDays} days and cert-manager has not renewed it (certmanager_certificate_expiration_timestamp_seconds). Tiers document: certificate expiring < 7 days pages on-call.`,
    ),
  );

  // A managed server's replicas report their lag to the cloud (RDS ReplicaLag, a CloudWatch alarm
  // in components/aws/database.ts); postgres_exporter on the primary sees it in bytes only.
  const connectionRatio = (backends: string, maxConnections: string) =>
    `sum by (namespace, pod) (${backends}) / on (namespace, pod) max by (namespace, pod) (${maxConnections}) > ${t.connectionUsageRatio}`;
  // Deadlocks are counted per database since the statistics were reset (pg_stat_database.deadlocks,
  // PostgreSQL documentation, "The Cumulative Statistics System").
  const deadlocks = (counter: string) =>
    `sum by (namespace, pod, datname) (increase(${counter}[10m])) >= ${t.deadlocksPerTenMinutes}`;
  const database: PrometheusRule[] = [
    ...when("cloudnativePg", () =>
      rule(
        "PostgresReplicationLag",
        "critical",
        ["cloudnativePg"],
        `cnpg_pg_replication_lag > ${t.replicationLagCriticalSeconds}`,
        "1m",
        "Replica {{ $labels.namespace }}/{{ $labels.pod }} is {{ $value | humanizeDuration }} behind",
        `Replication lag above ${t.replicationLagCriticalSeconds} s: the database RPO of 5 minutes (self-hosted §3.2, tiers document) is lost if the primary fails now (cnpg_pg_replication_lag).`,
      ),
    ),
    ...when("cloudnativePg", () =>
      rule(
        "PostgresReplicationLag",
        "warning",
        ["cloudnativePg"],
        `cnpg_pg_replication_lag > ${t.replicationLagWarningSeconds}`,
        "5m",
        "Replica {{ $labels.namespace }}/{{ $labels.pod }} is {{ $value | humanizeDuration }} behind",
        `Replication lag above ${t.replicationLagWarningSeconds} s for 5 minutes, on its way to the 5-minute RPO (cnpg_pg_replication_lag).`,
      ),
    ),
    ...anyOf(
      [
        [
          "cloudnativePg",
          connectionRatio(
            "cnpg_backends_total",
            'cnpg_pg_settings_setting{name="max_connections"}',
          ),
        ],
        [
          "postgresExporter",
          connectionRatio("pg_stat_database_numbackends", "pg_settings_max_connections"),
        ],
      ],
      (expr, from) =>
        rule(
          "PostgresConnectionPoolUsageHigh",
          "warning",
          from,
          expr,
          "5m",
          "Postgres {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of max_connections",
          `Server connections above ${pct(t.connectionUsageRatio)} of max_connections for 5 minutes; new connections fail once it is reached (cnpg_backends_total / cnpg_pg_settings_setting, or postgres_exporter's pg_stat_database_numbackends / pg_settings_max_connections). Tiers document: connection pool usage and database connection errors are monitored.`,
        ),
    ),
    ...anyOf(
      [
        // The CloudNativePG Pooler's own metric, or the exporter beside the PgBouncer in front of RDS.
        ["cnpgPooler", "sum by (namespace, pod) (cnpg_pgbouncer_pools_cl_waiting) > 0"],
        [
          "pgbouncerExporter",
          "sum by (namespace, pod) (pgbouncer_pools_client_waiting_connections) > 0",
        ],
      ],
      (expr, from) =>
        rule(
          "PostgresPoolerClientsWaiting",
          "warning",
          from,
          expr,
          "5m",
          "Pooler {{ $labels.namespace }}/{{ $labels.pod }} has {{ $value }} clients waiting for a server connection",
          "Clients have been queued in PgBouncer for a server connection for 5 minutes: the pool is exhausted, and clients that wait past query_wait_timeout get connection errors (cnpg_pgbouncer_pools_cl_waiting, pgbouncer_pools_client_waiting_connections). Tiers document: database connection errors are monitored.",
        ),
    ),
    ...anyOf(
      [
        ["cloudnativePg", deadlocks("cnpg_pg_stat_database_deadlocks")],
        ["postgresExporter", deadlocks("pg_stat_database_deadlocks")],
      ],
      (expr, from) =>
        rule(
          "PostgresDeadlocks",
          "warning",
          from,
          expr,
          undefined,
          "Postgres {{ $labels.namespace }}/{{ $labels.pod }} database {{ $labels.datname }} had {{ $value | humanize }} deadlocks in 10 minutes",
          `Postgres broke at least ${t.deadlocksPerTenMinutes} deadlock(s) in 10 minutes by aborting a transaction, which the application sees as an error (pg_stat_database.deadlocks: cnpg_pg_stat_database_deadlocks, or postgres_exporter's pg_stat_database_deadlocks). Tiers document: Database metrics, deadlocks.`,
        ),
    ),
  ];

  // One rule per alert name and severity (promtool rejects duplicates), so each covers both the
  // CloudNativePG base backups and backup Jobs/CronJobs (self-hosted §3.1 dumps, MinIO sync).
  const backups: PrometheusRule[] = [
    ...anyOf(
      [
        ["kubeStateMetrics", `kube_job_status_failed{job_name=~${backupJobs}} > 0`],
        [
          "cloudnativePg",
          "cnpg_collector_last_failed_backup_timestamp > cnpg_collector_last_available_backup_timestamp",
        ],
      ],
      (expr, from) =>
        rule(
          "BackupFailed",
          "warning",
          from,
          expr,
          undefined,
          "Backup of {{ $labels.namespace }}/{{ $labels.job_name }}{{ $labels.pod }} failed",
          "A backup Job ended in failure (kube-state-metrics kube_job_status_failed), or CloudNativePG's last failed backup is newer than its last available one (cnpg_collector_last_failed_backup_timestamp). Tiers document: backup failure is a warning.",
        ),
    ),
    ...anyOf(
      [
        [
          "cloudnativePg",
          `time() - cnpg_collector_last_available_backup_timestamp > ${maxBackupAge}`,
        ],
        [
          "kubeStateMetrics",
          `time() - kube_cronjob_status_last_successful_time{cronjob=~${backupJobs}} > ${maxBackupAge}`,
        ],
      ],
      (expr, from) =>
        rule(
          "BackupTooOld",
          "warning",
          from,
          expr,
          "10m",
          "Newest backup of {{ $labels.namespace }}/{{ $labels.cronjob }}{{ $labels.pod }} is {{ $value | humanizeDuration }} old",
          `No backup has completed in ${t.backupMaxAgeHours} hours although full backups run daily (tiers document), so scheduled backups are failing or not running (cnpg_collector_last_available_backup_timestamp, kube-state-metrics kube_cronjob_status_last_successful_time).`,
        ),
    ),
  ];

  return {
    groups: [
      { name: "platform-availability", rules: availability },
      { name: "platform-http", rules: http },
      { name: "platform-resources", rules: resources },
      { name: "platform-certificates", rules: certificates },
      { name: "platform-database", rules: database },
      { name: "platform-backups", rules: backups },
    ].filter((g) => g.rules.length > 0),
  };
}

/** The rules as a Prometheus rule file (YAML). */
export function renderRuleFile(
  thresholds: Partial<AlertThresholds> = {},
  sources: MetricSources = ALL_SOURCES,
): string {
  return stringify(alertRules(thresholds, sources), { lineWidth: 0 });
}
