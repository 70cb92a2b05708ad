/**
 * Alerting Strategy, critical: service down > 5 minutes, database or cache unavailable, 5xx error
 * rate > 5 %, certificate expiring < 7 days; warning: slow responses > 2 s, 4xx error rate spike.
 */
import { rule, type PrometheusRule, type RuleContext } from "./prometheus-rule";

const ENVOY_SOURCE =
  "Envoy Gateway cluster statistics per backend (envoy_cluster_name): envoy_cluster_upstream_rq_xx by " +
  "envoy_response_code_class, envoy_cluster_upstream_rq_time_bucket in milliseconds.";

/** Scrape targets, workloads, databases and caches that stopped answering. */
export function availabilityRules({ t, anyOf, when, down }: RuleContext): PrometheusRule[] {
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
  return availability;
}

/** Error shares and latency per backend, from Envoy's cluster statistics. */
export function httpRules({ t, has, pct }: RuleContext): PrometheusRule[] {
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
  return http;
}

/** Certificates cert-manager has not renewed in time. */
export function certificateRules({ t, when }: RuleContext): PrometheusRule[] {
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
  return certificates;
}
