/**
 * Alert provenance: every metric an alert rule of a shipped stack reads is produced by a scrape
 * target that stack deploys. A rule that reads a series nobody exports never fires, and nothing
 * says so: "database unavailable" on a managed database without an exporter was such a rule.
 *
 * For each stack, from what the program registers (recorded in a child process per stack):
 * 1. every alert rule's PromQL is parsed with Prometheus' own grammar (@prometheus-io/lezer-promql)
 *    and the metric name of every selector taken from it;
 * 2. each metric is mapped to the exporter that publishes it, by its name's prefix (EXPORTERS,
 *    each with the documentation of its names);
 * 3. the stack's scrape targets are found: the kube-prometheus-stack chart's own (Prometheus, node
 *    exporter, kube-state-metrics, kubelet) as its values switch them on, and every PodMonitor,
 *    resolved to the pods it selects (our workloads, and the pods the operators and charts we
 *    install create, modelled after their sources) whose named port answers, which their
 *    namespace's NetworkPolicies admit from the monitoring namespace, and whose image (or operator)
 *    says which exporter it is;
 * 4. a metric without a deployed exporter fails the stack, naming the rule.
 * Then each rule's severity is routed through the stack's rendered Alertmanager configuration by
 * the real `amtool`: on a production tier, critical alerts reach the pager and warnings the
 * mailbox.
 */
import * as fs from "fs";
import * as path from "path";
import { parser } from "@prometheus-io/lezer-promql";
import { stringify } from "yaml";
import { recordVariants, type RecordedResource } from "../helpers/recorded";
import { coalesce, loadVendoredChart } from "../helpers/chart-values";
import { makeTempDir, removeDir, requireProgram, run } from "../helpers/real-programs";
import { shippedStacks } from "../../plan/stack";

const STACKS = shippedStacks();
const PRODUCTION = [
  "small",
  "production",
  "production-do",
  "production-hetzner",
  "production-large",
];

/**
 * What each exporter publishes: metric names by prefix (the longest matching prefix wins, so
 * CloudNativePG's pooler series are told from its instances'), or by exact name.
 */
const EXPORTERS = {
  // Series Prometheus writes itself for every target and rule: `up`, the scrape_* series, ALERTS
  // (prometheus.io/docs/concepts/jobs_instances, "Automatically generated labels and time series";
  // prometheus.io/docs/prometheus/latest/configuration/alerting_rules, "Inspecting alerts").
  prometheus: {
    names: ["up", "ALERTS", "ALERTS_FOR_STATE"],
    prefixes: ["scrape_"],
  },
  // node_exporter's collectors publish under the namespace "node" (prometheus/node_exporter,
  // collector/collector.go `namespace = "node"`).
  nodeExporter: { names: [], prefixes: ["node_"] },
  // kube-state-metrics: every family is kube_<resource>_... (kubernetes/kube-state-metrics,
  // docs/metrics).
  kubeStateMetrics: { names: [], prefixes: ["kube_"] },
  // The kubelet's own metrics, volume statistics among them (kubelet_volume_stats_*), and
  // cAdvisor's container_* (Kubernetes documentation, "Kubernetes Metrics Reference").
  kubelet: { names: [], prefixes: ["kubelet_", "container_"] },
  // CloudNativePG's instance exporter: cnpg_collector_* and the default queries as
  // cnpg_<query>_<column> (cloudnative-pg docs/src/monitoring.md; config/manager/default-monitoring.yaml).
  cloudnativePg: { names: [], prefixes: ["cnpg_"] },
  // The Pooler's exporter: cnpg_pgbouncer_* (cloudnative-pg docs/src/connection_pooling.md, Monitoring).
  cnpgPooler: { names: [], prefixes: ["cnpg_pgbouncer_"] },
  // postgres_exporter: namespace "pg" (prometheus-community/postgres_exporter collector/collector.go,
  // pg_up in exporter/postgres_exporter.go).
  postgresExporter: { names: [], prefixes: ["pg_"] },
  // pgbouncer_exporter: namespace "pgbouncer" (prometheus-community/pgbouncer_exporter collector.go).
  pgbouncerExporter: { names: [], prefixes: ["pgbouncer_"] },
  // redis_exporter: namespace "redis" (oliver006/redis_exporter README, `--namespace` default redis).
  redisExporter: { names: [], prefixes: ["redis_"] },
  // Envoy's /stats/prometheus prefixes every statistic envoy_ (Envoy admin documentation,
  // GET /stats/prometheus).
  envoy: { names: [], prefixes: ["envoy_"] },
  // cert-manager's controller: certmanager_* (cert-manager.io/docs/devops-tips/prometheus-metrics).
  certManager: { names: [], prefixes: ["certmanager_"] },
  // MinIO: minio_* (MinIO documentation, "Metrics and Alerts", v2 cluster metrics).
  minio: { names: [], prefixes: ["minio_"] },
} as const;
type Exporter = keyof typeof EXPORTERS;

