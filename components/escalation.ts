/**
 * Who is told of what (tiers document, Alerting Strategy: critical alerts page on-call, warnings go
 * by email or Slack), written out for the stack outputs and the offline plan: the people each
 * severity reaches, and where each alert's series come from. Pure: from the stack config, the
 * rules the monitoring stack runs and the checks the cloud layer makes outside the cluster.
 */
import type { StackConfig } from "../config";
import { pagerOf } from "../config";
import { regionOutAlert, uptimeTargets as awsUptimeTargets } from "./aws/alerts";
import { CACHE_ALARMS } from "./aws/cache";
import { databaseAlarms, REPLICA_LAG_ALARM } from "./aws/database";
import { DATABASE_ALERTS, NODE_ALERTS, UPTIME_ALERTS } from "./digitalocean/alert-thresholds";
import { uptimeTargets as doUptimeTargets } from "./digitalocean/public-hosts";
import { edgeHosts } from "./edge/rules";
import { edgeUptimeChecks } from "./edge/uptime";
import type { PrometheusRuleGroup } from "./monitoring/alert-rules";

/** An alarm the cloud raises from outside the cluster: what it watches, and its metric source. */
export interface OutsideCheck {
  /** The alarm, with its severity. @example "https://example.com/api/health down [critical]" */
  alert: string;
  /** Where its data comes from. @example "Route 53 health check, CloudWatch AWS/Route53 HealthCheckStatus" */
  source: string;
}

/** The Cloudflare edge's checks that notify the stack's email receiver (components/edge/uptime.ts). */
function cloudflareChecks(
  config: Pick<StackConfig, "domain" | "apps" | "edge" | "monitoring">,
): OutsideCheck[] {
  const e = config.edge;
  if (e?.provider !== "cloudflare") return [];
  return edgeUptimeChecks({
    plan: e.plan,
    hosts: edgeHosts(config.domain, config.apps),
    originLock: e.originLock,
    loadBalancing: e.loadBalancing,
    accountId: e.accountId,
    emails: config.monitoring.receivers.email?.to ?? [],
  });
}

/**
 * The alarms the cloud layer and the edge create outside the cluster (components/aws,
 * components/digitalocean, components/edge), read from the same specs they build them from.
 */
export function outsideChecks(config: StackConfig): OutsideCheck[] {
  const out: OutsideCheck[] = [...cloudflareChecks(config)];
  if (config.provider === "aws") {
    for (const t of awsUptimeTargets(config.domain, config.apps))
      out.push({
        alert: `https://${t.host}${t.path} down [critical]`,
        source: "Route 53 health check (CloudWatch HealthCheckStatus)",
      });
    // A region of a group on CloudFront (components/aws/regional-origin.ts).
    if (config.edge.provider === "cloudfront" && config.multiRegion.group)
      out.push({
        alert: regionOutAlert(config.region),
        source:
          "Route 53 calculated health check of the region's gateway (CloudWatch HealthCheckStatus)",
      });
    const cloudwatch = (description: string, namespace: string, metric: string) =>
      out.push({ alert: description, source: `CloudWatch ${namespace} ${metric}` });
    if (config.database.mode === "managed") {
      for (const a of databaseAlarms(config.database.storageGb, config.database.maxConnections))
        cloudwatch(a.description, a.namespace, a.metric);
      if (config.database.replicas > 0)
        cloudwatch(
          REPLICA_LAG_ALARM.description,
          REPLICA_LAG_ALARM.namespace,
          REPLICA_LAG_ALARM.metric,
        );
    }
    if (config.cache.mode === "managed")
      for (const a of CACHE_ALARMS) cloudwatch(a.description, a.namespace, a.metric);
  }
  if (config.provider === "digitalocean") {
    // DigitalOcean creates alert policies only when a receiver can take them (components/digitalocean/alerts.ts).
    const r = config.monitoring.receivers;
    if (!r.email && !r.chat) return out;
    for (const target of doUptimeTargets(config))
      for (const a of UPTIME_ALERTS)
        out.push({
          alert: `${target} ${a.key} [${a.severity}]`,
          source: "DigitalOcean uptime check",
        });
    for (const a of NODE_ALERTS)
      out.push({
        alert: `nodes: ${a.description} [${a.severity}]`,
        source: `DigitalOcean monitoring ${a.type}`,
      });
    if (config.database.mode === "managed" || config.cache.mode === "managed")
      for (const a of DATABASE_ALERTS)
        out.push({
          alert: `managed databases: ${a.description} [${a.severity}]`,
          source: `DigitalOcean monitoring ${a.type}`,
        });
  }
  return out;
}

