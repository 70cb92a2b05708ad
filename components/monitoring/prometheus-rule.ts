/**
 * One Prometheus alerting rule in rule-file shape, and what the rule groups share: the thresholds,
 * the stack's scrape targets and the helpers that leave out rules whose series nobody exports.
 */
import type { AlertThresholds } from "./alert-thresholds";
import {
  BASE_SOURCES,
  METRIC_SOURCE_NAMES,
  type MetricSource,
  type MetricSources,
  type OptionalSource,
} from "./metric-sources";

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

/** A PromQL string literal (Go-style escapes, the same as JSON's for these characters). */
export const promString = (s: string) => JSON.stringify(s);

/** One way to compute a rule's condition, from one exporter's series. */
export type Alternative = readonly [MetricSource, string];

export function rule(
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

/** The thresholds and scrape targets a rule group is rendered for. */
export interface RuleContext {
  t: AlertThresholds;
  has: (s: MetricSource) => boolean;
  /** The rule over the alternatives the stack can compute, joined with `or`; none without any. */
  anyOf: (
    alternatives: readonly Alternative[],
    make: (expr: string, from: MetricSource[]) => PrometheusRule,
  ) => PrometheusRule[];
  /** A rule of one source, where the stack has it. */
  when: (source: MetricSource, make: () => PrometheusRule) => PrometheusRule[];
  pct: (r: number) => string;
  /** The `for` of a service-down rule. */
  down: string;
}

export function ruleContext(t: AlertThresholds, sources: MetricSources): RuleContext {
  const has = (s: MetricSource) =>
    (BASE_SOURCES as readonly string[]).includes(s) || sources[s as OptionalSource];
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
  const when = (source: MetricSource, make: () => PrometheusRule): PrometheusRule[] =>
    has(source) ? [make()] : [];

  const pct = (r: number) => `${Math.round(r * 1000) / 10} %`;
  const down = `${t.serviceDownMinutes}m`;
  return { t, has, anyOf, when, pct, down };
}