/** The exporter whose names include `metric`: an exact name, else the longest prefix. */
function exporterOf(metric: string): Exporter | undefined {
  let best: { exporter: Exporter; length: number } | undefined;
  for (const [exporter, e] of Object.entries(EXPORTERS) as [
    Exporter,
    (typeof EXPORTERS)[Exporter],
  ][]) {
    if ((e.names as readonly string[]).includes(metric)) return exporter;
    for (const p of e.prefixes)
      if (metric.startsWith(p) && (!best || p.length > best.length))
        best = { exporter, length: p.length };
  }
  return best?.exporter;
}

/**
 * Metric names an expression reads: the name of every vector selector, or its `__name__="..."`
 * matcher. A syntax error, or a selector whose metric is not one fixed name, throws.
 */
function metricsOf(expr: string): string[] {
  const tree = parser.parse(expr);
  const names = new Set<string>();
  const text = (from: number, to: number) => expr.slice(from, to);
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) throw new Error(`PromQL syntax error at ${cursor.from} in: ${expr}`);
    if (cursor.name !== "VectorSelector") continue;
    const node = cursor.node;
    const id = node.getChild("Identifier");
    if (id) {
      names.add(text(id.from, id.to));
      continue;
    }
    let named: string | undefined;
    const matchers = node.getChild("LabelMatchers");
    for (let m = matchers?.firstChild; m; m = m.nextSibling) {
      const label = m.getChild("LabelName");
      const op = m.getChild("MatchOp");
      const value = m.getChild("StringLiteral");
      if (label && text(label.from, label.to) === "__name__" && op && value) {
        if (text(op.from, op.to) !== "=")
          throw new Error(`a selector matches metric names by pattern in: ${expr}`);
        named = JSON.parse(text(value.from, value.to));
      }
    }
    if (!named) throw new Error(`a selector names no metric in: ${expr}`);
    names.add(named);
  } while (cursor.next());
  return [...names];
}

type Labels = Record<string, string>;
interface Selector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

function matches(selector: Selector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {}))
    if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = (e.values ?? []).includes(labels[e.key]);
    if (e.operator === "In" && !(has && inValues)) return false;
    if (e.operator === "NotIn" && has && inValues) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

/** A pod the stack runs: where, with which labels, its named ports, and the exporter it is. */
interface Pod {
  what: string;
  namespace: string;
  labels: Labels;
  ports: { name: string; port: number; exporter?: Exporter }[];
}

/** Exporters by image repository, for pods of our own workloads. */
const IMAGES: [RegExp, Exporter][] = [
  [/^quay\.io\/prometheuscommunity\/postgres-exporter:/, "postgresExporter"],
  [/^quay\.io\/prometheuscommunity\/pgbouncer-exporter:/, "pgbouncerExporter"],
  [/^oliver006\/redis_exporter:/, "redisExporter"],
  [/^quay\.io\/minio\/minio:/, "minio"],
];

const ofType = (rs: RecordedResource[], type: string) => rs.filter((r) => r.type === type);
const nsOf = (r: RecordedResource) => r.inputs.metadata?.namespace ?? r.inputs.namespace;

