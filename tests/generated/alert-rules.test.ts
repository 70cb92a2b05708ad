/**
 * The generated alert rules, checked by the real Debian `promtool`: `check rules` on the rendered
 * file, and generated unit tests that show each alert firing just above its documented threshold
 * after its `for` duration, and not just below it or before that duration.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import {
  ALL_SOURCES,
  DEFAULT_ALERT_THRESHOLDS,
  METRIC_SOURCE_NAMES,
  PrometheusRule,
  alertRules,
  renderRuleFile,
} from "../../components/monitoring/alert-rules";
import { makeTempDir, removeDir, requireProgram, run } from "../helpers/real-programs";

const promtool = requireProgram("promtool", "prometheus");

type Labels = Record<string, string>;
interface Series {
  series: string;
  values: string;
}
interface Check {
  /** Minutes after the first sample. */
  at: number;
  /** Labels of each alert expected to be firing (without alertname), none when empty. */
  fires: Labels[];
}
interface Case {
  title: string;
  alert: string;
  series: Series[];
  checks: Check[];
  /** Compare annotations too (the real rule file with templates is loaded). */
  annotations?: Record<string, string>;
}

const allRules: PrometheusRule[] = alertRules().groups.flatMap((g) => g.rules);

/** The rule's `for`, in minutes (0 when it fires at once). */
function forOf(alert: string, severity: "critical" | "warning"): number {
  const r = allRules.find((x) => x.alert === alert && x.labels.severity === severity);
  if (!r) throw new Error(`no ${severity} rule ${alert}`);
  if (!r.for) return 0;
  const m = /^(\d+)m$/.exec(r.for);
  if (!m) throw new Error(`unexpected for: ${r.for}`);
  return Number(m[1]);
}

const selector = (name: string, labels: Labels) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;
const gauge = (name: string, labels: Labels, value: number, minutes = 150): Series => ({
  series: selector(name, labels),
  values: `${value}x${minutes}`,
});
/** A counter growing by `perMinute` for each [perMinute, minutes] segment in turn. */
function counter(name: string, labels: Labels, segments: [number, number][]): Series {
  const values = [0];
  for (const [perMinute, minutes] of segments)
    for (let i = 0; i < minutes; i++)
      values.push(Math.round((values[values.length - 1] + perMinute) * 1000) / 1000);
  return { series: selector(name, labels), values: values.join(" ") };
}
const critical = (labels: Labels) => ({ ...labels, severity: "critical" });
const warning = (labels: Labels) => ({ ...labels, severity: "warning" });
const none = (...at: number[]): Check[] => at.map((m) => ({ at: m, fires: [] }));

const api = { job: "api", instance: "10.0.0.5:3000" };
const route = { envoy_cluster_name: "httproute/apps/api/rule/0" };
const node = { instance: "node-1:9100" };
const rootFs = { ...node, device: "/dev/vda1", fstype: "ext4", mountpoint: "/" };
const pvc = { namespace: "data", persistentvolumeclaim: "pgdata-postgres-1" };
const replica = { namespace: "data", pod: "postgres-2" };
const exporterPod = { namespace: "data", pod: "postgres-exporter-0" };

function responses(classes: Record<string, [number, number][]>): Series[] {
  return Object.entries(classes).map(([cls, segments]) =>
    counter("envoy_cluster_upstream_rq_xx", { ...route, envoy_response_code_class: cls }, segments),
  );
}
function latency(under1s: number): Series[] {
  // Envoy's default buckets around 2 s are 1000 and 2500 ms: with 100 requests a minute, `under1s`
  // of them under 1 s and the rest under 2.5 s, p95 interpolates to 1000 + 1500 × (95 − n) / (100 − n).
  return [
    counter("envoy_cluster_upstream_rq_time_bucket", { ...route, le: "1000" }, [[under1s, 60]]),
    counter("envoy_cluster_upstream_rq_time_bucket", { ...route, le: "2500" }, [[100, 60]]),
    counter("envoy_cluster_upstream_rq_time_bucket", { ...route, le: "+Inf" }, [[100, 60]]),
  ];
}
const disk = (avail: number, labels: Labels = rootFs) => [
  gauge("node_filesystem_size_bytes", labels, 1000),
  gauge("node_filesystem_avail_bytes", labels, avail),
];
const volume = (avail: number) => [
  gauge("kubelet_volume_stats_capacity_bytes", pvc, 1000),
  gauge("kubelet_volume_stats_available_bytes", pvc, avail),
];
const cpu = (idlePerMinute: number) =>
  ["0", "1"].map((c) =>
    counter("node_cpu_seconds_total", { ...node, cpu: c, mode: "idle" }, [[idlePerMinute, 60]]),
  );
