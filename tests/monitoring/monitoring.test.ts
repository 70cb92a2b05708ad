import { parseStackConfig, PRESETS, isPinnedImage } from "../../config";
import {
  DASHBOARDS,
  DOCUMENT_THRESHOLDS,
  Monitoring,
  MonitoringArgs,
  PROMETHEUS_STACK_CHART,
  RECEIVER_SECRET,
  dashboardJson,
} from "../../components/monitoring";
import { alertRules } from "../../components/monitoring/alert-rules";
import { record, ofType, one } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";
import type { Registered } from "../../plan/mocks";
import { evaluatePolicies } from "../../plan/policy";
import { policies } from "../../policies/list";
import { DEFAULT_POLICY_CONFIG } from "../../policies/config";

const medium = parseStackConfig({
  provider: "existing",
  tier: "medium",
  region: "x",
  domain: "example.test",
});
const receivers = {
  paging: { type: "pagerduty" as const },
  chat: { channel: "#alerts" },
  email: {
    to: ["oncall@example.test"],
    from: "alerts@example.test",
    smarthost: "smtp.example.test:587",
  },
};
const secrets = {
  "platform:pagingSecret": "routing-key-123",
  "platform:chatWebhookUrl": "https://chat.example.test/hook/abc",
  "platform:smtpPassword": "s3cr3t-smtp",
};

const args = (over: Partial<MonitoringArgs> = {}): MonitoringArgs => ({
  monitoring: medium.monitoring,
  namespace: "monitoring",
  pools: ["app", "db", "monitoring"],
  storageClass: "fast",
  ...over,
});
const build =
  (a = args()) =>
  () =>
    new Monitoring("monitoring", a);
const release = (rs: Registered[]) => one(rs, "kubernetes:helm.sh/v3:Release");
const values = async (a = args(), config: Record<string, string> = {}) =>
  release(await record(build(a), config)).inputs.values;

/** The platform's policy pack, run the way the offline plan runs it. */
async function violations(rs: Registered[]) {
  return evaluatePolicies(policies, rs, {
    config: DEFAULT_POLICY_CONFIG,
    enforcement: "mandatory",
    overrides: {},
  });
}