/** Every pod the stack runs, ours and those its operators and charts create. */
function podsOf(rs: RecordedResource[]): Pod[] {
  const pods: Pod[] = [];
  for (const kind of ["Deployment", "StatefulSet", "DaemonSet"])
    for (const w of ofType(rs, `kubernetes:apps/v1:${kind}`)) {
      const template = w.inputs.spec?.template;
      pods.push({
        what: `${kind} ${nsOf(w)}/${w.inputs.metadata?.name}`,
        namespace: nsOf(w),
        labels: template?.metadata?.labels ?? {},
        ports: (template?.spec?.containers ?? []).flatMap((c: any) =>
          (c.ports ?? [])
            .filter((p: any) => p.name)
            .map((p: any) => ({
              name: p.name,
              port: p.containerPort,
              exporter: IMAGES.find(([re]) => re.test(c.image))?.[1],
            })),
        ),
      });
    }
  // CloudNativePG labels instance pods cnpg.io/cluster and cnpg.io/podRole=instance, pooler pods
  // cnpg.io/poolerName and cnpg.io/podRole=pooler, each with a `metrics` port: 9187 on instances,
  // 9127 on poolers (cloudnative-pg docs/src/labels_annotations.md, monitoring.md,
  // connection_pooling.md).
  for (const c of ofType(rs, "kubernetes:postgresql.cnpg.io/v1:Cluster"))
    pods.push({
      what: `CloudNativePG cluster ${nsOf(c)}/${c.inputs.metadata.name}`,
      namespace: nsOf(c),
      labels: { "cnpg.io/cluster": c.inputs.metadata.name, "cnpg.io/podRole": "instance" },
      ports: [{ name: "metrics", port: 9187, exporter: "cloudnativePg" }],
    });
  for (const p of ofType(rs, "kubernetes:postgresql.cnpg.io/v1:Pooler"))
    pods.push({
      what: `CloudNativePG pooler ${nsOf(p)}/${p.inputs.metadata.name}`,
      namespace: nsOf(p),
      labels: {
        "cnpg.io/cluster": p.inputs.spec?.cluster?.name,
        "cnpg.io/poolerName": p.inputs.metadata.name,
        "cnpg.io/podRole": "pooler",
      },
      ports: [{ name: "metrics", port: 9127, exporter: "cnpgPooler" }],
    });
  // Envoy Gateway runs each Gateway's proxies in its own namespace, labelled so, with the stats
  // port `metrics` 19001 (envoyproxy/gateway internal/infrastructure/kubernetes/proxy/resource.go
  // and its testdata deployments).
  const releases = ofType(rs, "kubernetes:helm.sh/v3:Release");
  const envoyGateway = releases.find((r) => /gateway-helm$/.test(r.inputs.chart));
  const envoyClasses = new Set(
    ofType(rs, "kubernetes:gateway.networking.k8s.io/v1:GatewayClass")
      .filter(
        (c) => c.inputs.spec?.controllerName === "gateway.envoyproxy.io/gatewayclass-controller",
      )
      .map((c) => c.inputs.metadata.name),
  );
  if (envoyGateway)
    for (const g of ofType(rs, "kubernetes:gateway.networking.k8s.io/v1:Gateway"))
      if (envoyClasses.has(g.inputs.spec?.gatewayClassName))
        pods.push({
          what: `Envoy proxies of Gateway ${nsOf(g)}/${g.inputs.metadata.name}`,
          namespace: envoyGateway.inputs.namespace,
          labels: {
            "app.kubernetes.io/name": "envoy",
            "app.kubernetes.io/component": "proxy",
            "app.kubernetes.io/managed-by": "envoy-gateway",
            "gateway.envoyproxy.io/owning-gateway-name": g.inputs.metadata.name,
            "gateway.envoyproxy.io/owning-gateway-namespace": nsOf(g),
          },
          ports: [{ name: "metrics", port: 19001, exporter: "envoy" }],
        });
  // The cert-manager chart's controller pods and their `http-metrics` port 9402 (cert-manager
  // v1.21.1, deploy/charts/cert-manager/templates/deployment.yaml).
  for (const r of releases.filter((x) => x.inputs.chart === "cert-manager"))
    pods.push({
      what: `cert-manager controller of release ${r.inputs.namespace}/${r.inputs.name}`,
      namespace: r.inputs.namespace,
      labels: {
        "app.kubernetes.io/name": "cert-manager",
        "app.kubernetes.io/instance": r.inputs.name,
        "app.kubernetes.io/component": "controller",
      },
      ports: [{ name: "http-metrics", port: 9402, exporter: "certManager" }],
    });
  return pods;
}