const backends = (active: number, idle: number) => [
  gauge(
    "cnpg_backends_total",
    { ...replica, datname: "app", usename: "app", state: "active" },
    active,
  ),
  gauge("cnpg_backends_total", { ...replica, datname: "app", usename: "app", state: "idle" }, idle),
  gauge("cnpg_pg_settings_setting", { ...replica, name: "max_connections" }, 200),
];

// Tiers document: "Service down (>5 minutes)"; the other durations are the rules' own.
const DOWN = 5;
const HOUR = 3600;
const maxBackupAge = DEFAULT_ALERT_THRESHOLDS.backupMaxAgeHours * HOUR;

const cases: Case[] = [
  {
    title: "service down pages after 5 minutes, not after 4",
    alert: "ServiceDown",
    series: [gauge("up", api, 0, 30)],
    checks: [...none(DOWN - 1), { at: DOWN, fires: [critical(api)] }],
  },
  {
    title: "a target down for only 4 minutes does not page",
    alert: "ServiceDown",
    series: [{ series: selector("up", api), values: "0x4 1x30" }],
    checks: none(DOWN - 1, DOWN, DOWN + 5),
  },
  {
    title: "a target that is up does not page",
    alert: "ServiceDown",
    series: [gauge("up", api, 1, 30)],
    checks: none(30),
  },
  {
    title: "a deployment with no available replica for 5 minutes pages",
    alert: "WorkloadUnavailable",
    series: [
      gauge(
        "kube_deployment_status_replicas_available",
        { namespace: "apps", deployment: "api" },
        0,
        30,
      ),
      gauge("kube_deployment_spec_replicas", { namespace: "apps", deployment: "api" }, 2, 30),
    ],
    checks: [
      ...none(DOWN - 1),
      { at: DOWN, fires: [critical({ namespace: "apps", deployment: "api" })] },
    ],
  },
  {
    title: "a deployment with one available replica, or scaled to zero, does not page",
    alert: "WorkloadUnavailable",
    series: [
      gauge(
        "kube_deployment_status_replicas_available",
        { namespace: "apps", deployment: "api" },
        1,
        30,
      ),
      gauge("kube_deployment_spec_replicas", { namespace: "apps", deployment: "api" }, 2, 30),
      gauge(
        "kube_deployment_status_replicas_available",
        { namespace: "apps", deployment: "batch" },
        0,
        30,
      ),
      gauge("kube_deployment_spec_replicas", { namespace: "apps", deployment: "batch" }, 0, 30),
    ],
    checks: none(30),
  },
  {
    title: "an unreachable CloudNativePG instance or managed database pages",
    alert: "DatabaseUnavailable",
    series: [
      gauge("cnpg_collector_up", { namespace: "data", pod: "postgres-1" }, 0, 30),
      gauge("pg_up", { job: "postgres-exporter", instance: "managed-db:9187" }, 0, 30),
    ],
    checks: [
      ...none(forOf("DatabaseUnavailable", "critical") - 1),
      {
        at: forOf("DatabaseUnavailable", "critical"),
        fires: [
          critical({ namespace: "data", pod: "postgres-1" }),
          critical({ job: "postgres-exporter", instance: "managed-db:9187" }),
        ],
      },
    ],
  },
  {
    title: "a reachable database does not page",
    alert: "DatabaseUnavailable",
    series: [
      gauge("cnpg_collector_up", { namespace: "data", pod: "postgres-1" }, 1, 30),
      gauge("pg_up", { instance: "m" }, 1, 30),
    ],
    checks: none(30),
  },
  {
    title: "a cache down for 5 minutes pages, not after 4",
    alert: "CacheUnavailable",
    series: [gauge("redis_up", { namespace: "data", pod: "cache-0" }, 0, 30)],
    checks: [
      ...none(DOWN - 1),
      { at: DOWN, fires: [critical({ namespace: "data", pod: "cache-0" })] },
    ],
  },
  {
    title: "a reachable cache does not page",
    alert: "CacheUnavailable",
    series: [gauge("redis_up", { namespace: "data", pod: "cache-0" }, 1, 30)],
    checks: none(30),
  },
  {
    // Rates exist from the second sample (1m), so the condition holds from 1m.
    title: "5.1 % 5xx responses page after the rule's duration",
    alert: "HttpServerErrorRateHigh",
    series: responses({ "2": [[949, 60]], "5": [[51, 60]] }),
    checks: [
      ...none(forOf("HttpServerErrorRateHigh", "critical")),
      { at: 1 + forOf("HttpServerErrorRateHigh", "critical"), fires: [critical(route)] },
    ],
  },
  {
    title: "4.9 % 5xx responses do not page",
    alert: "HttpServerErrorRateHigh",
    series: responses({ "2": [[951, 60]], "5": [[49, 60]] }),
    checks: none(30),
  },
  {
    title: "p95 response time of 2.03 s warns after the rule's duration",
    alert: "HttpSlowResponses",
    series: latency(84),
    checks: [
      ...none(forOf("HttpSlowResponses", "warning")),
      { at: 1 + forOf("HttpSlowResponses", "warning"), fires: [warning(route)] },
    ],
  },
  {
    title: "p95 response time of 1.96 s does not warn",
    alert: "HttpSlowResponses",
    series: latency(86),
    checks: none(30),
  },
  {
    // 2 % 4xx for 95 minutes, then 7 %: above 3 × 2 % and above the 5 % floor. The 5-minute window
    // is all spike from 100m; the alert fires once the rule's duration has passed after that.
    title: "a jump of the 4xx share from 2 % to 7 % warns",
    alert: "HttpClientErrorRateSpike",
    series: responses({
      "2": [
        [98, 95],
        [93, 40],
      ],
      "4": [
        [2, 95],
        [7, 40],
      ],
    }),
    checks: [
      ...none(95 + forOf("HttpClientErrorRateSpike", "warning")),
      { at: 101 + forOf("HttpClientErrorRateSpike", "warning"), fires: [warning(route)] },
    ],
  },
  {
    title: "a rise of the 4xx share from 2 % to 5.9 % (under 3 ×) does not warn",
    alert: "HttpClientErrorRateSpike",
    series: responses({
      "2": [
        [98, 95],
        [94.1, 40],
      ],
      "4": [
        [2, 95],
        [5.9, 40],
      ],
    }),
    checks: none(111, 125),
  },
  {
    title: "a rise of the 4xx share from 1 % to 4.9 % (under the 5 % floor) does not warn",
    alert: "HttpClientErrorRateSpike",
    series: responses({
      "2": [
        [99, 95],
        [95.1, 40],
      ],
      "4": [
        [1, 95],
        [4.9, 40],
      ],
    }),
    checks: none(111, 125),
  },
  {
    title: "81 % CPU warns after the rule's duration",
    alert: "NodeCpuUsageHigh",
    series: cpu(60 * 0.19),
    checks: [
      ...none(forOf("NodeCpuUsageHigh", "warning")),
      { at: 1 + forOf("NodeCpuUsageHigh", "warning"), fires: [warning(node)] },
    ],
  },
  {
    title: "79 % CPU does not warn",
    alert: "NodeCpuUsageHigh",
    series: cpu(60 * 0.21),
    checks: none(45),
  },
  {
    title: "80.1 % memory warns after the rule's duration",
    alert: "NodeMemoryUsageHigh",
    series: [
      gauge("node_memory_MemTotal_bytes", node, 1000),
      gauge("node_memory_MemAvailable_bytes", node, 199),
    ],
    checks: [
      ...none(forOf("NodeMemoryUsageHigh", "warning") - 1),
      { at: forOf("NodeMemoryUsageHigh", "warning"), fires: [warning(node)] },
    ],
  },
  {
    title: "79.9 % memory does not warn",
    alert: "NodeMemoryUsageHigh",
    series: [
      gauge("node_memory_MemTotal_bytes", node, 1000),
      gauge("node_memory_MemAvailable_bytes", node, 201),
    ],
    checks: none(45),
  },
  {
    title: "a disk 90.1 % full pages, then also warns",
    alert: "DiskUsageHigh",
    series: disk(99),
    checks: [
      ...none(forOf("DiskUsageHigh", "critical") - 1),
      { at: forOf("DiskUsageHigh", "critical"), fires: [critical(rootFs)] },
      { at: forOf("DiskUsageHigh", "warning"), fires: [critical(rootFs), warning(rootFs)] },
    ],
  },
  {
    title: "a disk 89.9 % full only warns, after the warning's duration",
    alert: "DiskUsageHigh",
    series: disk(101),
    checks: [
      ...none(forOf("DiskUsageHigh", "warning") - 1),
      { at: forOf("DiskUsageHigh", "warning"), fires: [warning(rootFs)] },
    ],
  },
  {
    title: "a disk 79.9 % full, or a full tmpfs, does not alert",
    alert: "DiskUsageHigh",
    series: [
      ...disk(201),
      ...disk(1, { ...node, device: "tmpfs", fstype: "tmpfs", mountpoint: "/run" }),
    ],
    checks: none(60),
  },
  {
    title: "a volume 90.1 % full pages, then also warns",
    alert: "VolumeUsageHigh",
    series: volume(99),
    checks: [
      ...none(forOf("VolumeUsageHigh", "critical") - 1),
      { at: forOf("VolumeUsageHigh", "critical"), fires: [critical(pvc)] },
      { at: forOf("VolumeUsageHigh", "warning"), fires: [critical(pvc), warning(pvc)] },
    ],
  },
  {
    title: "a volume 80.1 % full warns after the warning's duration",
    alert: "VolumeUsageHigh",
    series: volume(199),
    checks: [
      ...none(forOf("VolumeUsageHigh", "warning") - 1),
      { at: forOf("VolumeUsageHigh", "warning"), fires: [warning(pvc)] },
    ],
  },
  {
    title: "a volume 79.9 % full does not alert",
    alert: "VolumeUsageHigh",
    series: volume(201),
    checks: none(60),
  },
  {
    // promtool's clock starts at 0, so the expiry timestamp is the time left at the first sample.
    title: "a certificate with 6 days 23:59 left pages",
    alert: "CertificateExpiringSoon",
    series: [
      gauge(
        "certmanager_certificate_expiration_timestamp_seconds",
        { namespace: "gateway", name: "platform-tls" },
        7 * 86400 - 60,
      ),
    ],
    checks: [
      ...none(forOf("CertificateExpiringSoon", "critical") - 1),
      {
        at: forOf("CertificateExpiringSoon", "critical"),
        fires: [critical({ namespace: "gateway", name: "platform-tls" })],
      },
    ],
  },
  {
    title: "a certificate with 7 days and an hour left does not page",
    alert: "CertificateExpiringSoon",
    series: [
      gauge(
        "certmanager_certificate_expiration_timestamp_seconds",
        { namespace: "gateway", name: "platform-tls" },
        7 * 86400 + HOUR,
      ),
    ],
    checks: none(
      forOf("CertificateExpiringSoon", "critical"),
      2 * forOf("CertificateExpiringSoon", "critical"),
    ),
  },
  {
    title: "replication lag of 61 s warns after the warning's duration",
    alert: "PostgresReplicationLag",
    series: [gauge("cnpg_pg_replication_lag", replica, 61)],
    checks: [
      ...none(forOf("PostgresReplicationLag", "warning") - 1),
      { at: forOf("PostgresReplicationLag", "warning"), fires: [warning(replica)] },
    ],
  },
  {
    title: "replication lag of 59 s does not alert",
    alert: "PostgresReplicationLag",
    series: [gauge("cnpg_pg_replication_lag", replica, 59)],
    checks: none(30),
  },
  {
    title: "replication lag of 301 s (past the 5-minute RPO) pages",
    alert: "PostgresReplicationLag",
    series: [gauge("cnpg_pg_replication_lag", replica, 301)],
    checks: [
      ...none(forOf("PostgresReplicationLag", "critical") - 1),
      { at: forOf("PostgresReplicationLag", "critical"), fires: [critical(replica)] },
      {
        at: forOf("PostgresReplicationLag", "warning"),
        fires: [critical(replica), warning(replica)],
      },
    ],
  },
  {
    title: "replication lag of 299 s only warns",
    alert: "PostgresReplicationLag",
    series: [gauge("cnpg_pg_replication_lag", replica, 299)],
    checks: [{ at: 30, fires: [warning(replica)] }],
  },
  {
    title: "161 of 200 connections (80.5 %) warns",
    alert: "PostgresConnectionPoolUsageHigh",
    series: backends(100, 61),
    checks: [
      ...none(forOf("PostgresConnectionPoolUsageHigh", "warning") - 1),
      { at: forOf("PostgresConnectionPoolUsageHigh", "warning"), fires: [warning(replica)] },
    ],
  },
  {
    title: "159 of 200 connections (79.5 %) does not warn",
    alert: "PostgresConnectionPoolUsageHigh",
    series: backends(100, 59),
    checks: none(30),
  },
  {
    title: "a client waiting in the pooler for the rule's duration warns",
    alert: "PostgresPoolerClientsWaiting",
    series: [
      gauge(
        "cnpg_pgbouncer_pools_cl_waiting",
        { namespace: "data", pod: "pooler-rw-1", database: "app", user: "app" },
        1,
      ),
    ],
    checks: [
      ...none(forOf("PostgresPoolerClientsWaiting", "warning") - 1),
      {
        at: forOf("PostgresPoolerClientsWaiting", "warning"),
        fires: [warning({ namespace: "data", pod: "pooler-rw-1" })],
      },
    ],
  },
  {
    title: "a client waiting in the PgBouncer in front of a managed database warns",
    alert: "PostgresPoolerClientsWaiting",
    series: [
      gauge(
        "pgbouncer_pools_client_waiting_connections",
        { namespace: "data", pod: "pgbouncer-1", database: "app", user: "platform" },
        2,
      ),
    ],
    checks: [
      ...none(forOf("PostgresPoolerClientsWaiting", "warning") - 1),
      {
        at: forOf("PostgresPoolerClientsWaiting", "warning"),
        fires: [warning({ namespace: "data", pod: "pgbouncer-1" })],
      },
    ],
  },
  {
    title: "no client waiting in the pooler does not warn",
    alert: "PostgresPoolerClientsWaiting",
    series: [
      gauge(
        "cnpg_pgbouncer_pools_cl_waiting",
        { namespace: "data", pod: "pooler-rw-1", database: "app", user: "app" },
        0,
      ),
    ],
    checks: none(30),
  },
  {
    title: "a failed backup Job or a failed CloudNativePG backup warns at once",
    alert: "BackupFailed",
    series: [
      gauge(
        "kube_job_status_failed",
        { namespace: "data", job_name: "postgres-dump-backup-29000000" },
        1,
        10,
      ),
      gauge(
        "cnpg_collector_last_failed_backup_timestamp",
        { namespace: "data", pod: "postgres-1" },
        2000,
        10,
      ),
      gauge(
        "cnpg_collector_last_available_backup_timestamp",
        { namespace: "data", pod: "postgres-1" },
        1000,
        10,
      ),
    ],
    checks: [
      {
        at: 0,
        fires: [
          warning({ namespace: "data", job_name: "postgres-dump-backup-29000000" }),
          warning({ namespace: "data", pod: "postgres-1" }),
        ],
      },
    ],
  },
  {
    title:
      "a failed non-backup Job, a backup Job without failures, or an older failure does not warn",
    alert: "BackupFailed",
    series: [
      gauge("kube_job_status_failed", { namespace: "apps", job_name: "migrate-29000000" }, 1, 10),
      gauge(
        "kube_job_status_failed",
        { namespace: "data", job_name: "postgres-dump-backup-29000001" },
        0,
        10,
      ),
      gauge(
        "cnpg_collector_last_failed_backup_timestamp",
        { namespace: "data", pod: "postgres-1" },
        1000,
        10,
      ),
      gauge(
        "cnpg_collector_last_available_backup_timestamp",
        { namespace: "data", pod: "postgres-1" },
        2000,
        10,
      ),
    ],
    checks: none(0, 10),
  },
  {
    // Timestamps before promtool's clock start (0) make the newest backup this old at the start.
    title: "a newest backup older than 26 hours warns",
    alert: "BackupTooOld",
    series: [
      gauge(
        "cnpg_collector_last_available_backup_timestamp",
        { namespace: "data", pod: "postgres-1" },
        -(maxBackupAge + 60),
        30,
      ),
      gauge(
        "kube_cronjob_status_last_successful_time",
        { namespace: "data", cronjob: "storage-backup" },
        -(maxBackupAge + 60),
        30,
      ),
    ],
    checks: [
      ...none(forOf("BackupTooOld", "warning") - 1),
      {
        at: forOf("BackupTooOld", "warning"),
        fires: [
          warning({ namespace: "data", pod: "postgres-1" }),
          warning({ namespace: "data", cronjob: "storage-backup" }),
        ],
      },
    ],
  },
  {
    title: "a newest backup 25.5 hours old, or an old non-backup CronJob, does not warn",
    alert: "BackupTooOld",
    series: [
      gauge(
        "cnpg_collector_last_available_backup_timestamp",
        { namespace: "data", pod: "postgres-1" },
        -(maxBackupAge - HOUR / 2),
        30,
      ),
      gauge(
        "kube_cronjob_status_last_successful_time",
        { namespace: "data", cronjob: "storage-backup" },
        -(maxBackupAge - HOUR / 2),
        30,
      ),
      gauge(
        "kube_cronjob_status_last_successful_time",
        { namespace: "apps", cronjob: "report" },
        -(maxBackupAge * 2),
        30,
      ),
    ],
    checks: none(forOf("BackupTooOld", "warning"), 20),
  },
  {
    // Tiers document, Test Restoration: the monthly restore check; a failure pages at once.
    title:
      "a failed restore check Job pages at once; a failed backup Job or a passed check does not",
    alert: "RestoreCheckFailed",
    series: [
      gauge(
        "kube_job_status_failed",
        { namespace: "data", job_name: "platform-pitr-restore-check-29000000" },
        1,
        10,
      ),
      gauge(
        "kube_job_status_failed",
        { namespace: "data", job_name: "platform-restore-check-29000001" },
        0,
        10,
      ),
      gauge(
        "kube_job_status_failed",
        { namespace: "data", job_name: "platform-db-backup-1" },
        1,
        10,
      ),
    ],
    checks: [
      {
        at: 0,
        fires: [critical({ namespace: "data", job_name: "platform-pitr-restore-check-29000000" })],
      },
    ],
  },
  {
    title: "no restore check passed in 35 days warns; one 30 days ago does not",
    alert: "RestoreCheckMissed",
    series: [
      gauge(
        "kube_cronjob_status_last_successful_time",
        { namespace: "data", cronjob: "platform-restore-check" },
        -(36 * 24 * HOUR),
        90,
      ),
      gauge(
        "kube_cronjob_status_last_successful_time",
        { namespace: "data", cronjob: "platform-pitr-restore-check" },
        -(30 * 24 * HOUR),
        90,
      ),
    ],
    checks: [
      ...none(forOf("RestoreCheckMissed", "warning") - 1),
      {
        at: forOf("RestoreCheckMissed", "warning"),
        fires: [warning({ namespace: "data", cronjob: "platform-restore-check" })],
      },
    ],
  },
  {
    title: "a failed failover standby refresh pages at once; a passed one does not",
    alert: "StandbyRefreshFailed",
    series: [
      gauge(
        "kube_job_status_failed",
        { namespace: "data", job_name: "platform-standby-refresh-29000000" },
        1,
        10,
      ),
      gauge(
        "kube_job_status_failed",
        { namespace: "data", job_name: "platform-standby-media-29000001" },
        0,
        10,
      ),
      gauge(
        "kube_job_status_failed",
        { namespace: "data", job_name: "platform-restore-check-29000001" },
        1,
        10,
      ),
    ],
    checks: [
      {
        at: 0,
        fires: [critical({ namespace: "data", job_name: "platform-standby-refresh-29000000" })],
      },
    ],
  },
  {
    title: "no failover standby refresh passed in 26 hours warns; one 20 hours ago does not",
    alert: "StandbyRefreshMissed",
    series: [
      gauge(
        "kube_cronjob_status_last_successful_time",
        { namespace: "data", cronjob: "platform-standby-refresh" },
        -(27 * HOUR),
        30,
      ),
      gauge(
        "kube_cronjob_status_last_successful_time",
        { namespace: "data", cronjob: "platform-standby-media" },
        -(20 * HOUR),
        30,
      ),
    ],
    checks: [
      ...none(forOf("StandbyRefreshMissed", "warning") - 1),
      {
        at: forOf("StandbyRefreshMissed", "warning"),
        fires: [warning({ namespace: "data", cronjob: "platform-standby-refresh" })],
      },
    ],
  },
  {
    title: "the service-down annotations name the job and instance",
    alert: "ServiceDown",
    series: [gauge("up", api, 0, 10)],
    checks: [{ at: DOWN, fires: [critical(api)] }],
    annotations: {
      summary: "api target 10.0.0.5:3000 is down",
      description:
        "Prometheus has not scraped api at 10.0.0.5:3000 for 5 minutes (metric: up). Tiers document: service down > 5 minutes pages on-call.",
      source: METRIC_SOURCE_NAMES.prometheus,
    },
  },
  {
    title: "the 5xx summary shows the error share as a percentage",
    alert: "HttpServerErrorRateHigh",
    series: responses({ "2": [[949, 20]], "5": [[51, 20]] }),
    checks: [{ at: 1 + forOf("HttpServerErrorRateHigh", "critical"), fires: [critical(route)] }],
    annotations: {
      ...allRules.find((r) => r.alert === "HttpServerErrorRateHigh")!.annotations,
      summary: "httproute/apps/api/rule/0 answers 5.1% of requests with 5xx",
    },
  },
  {
    // Tiers document, Database metrics: deadlocks. One deadlock at 20m: increase() over 10 minutes
    // sees it from the sample after it until 10 minutes later.
    title: "one deadlock in a CloudNativePG database warns, and clears 10 minutes later",
    alert: "PostgresDeadlocks",
    series: [
      {
        series: selector("cnpg_pg_stat_database_deadlocks", { ...replica, datname: "app" }),
        values: "0x20 1x40",
      },
    ],
    checks: [
      ...none(19),
      { at: 21, fires: [warning({ ...replica, datname: "app" })] },
      ...none(35),
    ],
  },
  {
    title: "a deadlock on the managed server (postgres_exporter) warns",
    alert: "PostgresDeadlocks",
    series: [
      {
        series: selector("pg_stat_database_deadlocks", {
          namespace: "data",
          pod: "postgres-exporter-0",
          datid: "16384",
          datname: "app",
        }),
        values: "3x20 5x40",
      },
    ],
    checks: [
      ...none(19),
      {
        at: 22,
        fires: [warning({ namespace: "data", pod: "postgres-exporter-0", datname: "app" })],
      },
    ],
  },
  {
    title: "a steady deadlock counter does not warn",
    alert: "PostgresDeadlocks",
    series: [gauge("cnpg_pg_stat_database_deadlocks", { ...replica, datname: "app" }, 7, 60)],
    checks: none(15, 45),
  },
  {
    title: "161 of 200 connections on the managed server (postgres_exporter) warns",
    alert: "PostgresConnectionPoolUsageHigh",
    series: [
      gauge("pg_stat_database_numbackends", { ...exporterPod, datname: "app" }, 150),
      gauge("pg_stat_database_numbackends", { ...exporterPod, datname: "postgres" }, 11),
      gauge("pg_settings_max_connections", exporterPod, 200),
    ],
    checks: [
      ...none(forOf("PostgresConnectionPoolUsageHigh", "warning") - 1),
      { at: forOf("PostgresConnectionPoolUsageHigh", "warning"), fires: [warning(exporterPod)] },
    ],
  },
  {
    title: "159 of 200 connections on the managed server does not warn",
    alert: "PostgresConnectionPoolUsageHigh",
    series: [
      gauge("pg_stat_database_numbackends", { ...exporterPod, datname: "app" }, 159),
      gauge("pg_settings_max_connections", exporterPod, 200),
    ],
    checks: none(30),
  },
];

