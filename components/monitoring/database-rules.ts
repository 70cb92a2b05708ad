/**
 * Database metrics (replication lag, connections, pool waits, deadlocks) and backup failure, from
 * CloudNativePG's exporters, postgres_exporter, pgbouncer_exporter and kube-state-metrics.
 */
import { promString, rule, type PrometheusRule, type RuleContext } from "./prometheus-rule";

/** Replication lag against the 5-minute RPO, connection use, waiting clients, deadlocks. */
export function databaseRules({ t, anyOf, when, pct }: RuleContext): PrometheusRule[] {
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
  return database;
}

/** Backups that failed or have not completed within a day. */
export function backupRules({ t, anyOf, when }: RuleContext): PrometheusRule[] {
  const backupJobs = promString(t.backupJobPattern);
  const maxBackupAge = t.backupMaxAgeHours * 3600;
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
    // Tiers document, Test Restoration, "Monthly: Verify backup integrity": a backup that does not
    // restore, or restores slower than the database RTO, leaves no recovery; it pages (Tier 1).
    ...when("kubeStateMetrics", () =>
      rule(
        "RestoreCheckFailed",
        "critical",
        ["kubeStateMetrics"],
        `kube_job_status_failed{job_name=~${promString(RESTORE_CHECK_PATTERN)}} > 0`,
        undefined,
        "Restore check {{ $labels.namespace }}/{{ $labels.job_name }} failed",
        "The monthly restore of the newest backup into a scratch Postgres failed: it did not restore, an index failed amcheck, a table's rows differ from the dump's manifest, or the restore took longer than the database RTO (kube-state-metrics kube_job_status_failed; the pod's termination message has the result line, docs/restore-check.md).",
      ),
    ),
    ...when("kubeStateMetrics", () =>
      rule(
        "RestoreCheckMissed",
        "warning",
        ["kubeStateMetrics"],
        `time() - kube_cronjob_status_last_successful_time{cronjob=~${promString(RESTORE_CHECK_PATTERN)}} > ${RESTORE_CHECK_MAX_AGE_DAYS * 86400}`,
        "60m",
        "No restore check of {{ $labels.namespace }}/{{ $labels.cronjob }} has passed in {{ $value | humanizeDuration }}",
        `The restore check runs monthly (tiers document, Test Restoration); none has passed in ${RESTORE_CHECK_MAX_AGE_DAYS} days, so it is failing, suspended or not scheduled (kube-state-metrics kube_cronjob_status_last_successful_time).`,
      ),
    ),
    // The failover standby's daily refresh (components/backups/standby-refresh.ts): a standby that
    // no longer follows the primary leaves the cloud-loss case without its warm copy; it pages.
    ...when("kubeStateMetrics", () =>
      rule(
        "StandbyRefreshFailed",
        "critical",
        ["kubeStateMetrics"],
        `kube_job_status_failed{job_name=~${promString(STANDBY_REFRESH_PATTERN)}} > 0`,
        undefined,
        "Failover standby refresh {{ $labels.namespace }}/{{ $labels.job_name }} failed",
        "The failover standby did not take the primary's newest dump or media: the off-site copy is missing or older than 26 hours, the restore failed (the standby keeps its previous data), or a table's rows differ from the dump's manifest (kube-state-metrics kube_job_status_failed; the pod's termination message has the result line, docs/disaster-recovery.md).",
      ),
    ),
    ...when("kubeStateMetrics", () =>
      rule(
        "StandbyRefreshMissed",
        "warning",
        ["kubeStateMetrics"],
        `time() - kube_cronjob_status_last_successful_time{cronjob=~${promString(STANDBY_REFRESH_PATTERN)}} > ${STANDBY_REFRESH_MAX_AGE_HOURS * 3600}`,
        "10m",
        "No failover standby refresh of {{ $labels.namespace }}/{{ $labels.cronjob }} has passed in {{ $value | humanizeDuration }}",
        `The failover standby refreshes daily; none has passed in ${STANDBY_REFRESH_MAX_AGE_HOURS} hours, so it is failing, suspended or not scheduled, and a failover now loses more than a day (kube-state-metrics kube_cronjob_status_last_successful_time).`,
      ),
    ),
  ];
  return backups;
}

/** Names of the failover standby's Jobs and CronJobs (components/backups/standby-refresh.ts). */
export const STANDBY_REFRESH_PATTERN = ".*standby-(refresh|media).*";
/** A day and two hours: the daily refresh and its run time. */
export const STANDBY_REFRESH_MAX_AGE_HOURS = 26;

/** Names of the restore check's Jobs and CronJobs (components/backups/restore-check-job.ts). */
export const RESTORE_CHECK_PATTERN = ".*restore-check.*";
/** The longest month and four days to spare before a missing monthly pass warns. */
export const RESTORE_CHECK_MAX_AGE_DAYS = 35;