/** Whether a NetworkPolicy of the pod's namespace admits the monitoring namespace to the port. */
function admitted(rs: RecordedResource[], pod: Pod, port: number, monitoringNs: string): boolean {
  return ofType(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy").some((np) => {
    if (nsOf(np) !== pod.namespace) return false;
    const spec = np.inputs.spec ?? {};
    if (!(spec.policyTypes ?? ["Ingress"]).includes("Ingress")) return false;
    const selector = spec.podSelector ?? {};
    const all = !selector.matchLabels && !selector.matchExpressions;
    if (!all && !matches(selector, pod.labels)) return false;
    return (spec.ingress ?? []).some((rule: any) => {
      const portOk =
        !rule.ports || rule.ports.some((p: any) => p.port === port || p.port === undefined);
      const fromOk =
        !rule.from ||
        rule.from.some((peer: any) => {
          const ns = peer.namespaceSelector;
          if (!ns || peer.podSelector) return false;
          const nsAll = !ns.matchLabels && !ns.matchExpressions;
          return nsAll || matches(ns, { "kubernetes.io/metadata.name": monitoringNs });
        });
      return portOk && fromOk;
    });
  });
}

/** The exporters a stack's Prometheus scrapes, each with the evidence. */
function deployedExporters(rs: RecordedResource[]): Map<Exporter, string> {
  const out = new Map<Exporter, string>();
  const stack = ofType(rs, "kubernetes:helm.sh/v3:Release").find(
    (r) => r.inputs.chart === "kube-prometheus-stack",
  );
  if (!stack) return out;
  const monitoringNs: string = stack.inputs.namespace;
  const vendored = loadVendoredChart(stack.inputs.chart, stack.inputs.version);
  if (!vendored) throw new Error(`kube-prometheus-stack ${stack.inputs.version} is not vendored`);
  const values: any = coalesce(stack.inputs.values, vendored.defaults).values;
  const on = (v: any) => v !== false;
  const release = `kube-prometheus-stack release ${monitoringNs}/${stack.inputs.name}`;
  if (on(values.prometheus?.enabled)) out.set("prometheus", release);
  // The chart's ServiceMonitors for its subcharts and the kubelet (templates/exporters).
  if (on(values.prometheus?.enabled) && on(values.nodeExporter?.enabled))
    out.set("nodeExporter", `${release}: nodeExporter`);
  if (on(values.prometheus?.enabled) && on(values.kubeStateMetrics?.enabled))
    out.set("kubeStateMetrics", `${release}: kubeStateMetrics`);
  if (on(values.prometheus?.enabled) && on(values.kubelet?.enabled))
    out.set("kubelet", `${release}: kubelet`);

  // Which PodMonitors this Prometheus selects: every one, or those with the release label.
  const spec = values.prometheus?.prometheusSpec ?? {};
  const everyMonitor =
    spec.podMonitorSelectorNilUsesHelmValues === false &&
    Object.keys(spec.podMonitorSelector ?? {}).length === 0 &&
    Object.keys(spec.podMonitorNamespaceSelector ?? {}).length === 0;
  const selected = (labels: Labels) => everyMonitor || labels.release === stack.inputs.name;

  const pods = podsOf(rs);
  const monitors: { what: string; namespaces: string[] | "any"; spec: any }[] = ofType(
    rs,
    "kubernetes:monitoring.coreos.com/v1:PodMonitor",
  )
    .filter((m) => selected(m.inputs.metadata?.labels ?? {}))
    .map((m) => ({
      what: `PodMonitor ${nsOf(m)}/${m.inputs.metadata.name}`,
      namespaces: m.inputs.spec.namespaceSelector?.any
        ? "any"
        : (m.inputs.spec.namespaceSelector?.matchNames ?? [nsOf(m)]),
      spec: m.inputs.spec,
    }));
  // CloudNativePG makes a PodMonitor for a Cluster or Pooler with monitoring.enablePodMonitor
  // (cloudnative-pg docs/src/monitoring.md), selecting its pods' `metrics` port.
  for (const kind of ["Cluster", "Pooler"])
    for (const c of ofType(rs, `kubernetes:postgresql.cnpg.io/v1:${kind}`))
      if (c.inputs.spec?.monitoring?.enablePodMonitor)
        monitors.push({
          what: `CloudNativePG ${kind} ${nsOf(c)}/${c.inputs.metadata.name} (enablePodMonitor)`,
          namespaces: [nsOf(c)],
          spec: {
            selector: {
              matchLabels:
                kind === "Cluster"
                  ? { "cnpg.io/cluster": c.inputs.metadata.name }
                  : { "cnpg.io/poolerName": c.inputs.metadata.name },
            },
            podMetricsEndpoints: [{ port: "metrics" }],
          },
        });

  for (const m of monitors)
    for (const pod of pods) {
      if (m.namespaces !== "any" && !m.namespaces.includes(pod.namespace)) continue;
      if (!matches(m.spec.selector, pod.labels)) continue;
      for (const endpoint of m.spec.podMetricsEndpoints ?? []) {
        const port = pod.ports.find((p) => p.name === endpoint.port);
        if (!port?.exporter || out.has(port.exporter)) continue;
        if (admitted(rs, pod, port.port, monitoringNs))
          out.set(port.exporter, `${m.what} → ${pod.what}:${port.name}`);
      }
    }
  return out;
}