let work: string | undefined;
beforeAll(() => {
  work = makeTempDir("alert-rules-");
  fs.writeFileSync(path.join(work, "rules.yml"), renderRuleFile());
  // Unit tests compare annotations whenever an alert has them, so threshold cases load a copy of
  // the same rules without annotations; annotation cases load the real file.
  const bare = alertRules();
  for (const g of bare.groups)
    for (const r of g.rules) delete (r as Partial<PrometheusRule>).annotations;
  fs.writeFileSync(path.join(work, "rules-bare.yml"), stringify(bare, { lineWidth: 0 }));
});
afterAll(() => removeDir(work));

describe("rendered rule file on the real promtool", () => {
  it("passes `promtool check rules`", async () => {
    const r = await run(promtool, ["check", "rules", path.join(work!, "rules.yml")], {
      timeoutMs: 15000,
    });
    expect(r.stdout + r.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });

  it("passes `promtool check rules` with overridden thresholds", async () => {
    const file = path.join(work!, "rules-custom.yml");
    fs.writeFileSync(
      file,
      renderRuleFile({
        diskWarningRatio: 0.7,
        latencySeconds: 1.5,
        latencyQuantile: 0.99,
        backupJobPattern: "nightly-.*",
      }),
    );
    const r = await run(promtool, ["check", "rules", file], { timeoutMs: 15000 });
    expect(r.code).toBe(0);
  });

  it.each(cases.map((c) => [`${c.alert}: ${c.title}`, c] as const))("%s", async (_name, c) => {
    const test = {
      rule_files: [c.annotations ? "rules.yml" : "rules-bare.yml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: c.series,
          alert_rule_test: c.checks.map((check) => ({
            eval_time: `${check.at}m`,
            alertname: c.alert,
            exp_alerts: check.fires.map((labels) => ({
              exp_labels: labels,
              ...(c.annotations ? { exp_annotations: c.annotations } : {}),
            })),
          })),
        },
      ],
    };
    const file = path.join(work!, `test-${cases.indexOf(c)}.yml`);
    fs.writeFileSync(file, stringify(test, { lineWidth: 0 }));
    const r = await run(promtool, ["test", "rules", file], { cwd: work, timeoutMs: 15000 });
    if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.stdout}\n${r.stderr}`);
    expect(r.code).toBe(0);
  });
});

describe("alertRules", () => {
  const find = (alert: string, severity: string) =>
    allRules.filter((r) => r.alert === alert && r.labels.severity === severity);

  it.each([
    ["ServiceDown", "critical"],
    ["DatabaseUnavailable", "critical"],
    ["HttpServerErrorRateHigh", "critical"],
    ["DiskUsageHigh", "critical"],
    ["CertificateExpiringSoon", "critical"],
    ["NodeCpuUsageHigh", "warning"],
    ["NodeMemoryUsageHigh", "warning"],
    ["HttpSlowResponses", "warning"],
    ["HttpClientErrorRateSpike", "warning"],
    ["DiskUsageHigh", "warning"],
    ["BackupFailed", "warning"],
    ["RestoreCheckFailed", "critical"],
    ["PostgresReplicationLag", "warning"],
    ["PostgresReplicationLag", "critical"],
    ["PostgresConnectionPoolUsageHigh", "warning"],
  ])("has the documented alert %s as %s", (alert, severity) => {
    expect(find(alert, severity)).toHaveLength(1);
  });

  it("waits the documented 5 minutes before paging for a service down", () => {
    expect(find("ServiceDown", "critical")[0].for).toBe("5m");
    expect(find("WorkloadUnavailable", "critical")[0].for).toBe("5m");
  });

  it("labels every rule critical or warning and gives it a summary and a description", () => {
    for (const r of allRules) {
      expect(["critical", "warning"]).toContain(r.labels.severity);
      expect(r.annotations.summary.length).toBeGreaterThan(10);
      expect(r.annotations.description.length).toBeGreaterThan(20);
    }
  });

  it("names the HTTP metric family in every HTTP rule's description", () => {
    const http = alertRules().groups.find((g) => g.name === "platform-http")!.rules;
    expect(http.length).toBe(3);
    for (const r of http) {
      expect(r.expr).toMatch(/envoy_cluster_upstream_rq_/);
      expect(r.annotations.description).toMatch(/Envoy Gateway cluster statistics/);
    }
  });

  it("uses overridden thresholds in the expressions", () => {
    const rules = alertRules({
      serverErrorRatio: 0.02,
      replicationLagCriticalSeconds: 120,
      latencySeconds: 1.5,
    }).groups.flatMap((g) => g.rules);
    expect(rules.find((r) => r.alert === "HttpServerErrorRateHigh")!.expr).toMatch(/> 0\.02$/);
    expect(
      rules.find((r) => r.alert === "PostgresReplicationLag" && r.labels.severity === "critical")!
        .expr,
    ).toBe("cnpg_pg_replication_lag > 120");
    expect(rules.find((r) => r.alert === "HttpSlowResponses")!.expr).toMatch(/> 1500$/);
  });

  it("refuses thresholds outside their range or in the wrong order", () => {
    expect(() => alertRules({ serverErrorRatio: 5 })).toThrow(/serverErrorRatio/);
    expect(() => alertRules({ diskWarningRatio: 0.95 })).toThrow(/diskWarningRatio/);
    expect(() => alertRules({ replicationLagWarningSeconds: 400 })).toThrow(
      /replicationLagWarningSeconds/,
    );
    expect(() => alertRules({ backupJobPattern: "(" })).toThrow(/backupJobPattern/);
  });

  it("renders YAML that reads back as the same rule groups", () => {
    expect(parse(renderRuleFile())).toEqual(alertRules());
  });

  it("has the tiers document's deadlock rule, a warning, for both Postgres exporters", () => {
    expect(find("PostgresDeadlocks", "warning")).toHaveLength(1);
    const expr = find("PostgresDeadlocks", "warning")[0].expr;
    expect(expr).toContain("cnpg_pg_stat_database_deadlocks");
    expect(expr).toContain("pg_stat_database_deadlocks[");
  });
});

describe("alertRules for the scrape targets a stack deploys", () => {
  const none = Object.fromEntries(Object.keys(ALL_SOURCES).map((k) => [k, false])) as Record<
    keyof typeof ALL_SOURCES,
    boolean
  >;
  const rulesOf = (sources: typeof ALL_SOURCES) =>
    alertRules({}, sources).groups.flatMap((g) => g.rules);

  it("pages on pg_up alone and watches deadlocks and connections with postgres_exporter alone", () => {
    const rules = rulesOf({ ...none, postgresExporter: true });
    const byName = (a: string) => rules.filter((r) => r.alert === a);
    expect(byName("DatabaseUnavailable").map((r) => r.expr)).toEqual(["pg_up == 0"]);
    expect(byName("PostgresDeadlocks")[0].expr).not.toContain("cnpg_");
    expect(byName("PostgresConnectionPoolUsageHigh")[0].expr).not.toContain("cnpg_");
    expect(byName("DatabaseUnavailable")[0].annotations.source).toBe(
      METRIC_SOURCE_NAMES.postgresExporter,
    );
  });

  it("leaves out every rule and alternative whose exporter the stack lacks", () => {
    const rules = rulesOf(none);
    const text = rules.map((r) => r.expr).join("\n");
    for (const family of ["cnpg_", "pg_", "pgbouncer_", "redis_", "envoy_", "certmanager_"])
      expect(text).not.toMatch(new RegExp(`(^|[^a-z_])${family}`));
    // What every stack has still alerts: targets, workloads, nodes, volumes, backup jobs.
    for (const alert of ["ServiceDown", "WorkloadUnavailable", "DiskUsageHigh", "BackupFailed"])
      expect(rules.some((r) => r.alert === alert)).toBe(true);
  });

  it.each([
    [
      "self-hosted data services",
      { ...ALL_SOURCES, postgresExporter: false, pgbouncerExporter: false },
    ],
    [
      "managed Postgres behind PgBouncer",
      { ...none, postgresExporter: true, pgbouncerExporter: true, envoy: true },
    ],
    ["no optional exporter", none],
  ])("passes `promtool check rules` with %s", async (_name, sources) => {
    const file = path.join(work!, `rules-${_name.replace(/\W+/g, "-")}.yml`);
    fs.writeFileSync(file, renderRuleFile({}, sources));
    const r = await run(promtool, ["check", "rules", file], { timeoutMs: 15000 });
    expect(r.stdout + r.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.code).toBe(0);
  });
});
