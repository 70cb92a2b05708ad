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
import {
  DEFAULT_ALERT_THRESHOLDS,
  validateThresholds,
  type AlertThresholds,
} from "./alert-thresholds";
import { ALL_SOURCES, type MetricSources } from "./metric-sources";
import { ruleContext, type PrometheusRuleGroup } from "./prometheus-rule";
import { availabilityRules, certificateRules, httpRules } from "./service-rules";
import { resourceRules } from "./resource-rules";
import { backupRules, databaseRules } from "./database-rules";

export { DEFAULT_ALERT_THRESHOLDS, type AlertThresholds } from "./alert-thresholds";
export {
  ALL_SOURCES,
  BASE_SOURCES,
  METRIC_SOURCE_NAMES,
  type MetricSource,
  type MetricSources,
} from "./metric-sources";
export type { PrometheusRule, PrometheusRuleGroup, Severity } from "./prometheus-rule";

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
  validateThresholds(t);
  const c = ruleContext(t, sources);
  return {
    groups: [
      { name: "platform-availability", rules: availabilityRules(c) },
      { name: "platform-http", rules: httpRules(c) },
      { name: "platform-resources", rules: resourceRules(c) },
      { name: "platform-certificates", rules: certificateRules(c) },
      { name: "platform-database", rules: databaseRules(c) },
      { name: "platform-backups", rules: backupRules(c) },
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