interface Rule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: Record<string, string>;
}
const rulesOf = (rs: RecordedResource[]): Rule[] =>
  ofType(rs, "kubernetes:monitoring.coreos.com/v1:PrometheusRule").flatMap((r) =>
    (r.inputs.spec?.groups ?? []).flatMap((g: any) => g.rules.filter((x: any) => x.alert)),
  );

/** One line per metric a rule reads that no scrape target of the stack produces. */
function unsourced(rules: Rule[], deployed: Map<Exporter, string>): string[] {
  return rules.flatMap((r) =>
    metricsOf(r.expr)
      .filter((m) => {
        const e = exporterOf(m);
        return !e || !deployed.has(e);
      })
      .map((m) => {
        const e = exporterOf(m);
        return `${r.alert} (${r.labels.severity}) reads ${m}: ${e ? `${e} is not scraped here` : "no known exporter publishes it"}`;
      }),
  );
}

let recorded: Map<string, RecordedResource[]>;
beforeAll(async () => {
  recorded = await recordVariants(STACKS.map((stack) => ({ label: stack, stack })));
}, 900_000);

describe("PromQL metric names, by Prometheus' own grammar", () => {
  it("takes every selector's metric, through functions, aggregations, offsets and binary operators", () => {
    expect(
      metricsOf(
        'sum by (a) (rate(x_total{job="j"}[5m] offset 1h)) / on (a) group_left max(y) > 3 or {__name__="z"} unless time() - w',
      ).sort(),
    ).toEqual(["w", "x_total", "y", "z"]);
  });

  it("refuses a syntax error and a selector without one fixed metric name", () => {
    expect(() => metricsOf("sum(rate(x[5m])")).toThrow(/syntax/);
    expect(() => metricsOf('{job="api"}')).toThrow(/names no metric/);
    expect(() => metricsOf('{__name__=~"pg_.*"}')).toThrow(/pattern/);
  });

  it("tells CloudNativePG's pooler series from its instances' and postgres_exporter's", () => {
    expect(exporterOf("cnpg_pgbouncer_pools_cl_waiting")).toBe("cnpgPooler");
    expect(exporterOf("cnpg_collector_up")).toBe("cloudnativePg");
    expect(exporterOf("pg_up")).toBe("postgresExporter");
    expect(exporterOf("pgbouncer_pools_client_waiting_connections")).toBe("pgbouncerExporter");
    expect(exporterOf("up")).toBe("prometheus");
    expect(exporterOf("upstream_total")).toBeUndefined();
  });
});