describe("Monitoring", () => {
  it("keeps metrics retentionDays on a storageGb volume of the cluster's storage class, scraping and evaluating every 15 s", async () => {
    const spec = (await values()).prometheus.prometheusSpec;
    expect(spec.retention).toBe("15d");
    expect(spec.storageSpec.volumeClaimTemplate.spec).toEqual({
      storageClassName: "fast",
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "50Gi" } },
    });
    // Self-hosted §4.1 prometheus.yml.
    expect([spec.scrapeInterval, spec.evaluationInterval]).toEqual(["15s", "15s"]);
    const large = (await values(args({ monitoring: PRESETS.large.monitoring, storageClass: "" })))
      .prometheus.prometheusSpec;
    expect(large.retention).toBe("30d");
    expect(large.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("200Gi");
    expect(large.storageSpec.volumeClaimTemplate.spec.storageClassName).toBeUndefined();
    // The size cap trims data before the volume reaches the 80 % disk warning.
    expect(parseInt(large.retentionSize, 10)).toBeLessThan(200 * 0.8);
  });

  it("places every component but node exporter on the monitoring pool when the cluster has one", async () => {
    const v = await values();
    const onPool = [
      v.prometheus.prometheusSpec,
      v.alertmanager.alertmanagerSpec,
      v.grafana,
      v.prometheusOperator,
      v["kube-state-metrics"],
    ];
    for (const c of onPool) {
      expect(c.nodeSelector).toEqual({ "platform/role": "monitoring" });
      expect(c.tolerations).toEqual([
        { key: "platform/role", operator: "Equal", value: "monitoring", effect: "NoSchedule" },
      ]);
    }
    const shared = await values(args({ pools: [] }));
    expect(shared.grafana.nodeSelector).toBeUndefined();
    expect(shared.prometheus.prometheusSpec.nodeSelector).toBeUndefined();
  });

  it("runs node exporter on every node from its own namespace at the privileged Pod Security level", async () => {
    const rs = await record(build());
    const ns = ofType(rs, "kubernetes:core/v1:Namespace").find(
      (n) => n.inputs.metadata.name === "monitoring-node",
    )!;
    expect(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    const exporter = release(rs).inputs.values["prometheus-node-exporter"];
    expect(exporter.namespaceOverride).toBe("monitoring-node");
    expect(exporter.tolerations).toEqual([{ operator: "Exists" }]);
    expect(release(rs).dependencies).toContain(ns.urn);
  });

  it("sets requests and limits for every component it enables", async () => {
    const v = await values();
    const resources = [
      v.prometheus.prometheusSpec.resources,
      v.alertmanager.alertmanagerSpec.resources,
      v.grafana.resources,
      v.grafana.sidecar.resources,
      v.prometheusOperator.resources,
      v.prometheusOperator.prometheusConfigReloader.resources,
      v["kube-state-metrics"].resources,
      v["prometheus-node-exporter"].resources,
    ];
    for (const r of resources) {
      expect(r.requests.cpu && r.requests.memory && r.limits.cpu && r.limits.memory).toBeTruthy();
    }
  });

  it("pages on-call for critical alerts and sends warnings to chat and email, with credentials from a mounted Secret", async () => {
    const rs = await record(
      build(args({ monitoring: { ...medium.monitoring, receivers } })),
      secrets,
    );
    const v = release(rs).inputs.values;
    const routes = v.alertmanager.config.route.routes;
    expect(
      routes
        .filter((r: any) => r.matchers.includes('severity="critical"'))
        .map((r: any) => r.receiver),
    ).toEqual(["paging"]);
    expect(
      routes
        .filter((r: any) => r.matchers.includes('severity="warning"'))
        .map((r: any) => r.receiver),
    ).toEqual(["chat", "email"]);

    const secret = one(rs, "kubernetes:core/v1:Secret", "monitoring-receivers").inputs;
    expect(secret.metadata.name).toBe(RECEIVER_SECRET);
    expect(secret.stringData).toEqual({
      "paging-key": "routing-key-123",
      "chat-webhook-url": "https://chat.example.test/hook/abc",
      "smtp-password": "s3cr3t-smtp",
    });
    expect(v.alertmanager.alertmanagerSpec.secrets).toEqual([RECEIVER_SECRET]);
    // Every credential file the configuration names is a key of the mounted Secret.
    const config = JSON.stringify(v.alertmanager.config);
    const files = [...config.matchAll(/"[a-z_]*file":"([^"]+)"/g)].map((m) => m[1]);
    expect(files.length).toBe(3);
    for (const f of files)
      expect(
        Object.keys(secret.stringData).map(
          (k) => `/etc/alertmanager/secrets/${RECEIVER_SECRET}/${k}`,
        ),
      ).toContain(f);
    expect(config).not.toContain("routing-key-123");
    expect(config).not.toContain("s3cr3t-smtp");
    // The SMTP submission port leaves the namespace for Alertmanager only.
    const smtp = one(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "monitoring-smtp").inputs
      .spec;
    expect(smtp.egress[0].ports).toEqual([{ protocol: "TCP", port: 587 }]);
  });

  it("reads receiver secrets only for the receivers a stack configures", async () => {
    const rs = await record(build(), {});
    expect(ofType(rs, "kubernetes:core/v1:Secret").map((s) => s.inputs.metadata.name)).toEqual([
      "grafana-admin",
    ]);
    expect(release(rs).inputs.values.alertmanager.alertmanagerSpec.secrets).toEqual([]);
    const paging = {
      ...medium.monitoring,
      receivers: { paging: { type: "pagerduty" as const }, chat: null, email: null },
    };
    expect(() => new Monitoring("m", args({ monitoring: paging }))).toThrow(/pagingSecret/);
  });

  it("hands a webhook pager its secret URL without writing it anywhere but the (secret) Alertmanager configuration", async () => {
    const hook = {
      ...medium.monitoring,
      receivers: { paging: { type: "webhook" as const }, chat: null, email: null },
    };
    const rs = await record(build(args({ monitoring: hook })), {
      "platform:pagingSecret": "https://pager.example.test/in/xyz",
    });
    const config = release(rs).inputs.values.alertmanager.config;
    expect(config.receivers.find((r: any) => r.name === "paging").webhook_configs[0].url).toBe(
      "https://pager.example.test/in/xyz",
    );
    expect(config.route.routes[0]).toMatchObject({
      receiver: "paging",
      matchers: ['severity="critical"'],
    });
  });

  it("installs the documents' alert rules: the PrometheusRule spec is alertRules() with the documented thresholds, after the chart", async () => {
    const rs = await record(build());
    const rule = one(rs, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    expect(rule.inputs.spec).toEqual(alertRules(DOCUMENT_THRESHOLDS));
    expect(rule.dependencies).toContain(release(rs).urn);
    // Tiers document, Alerting Strategy.
    expect(DOCUMENT_THRESHOLDS).toMatchObject({
      serviceDownMinutes: 5,
      serverErrorRatio: 0.05,
      latencySeconds: 2,
      diskWarningRatio: 0.8,
      diskCriticalRatio: 0.9,
      certificateExpiryDays: 7,
    });
    const exprs = Object.fromEntries(
      rule.inputs.spec.groups
        .flatMap((g: any) => g.rules)
        .map((r: any) => [`${r.alert}/${r.labels.severity}`, r.expr]),
    );
    expect(exprs["HttpServerErrorRateHigh/critical"]).toMatch(/> 0\.05$/);
    expect(exprs["DiskUsageHigh/critical"]).toMatch(/> 0\.9$/);
  });

  it("picks up ServiceMonitors, PodMonitors and rules from every namespace", async () => {
    const spec = (await values()).prometheus.prometheusSpec;
    for (const kind of ["serviceMonitor", "podMonitor", "rule"]) {
      expect(spec[`${kind}SelectorNilUsesHelmValues`]).toBe(false);
      expect(spec[`${kind}Selector`]).toEqual({});
      expect(spec[`${kind}NamespaceSelector`]).toEqual({});
    }
  });

  it("gives Grafana a generated admin password from a Secret, the default dashboards and the data-service dashboards", async () => {
    const rs = await record(build());
    const v = release(rs).inputs.values;
    expect(
      one(rs, "random:index/randomPassword:RandomPassword").inputs.length,
    ).toBeGreaterThanOrEqual(32);
    const admin = one(rs, "kubernetes:core/v1:Secret", "monitoring-grafana-admin").inputs;
    expect(v.grafana.admin).toEqual({
      existingSecret: admin.metadata.name,
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
    expect(admin.stringData["admin-password"]).toHaveLength(32);
    expect(JSON.stringify(v)).not.toContain(admin.stringData["admin-password"]);
    expect(v.grafana.defaultDashboardsEnabled).toBe(true);
    const dashboards = ofType(rs, "kubernetes:core/v1:ConfigMap").filter(
      (c) => c.inputs.metadata.labels.grafana_dashboard === "1",
    );
    expect(dashboards.map((d) => d.inputs.metadata.name).sort()).toEqual([
      "dashboard-platform-minio",
      "dashboard-platform-postgres",
      "dashboard-platform-valkey",
    ]);
    for (const d of dashboards) {
      const json = JSON.parse(Object.values(d.inputs.data)[0] as string);
      expect(json.panels.length).toBeGreaterThanOrEqual(3);
      expect(
        json.panels.every((p: any) => p.targets[0].expr && p.datasource.uid === "prometheus"),
      ).toBe(true);
    }
  });

  it("draws the data-service dashboards from the metrics the alert rules watch", () => {
    const ruleText = JSON.stringify(alertRules(DOCUMENT_THRESHOLDS));
    const metricsOf = (expr: string) =>
      [...expr.matchAll(/\b(cnpg_[a-z_]+|pg_up|redis_up|kubelet_volume_stats_[a-z_]+)\b/g)].map(
        (m) => m[1],
      );
    const used = DASHBOARDS.flatMap((d) => d.panels.flatMap((p) => metricsOf(p.expr)));
    expect(used.length).toBeGreaterThan(5);
    for (const metric of used) expect(ruleText).toContain(metric);
    expect(JSON.parse(dashboardJson(DASHBOARDS[0])).uid).toBe("platform-postgres");
  });

  it("adds Loki to Grafana's data sources when a URL is given", async () => {
    const url = "http://loki.monitoring.svc.cluster.local:3100";
    expect((await values(args({ lokiUrl: url }))).grafana.additionalDataSources).toEqual([
      { name: "Loki", type: "loki", uid: "loki", url, access: "proxy" },
    ]);
    expect((await values()).grafana.additionalDataSources).toEqual([]);
  });

  it("keeps Prometheus, Alertmanager and Grafana internal; an HTTPRoute and the gateway's admission come only with grafanaRoute", async () => {
    const rs = await record(build());
    expect(JSON.stringify(release(rs).inputs.values)).not.toContain("LoadBalancer");
    expect(ofType(rs, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")).toHaveLength(0);
    const policies = ofType(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(JSON.stringify(policies.map((p) => p.inputs.spec))).not.toContain('"gateway"');

    const routed = await record(
      build(
        args({
          grafanaRoute: {
            hostname: "grafana.example.test",
            gateway: { name: "platform", namespace: "gateway" },
          },
        }),
      ),
    );
    const route = one(routed, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").inputs.spec;
    expect(route.hostnames).toEqual(["grafana.example.test"]);
    expect(route.rules[0].backendRefs).toEqual([{ name: "grafana", port: 80 }]);
    const np = one(
      routed,
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "monitoring-grafana-gateway",
    ).inputs.spec;
    expect(np.podSelector.matchLabels).toEqual({ "app.kubernetes.io/name": "grafana" });
    expect(np.ingress[0]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway" } } }],
      ports: [{ protocol: "TCP", port: 3000 }],
    });
    expect(release(routed).inputs.values.grafana["grafana.ini"].server.root_url).toBe(
      "https://grafana.example.test",
    );
  });

  it("installs a pinned chart version from the pinned repository and waits for it", async () => {
    const r = release(await record(build())).inputs;
    expect(r.chart).toBe("kube-prometheus-stack");
    expect(r.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.version).toBe(PROMETHEUS_STACK_CHART.version);
    expect(r.repositoryOpts.repo).toBe("https://prometheus-community.github.io/helm-charts");
    expect(r.skipAwait).toBe(false);
    expect(isPinnedImage(`chart:${r.version}`)).toBe(true);
  });

  it("registers only objects valid against the Kubernetes schema", async () => {
    const rs = await record(
      build(
        args({
          monitoring: { ...medium.monitoring, receivers },
          grafanaRoute: {
            hostname: "g.example.test",
            gateway: { name: "gw", namespace: "gateway" },
          },
        }),
      ),
      secrets,
    );
    expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
    expect(ofType(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy").length).toBeGreaterThan(3);
  });

  it("passes every policy of the platform's pack", async () => {
    const rs = await record(
      build(args({ monitoring: { ...medium.monitoring, receivers } })),
      secrets,
    );
    expect(await violations(rs)).toEqual([]);
  });

  it("stops on a bad receiver before registering anything", () => {
    const email = { ...receivers.email, smarthost: "smtp.example.test" };
    const bad = { ...medium.monitoring, receivers: { paging: null, chat: null, email } };
    expect(() => new Monitoring("bad", args({ monitoring: bad }))).toThrow(
      /smarthost must be host:port/,
    );
  });
});
