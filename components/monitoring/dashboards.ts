/**
 * Small Grafana dashboards for the data services, built from the metrics the alert rules watch
 * (self-hosted §4.1 Key Metrics: connection count, replication lag, disk usage, backup status).
 * The chart's default dashboards cover nodes, pods and Kubernetes itself.
 */

export interface Panel {
  title: string;
  expr: string;
  /** Legend per series. @example "{{pod}}" */
  legend: string;
  unit: "short" | "s" | "bytes" | "percentunit";
  /** A threshold line drawn where the matching alert fires. */
  threshold?: number;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  panels: Panel[];
}

/** Volume use, as VolumeUsageHigh computes it, for the claims whose name matches `claims`. */
const volumeUsage = (claims: string) =>
  `1 - kubelet_volume_stats_available_bytes{persistentvolumeclaim=~"${claims}"} / kubelet_volume_stats_capacity_bytes{persistentvolumeclaim=~"${claims}"}`;

export const DASHBOARDS: DashboardSpec[] = [
  {
    uid: "platform-postgres",
    title: "Platform / Postgres",
    panels: [
      {
        title: "Instances up",
        expr: "cnpg_collector_up or pg_up",
        legend: "{{pod}}{{instance}}",
        unit: "short",
      },
      {
        title: "Replication lag",
        expr: "cnpg_pg_replication_lag",
        legend: "{{pod}}",
        unit: "s",
        threshold: 300,
      },
      {
        title: "Connections in use of max_connections",
        expr: 'sum by (namespace, pod) (cnpg_backends_total) / on (namespace, pod) max by (namespace, pod) (cnpg_pg_settings_setting{name="max_connections"})',
        legend: "{{pod}}",
        unit: "percentunit",
        threshold: 0.8,
      },
      {
        title: "Pooler clients waiting",
        expr: "sum by (namespace, pod) (cnpg_pgbouncer_pools_cl_waiting or pgbouncer_pools_client_waiting_connections)",
        legend: "{{pod}}",
        unit: "short",
      },
      {
        title: "Age of the newest base backup",
        expr: "time() - cnpg_collector_last_available_backup_timestamp",
        legend: "{{pod}}",
        unit: "s",
        threshold: 26 * 3600,
      },
      {
        title: "Volume use",
        expr: volumeUsage(".*(postgres|pgdata|pg-).*"),
        legend: "{{persistentvolumeclaim}}",
        unit: "percentunit",
        threshold: 0.8,
      },
    ],
  },
  {
    uid: "platform-valkey",
    title: "Platform / Valkey",
    panels: [
      { title: "Servers up", expr: "redis_up", legend: "{{pod}}{{instance}}", unit: "short" },
      {
        title: "Memory used of maxmemory",
        expr: "redis_memory_used_bytes / redis_memory_max_bytes",
        legend: "{{pod}}",
        unit: "percentunit",
        threshold: 0.8,
      },
      {
        title: "Connected clients",
        expr: "redis_connected_clients",
        legend: "{{pod}}",
        unit: "short",
      },
      {
        title: "Evicted keys per second",
        expr: "rate(redis_evicted_keys_total[5m])",
        legend: "{{pod}}",
        unit: "short",
      },
    ],
  },
  {
    uid: "platform-minio",
    title: "Platform / MinIO",
    panels: [
      {
        title: "Servers scraped",
        expr: 'up{job=~".*minio.*"}',
        legend: "{{pod}}{{instance}}",
        unit: "short",
      },
      {
        title: "Usable capacity used",
        expr: "1 - minio_cluster_capacity_usable_free_bytes / minio_cluster_capacity_usable_total_bytes",
        legend: "cluster",
        unit: "percentunit",
        threshold: 0.8,
      },
      {
        title: "Volume use",
        expr: volumeUsage(".*minio.*"),
        legend: "{{persistentvolumeclaim}}",
        unit: "percentunit",
        threshold: 0.8,
      },
      {
        title: "Age of the newest media mirror",
        expr: 'time() - kube_cronjob_status_last_successful_time{cronjob=~".*files-backup.*"}',
        legend: "{{cronjob}}",
        unit: "s",
        threshold: 3600,
      },
    ],
  },
];

/** Grafana dashboard JSON: one time-series panel per metric, two to a row. */
export function dashboardJson(spec: DashboardSpec): string {
  const panels = spec.panels.map((p, i) => ({
    id: i + 1,
    type: "timeseries",
    title: p.title,
    gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
    datasource: { type: "prometheus", uid: "prometheus" },
    fieldConfig: {
      defaults: {
        unit: p.unit,
        ...(p.threshold !== undefined
          ? {
              thresholds: {
                mode: "absolute",
                steps: [
                  { color: "green", value: null },
                  { color: "red", value: p.threshold },
                ],
              },
              custom: { thresholdsStyle: { mode: "line" } },
            }
          : {}),
      },
      overrides: [],
    },
    targets: [{ refId: "A", expr: p.expr, legendFormat: p.legend }],
  }));
  return JSON.stringify(
    {
      uid: spec.uid,
      title: spec.title,
      tags: ["platform"],
      schemaVersion: 39,
      editable: false,
      refresh: "30s",
      time: { from: "now-6h", to: "now" },
      templating: { list: [] },
      panels,
    },
    null,
    2,
  );
}