type Receivers = StackConfig["monitoring"]["receivers"];

/** The people a receiver reaches, in words; never a secret's value. */
function receiverWords(r: Receivers): { pager?: string; team: string[] } {
  const pager = pagerOf(r);
  const team = [
    ...(r.chat ? [`chat ${r.chat.channel} (webhook URL: secret platform:chatWebhookUrl)`] : []),
    ...(r.email ? [`email ${r.email.to.join(", ")} (via ${r.email.smarthost})`] : []),
  ];
  return {
    pager:
      pager?.type === "pagerduty"
        ? "PagerDuty (routing key: secret platform:pagingSecret)"
        : pager?.type === "webhook"
          ? "the webhook pager (URL: secret platform:pagingSecret)"
          : undefined,
    team,
  };
}

/**
 * One line per severity: who Alertmanager notifies (alertmanager-config.ts: critical to the pager,
 * or to the team without one; warnings to chat and email), then who the cloud's own alarms reach.
 */
export function alertReceiverLines(
  config: Pick<StackConfig, "provider" | "monitoring"> &
    Partial<Pick<StackConfig, "domain" | "apps" | "edge">>,
): string[] {
  const r = config.monitoring.receivers;
  const { pager, team } = receiverWords(r);
  const nobody = "nobody: the alert only shows in Alertmanager";
  const teamText = team.length ? team.join("; ") : undefined;
  const lines = [
    `critical → ${pager ?? teamText ?? nobody}${!pager && r.paging === "none" ? " (paging: none, on purpose)" : ""}`,
    `warning → ${teamText ?? nobody}`,
  ];
  const emails = r.email?.to.join(", ");
  if (config.provider === "aws")
    lines.push(
      `CloudWatch alarms (SNS) → ${
        [
          ...(emails ? [`email ${emails}`] : []),
          ...(pagerOf(r)?.type === "webhook" ? ["the webhook pager over HTTPS"] : []),
        ].join("; ") || nobody.replace("Alertmanager", "CloudWatch")
      }`,
    );
  if (config.provider === "digitalocean")
    lines.push(
      `DigitalOcean alerts → ${
        [
          ...(emails ? [`email ${emails}`] : []),
          ...(r.chat ? [`chat ${r.chat.channel}`] : []),
        ].join("; ") || "nobody: only the checks run, their history in the control panel"
      }`,
    );
  const edge =
    config.edge && config.domain !== undefined && config.apps
      ? cloudflareChecks({ ...config, domain: config.domain, apps: config.apps, edge: config.edge })
      : [];
  if (edge.length > 0)
    lines.push(`Cloudflare notifications (${edge.length} checks) → email ${emails}`);
  else if (config.provider === "hetzner" || config.provider === "existing")
    lines.push("outside the cluster: no check (README, Deviations: uptime checks)");
  return lines;
}

/** One line per alert rule and each outside check: the alert, its severity, its metric source. */
export function alertSourceLines(
  groups: readonly PrometheusRuleGroup[],
  outside: readonly OutsideCheck[] = [],
): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const g of groups)
    for (const rule of g.rules) {
      const line = `${rule.alert} [${rule.labels.severity}]: ${rule.annotations.source ?? "unknown"}`;
      if (!seen.has(line)) lines.push(line);
      seen.add(line);
    }
  for (const c of outside) lines.push(`${c.alert}: ${c.source}`);
  return lines;
}
