/**
 * Exporters for the data services a cloud manages, and the PodMonitors for the platform's own
 * metrics endpoints: what they create, how they reach their server, and what they refuse to reach.
 */
import * as pulumi from "@pulumi/pulumi";
import { isPinnedImage } from "../../config";
import {
  EXPORTER_NAMES,
  ManagedDataExporters,
  POSTGRES_EXPORTER_PORT,
  REDIS_EXPORTER_PORT,
} from "../../components/monitoring/exporters";
import { scrapeTargets } from "../../components/monitoring/scrape-targets";
import { OWN_EGRESS_LABEL } from "../../components/k8s";
import { evaluatePolicies } from "../../plan/policy";
import type { Registered } from "../../plan/mocks";
import { policies } from "../../policies/list";
import { DEFAULT_POLICY_CONFIG } from "../../policies/config";
import { K8S, ofType, record } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";

const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";

const database = {
  host: "db.internal.example",
  port: 5432,
  database: "app",
  user: "platform",
  password: pulumi.secret("db-password-123"),
};
const cache = { host: "cache.internal.example", port: 6379, password: "cache-password-456" };

const build = (over: Partial<ConstructorParameters<typeof ManagedDataExporters>[1]> = {}) =>
  record(() => {
    new ManagedDataExporters("exporters", {
      namespace: "data",
      monitoringNamespace: "monitoring",
      pools: ["app", "monitoring"],
      serverNetworks: ["10.0.0.0/16"],
      database,
      cache,
      monitoring: [],
      ...over,
    });
  });

const deployment = (rs: Registered[], name: string) =>
  ofType(rs, K8S.deployment).find((d) => d.inputs.metadata.name === name)!;
const container = (rs: Registered[], name: string) =>
  deployment(rs, name).inputs.spec.template.spec.containers[0];
const secretOf = (rs: Registered[], name: string) =>
  ofType(rs, K8S.secret).find((s) => s.inputs.metadata.name === `${name}-connection`)!.inputs
    .stringData;

