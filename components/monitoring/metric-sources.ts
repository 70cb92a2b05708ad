/**
 * The exporters the alert rules read, and which of them a stack runs (alert-rules.ts renders only
 * the rules whose series one of them exports).
 */
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
export type OptionalSource = Exclude<MetricSource, (typeof BASE_SOURCES)[number]>;

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