describe("alert provenance per shipped stack", () => {
  it.each(STACKS)(
    "every metric of every alert rule of %s comes from a scrape target it deploys",
    (stack) => {
      const rs = recorded.get(stack)!;
      const rules = rulesOf(rs);
      expect(rules.length).toBeGreaterThan(10);
      expect(unsourced(rules, deployedExporters(rs))).toEqual([]);
    },
  );

  it.each(STACKS)(
    "%s watches its database: unavailable (critical) and deadlocks (warning)",
    (stack) => {
      const rules = rulesOf(recorded.get(stack)!);
      const has = (alert: string, severity: string) =>
        rules.some((r) => r.alert === alert && r.labels.severity === severity);
      expect(has("DatabaseUnavailable", "critical")).toBe(true);
      expect(has("PostgresDeadlocks", "warning")).toBe(true);
      expect(has("CacheUnavailable", "critical")).toBe(true);
    },
  );

  it.each(["production", "production-do", "production-large"])(
    "%s scrapes postgres_exporter on its managed Postgres, so pg_up exists",
    (stack) => {
      const deployed = deployedExporters(recorded.get(stack)!);
      expect(deployed.get("postgresExporter")).toMatch(/postgres-exporter/);
      const unavailable = rulesOf(recorded.get(stack)!).find(
        (r) => r.alert === "DatabaseUnavailable",
      )!;
      expect(metricsOf(unavailable.expr)).toEqual(["pg_up"]);
    },
  );

  it("names its exporter in every rule's source annotation", () => {
    for (const stack of STACKS)
      for (const r of rulesOf(recorded.get(stack)!))
        expect(r.annotations.source?.length ?? 0).toBeGreaterThan(5);
  });

  it("fails a rule that reads a series no scrape target of the stack produces", () => {
    const rs = recorded.get("production")!;
    const deployed = deployedExporters(rs);
    const rogue: Rule = {
      alert: "Rogue",
      expr: "cnpg_collector_up == 0 or redis_up == 0 or made_up_metric > 1",
      labels: { severity: "critical" },
      annotations: {},
    };
    const lines = unsourced([rogue], deployed);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/cnpg_collector_up: cloudnativePg is not scraped here/);
    expect(lines[1]).toMatch(/made_up_metric: no known exporter/);
  });

  it("does not count an exporter whose port no NetworkPolicy opens to the monitoring namespace", () => {
    const rs = recorded
      .get("production")!
      .filter(
        (r) =>
          !(
            r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" &&
            r.inputs.metadata?.name === "postgres-exporter-ingress"
          ),
      );
    expect(deployedExporters(rs).has("postgresExporter")).toBe(false);
    expect(deployedExporters(rs).has("redisExporter")).toBe(true);
  });
});

describe("each rule's severity reaches a person on a production tier (real amtool)", () => {
  const amtool = requireProgram("amtool", "prometheus-alertmanager");
  let work: string | undefined;
  beforeAll(() => {
    work = makeTempDir("provenance-");
  });
  afterAll(() => removeDir(work));

  const route = async (file: string, labels: string[]) => {
    const r = await run(amtool, ["config", "routes", "test", `--config.file=${file}`, ...labels], {
      timeoutMs: 10000,
    });
    if (r.code !== 0) throw new Error(`amtool config routes test: ${r.stderr}`);
    return r.stdout.trim();
  };

  it.each(PRODUCTION)("%s pages for critical alerts and mails warnings", async (stack) => {
    const rs = recorded.get(stack)!;
    const release = ofType(rs, "kubernetes:helm.sh/v3:Release").find(
      (r) => r.inputs.chart === "kube-prometheus-stack",
    )!;
    const config = release.inputs.values.alertmanager.config;
    const file = path.join(work!, `${stack}.yml`);
    fs.writeFileSync(file, stringify(config));
    const check = await run(amtool, ["check-config", file], { timeoutMs: 10000 });
    expect(check.code).toBe(0);
    const receivers = new Map<string, any>(config.receivers.map((r: any) => [r.name, r]));
    const severities = new Set(rulesOf(rs).map((r) => r.labels.severity));
    expect([...severities].sort()).toEqual(["critical", "warning"]);
    for (const alert of new Set(rulesOf(rs).map((r) => `${r.alert} ${r.labels.severity}`))) {
      const [name, severity] = alert.split(" ");
      const to = await route(file, [`alertname=${name}`, `severity=${severity}`]);
      expect(`${alert} → ${to}`).toBe(`${alert} → ${severity === "critical" ? "paging" : "email"}`);
    }
    expect(receivers.get("paging")?.pagerduty_configs?.[0]?.routing_key_file).toMatch(/^\//);
    expect(receivers.get("email")?.email_configs?.[0]?.to).toMatch(/@/);
  });
});