describe("ManagedDataExporters", () => {
  it("runs postgres_exporter and redis_exporter as restricted, pinned, sized pods that validate", async () => {
    const rs = await build();
    for (const name of Object.values(EXPORTER_NAMES)) {
      const d = deployment(rs, name);
      expect(validateK8s(d)).toBeUndefined();
      const spec = d.inputs.spec.template.spec;
      const c = spec.containers[0];
      expect(isPinnedImage(c.image)).toBe(true);
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits).toBeDefined();
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(c.readinessProbe).toBeDefined();
      expect(c.livenessProbe).toBeDefined();
      // The management tier's pool, as the rest of the monitoring stack.
      expect(spec.nodeSelector).toEqual({ "platform/role": "monitoring" });
      // One scraper per server: a second would double every series the rules sum.
      expect(d.inputs.spec.replicas).toBe(1);
    }
  });

  it("connects over TLS with the service's credentials, which only the Secret holds", async () => {
    const rs = await build();
    const pg = secretOf(rs, EXPORTER_NAMES.postgres);
    expect(pg.DATA_SOURCE_NAME).toBe(
      "postgresql://platform:db-password-123@db.internal.example:5432/app?sslmode=require",
    );
    const redis = secretOf(rs, EXPORTER_NAMES.redis);
    expect(redis.REDIS_ADDR).toBe("rediss://cache.internal.example:6379");
    expect(redis.REDIS_PASSWORD).toBe("cache-password-456");
    for (const name of Object.values(EXPORTER_NAMES)) {
      const c = container(rs, name);
      expect(JSON.stringify(c)).not.toMatch(/password-\d+/);
      for (const e of c.env) expect(e.valueFrom.secretKeyRef.name).toBe(`${name}-connection`);
    }
  });

  it("lets the exporters reach only DNS and their server's port, and only Prometheus reach them", async () => {
    const rs = await build();
    for (const [name, serverPort, metricsPort] of [
      [EXPORTER_NAMES.postgres, 5432, POSTGRES_EXPORTER_PORT],
      [EXPORTER_NAMES.redis, 6379, REDIS_EXPORTER_PORT],
    ] as const) {
      const labels = deployment(rs, name).inputs.spec.template.metadata.labels;
      // The namespace's baseline (HTTPS anywhere) skips pods with their own egress policy.
      expect(labels[OWN_EGRESS_LABEL]).toBe("own");
      const policies = ofType(rs, K8S.networkPolicy).filter((p) =>
        p.inputs.metadata.name.startsWith(name),
      );
      const egress = policies.find((p) => p.inputs.spec.policyTypes.includes("Egress"))!;
      const rules = egress.inputs.spec.egress;
      expect(rules).toHaveLength(2);
      expect(rules[0].ports.map((p: any) => p.port)).toEqual([53, 53]);
      expect(rules[1]).toEqual({
        to: [{ ipBlock: { cidr: "10.0.0.0/16" } }],
        ports: [{ protocol: "TCP", port: serverPort }],
      });
      const ingress = policies.find((p) => p.inputs.spec.policyTypes.includes("Ingress"))!;
      expect(ingress.inputs.spec.ingress).toEqual([
        {
          from: [
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
          ],
          ports: [{ protocol: "TCP", port: metricsPort }],
        },
      ]);
    }
  });

  it("hands each exporter's pods to Prometheus with a PodMonitor on their metrics port", async () => {
    const rs = await build();
    const monitors = ofType(rs, POD_MONITOR);
    expect(monitors).toHaveLength(2);
    for (const m of monitors) {
      const d = ofType(rs, K8S.deployment).find(
        (x) => x.inputs.metadata.name === m.inputs.metadata.name,
      )!;
      const labels = d.inputs.spec.template.metadata.labels;
      for (const [k, v] of Object.entries<string>(m.inputs.spec.selector.matchLabels))
        expect(labels[k]).toBe(v);
      const port = m.inputs.spec.podMetricsEndpoints[0].port;
      expect(d.inputs.spec.template.spec.containers[0].ports.map((p: any) => p.name)).toContain(
        port,
      );
    }
  });

  it("builds only the exporter of the service the cloud manages", async () => {
    const rs = await build({ cache: undefined });
    expect(ofType(rs, K8S.deployment).map((d) => d.inputs.metadata.name)).toEqual([
      EXPORTER_NAMES.postgres,
    ]);
  });

  it("passes every resource policy of the platform's pack", async () => {
    const rs = await build();
    const found = await evaluatePolicies(policies, rs, {
      config: DEFAULT_POLICY_CONFIG,
      enforcement: "mandatory",
      overrides: {},
    });
    // Stack policies judge a whole stack, which these few resources are not.
    expect(found.filter((v) => v.resource !== "stack")).toEqual([]);
  });
});

describe("scrapeTargets", () => {
  const args = { gatewayNamespace: "gateway", dataNamespace: "data" };

  it("scrapes Envoy's stats and cert-manager's controller on every stack", () => {
    const targets = scrapeTargets({ ...args, valkey: false, minio: false });
    expect(targets.map((t) => `${t.namespace}/${t.name}`)).toEqual([
      "gateway/envoy-proxies",
      "gateway/cert-manager",
    ]);
    expect(targets[0].spec.podMetricsEndpoints).toEqual([
      { port: "metrics", path: "/stats/prometheus" },
    ]);
  });

  it("adds the self-hosted Valkey's exporter and MinIO where they run", () => {
    const names = scrapeTargets({ ...args, valkey: true, minio: true }).map((t) => t.name);
    expect(names).toEqual(["envoy-proxies", "cert-manager", "valkey", "minio"]);
    const minio = scrapeTargets({ ...args, valkey: false, minio: true }).find(
      (t) => t.name === "minio",
    )!;
    expect(minio.spec.podMetricsEndpoints[0].path).toBe("/minio/v2/metrics/cluster");
  });
});
