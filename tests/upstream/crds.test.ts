/**
 * Every custom resource the program registers is accepted by the real CustomResourceDefinition at
 * the pinned operator version (vendor/crds/SOURCES.md): structural schema, unknown fields, list
 * types and the `x-kubernetes-validations` CEL rules, as the API server applies them on create.
 */
import { RE2JS } from "@bufbuild/re2";
import {
  loadVendoredCrds,
  validateCustomResource,
  validateValue,
  type CrdValidation,
  type VendoredCrd,
} from "../helpers/crd-schema";
import { recordVariants, type RecordedResource, type StackVariant } from "../helpers/recorded";
import { SOURCES } from "../../scripts/vendor-crds";
import { BARMAN_PLUGIN_CHART, CNPG_CHART } from "../../components/database/cnpg";
import { CERT_MANAGER_CHART, ENVOY_GATEWAY_CHART } from "../../components/gateway/values";
import { ECK_CHART } from "../../components/logging/elastic";
import { PROMETHEUS_STACK_CHART } from "../../components/monitoring/values";
import { ARGO_ROLLOUTS_CHART } from "../../components/delivery/values";
import { SUC_VERSION } from "../../components/hetzner/upgrades";
import { shippedStacks } from "../../plan/stack";

const SHIPPED = shippedStacks();

/** The tier presets' buckets plus one for logs: Loki then runs three replicas of each target. */
const WITH_LOGS_BUCKET = [
  { name: "media", purpose: "media", noncurrentVersionDays: 30, archiveAfterDays: 365 },
  { name: "backup", purpose: "backup", noncurrentVersionDays: 30, archiveAfterDays: 0 },
  { name: "logs", purpose: "logs", noncurrentVersionDays: 30, archiveAfterDays: 0 },
];

/** Configurations that switch on paths no shipped stack takes. */
const EXTRA: StackVariant[] = [
  {
    label: "production-hetzner with Elasticsearch (ECK)",
    stack: "production-hetzner",
    overrides: { logging: { backend: "elasticsearch" } },
  },
  {
    label: "production-hetzner with the CloudNativePG pooler",
    stack: "production-hetzner",
    overrides: { database: { pooler: { enabled: true } } },
  },
  {
    label: "production with a logs bucket (Loki, three replicas)",
    stack: "production",
    overrides: { objectStorage: { buckets: WITH_LOGS_BUCKET } },
  },
];

/**
 * Rules the evaluator cannot run (a Kubernetes CEL library function it lacks). Empty: every rule
 * of the vendored CRDs that applies on create was evaluated. A new entry fails this test until it
 * is implemented in tests/helpers/crd-schema.ts or knowingly listed here.
 */
const NOT_EVALUATED: string[] = [];

const TYPE = /^kubernetes:(.+)\/(v\w+):(\w+)$/;
/** Pulumi's own pseudo-groups: they register no Kubernetes object of that group. */
const PULUMI_GROUPS = new Set(["helm.sh", "yaml", "kustomize"]);

/** A built-in API group (one kubernetes-models knows): judged by tests/helpers/k8s-schema.ts. */
function builtIn(group: string, version: string): boolean {
  if (group === "core") return true;
  try {
    require.resolve(`kubernetes-models/${group}/${version}`);
    return true;
  } catch {
    return false;
  }
}

/** Pulumi names a resource without `metadata.name` `<name>-<8 random characters>`. */
function asSent(r: RecordedResource): Record<string, any> {
  const metadata = r.inputs.metadata ?? {};
  return { ...r.inputs, metadata: { name: `${r.name}-0a1b2c3d`, ...metadata } };
}

let crds: Map<string, VendoredCrd>;
let recorded: Map<string, RecordedResource[]>;

beforeAll(async () => {
  crds = loadVendoredCrds();
  recorded = await recordVariants([...SHIPPED.map((stack) => ({ label: stack, stack })), ...EXTRA]);
}, 300_000);

/** Every custom resource of a recording, with its CRD key `<group>/<version>:<Kind>`. */
function customResources(label: string): { r: RecordedResource; key: string }[] {
  return recorded.get(label)!.flatMap((r) => {
    const m = TYPE.exec(r.type);
    if (!m || PULUMI_GROUPS.has(m[1]) || builtIn(m[1], m[2])) return [];
    return [{ r, key: `${m[1]}/${m[2]}:${m[3]}` }];
  });
}

const labels = () => [...SHIPPED, ...EXTRA.map((v) => v.label)];

describe("custom resources against the vendored upstream CRDs", () => {
  it.each([...SHIPPED, ...EXTRA.map((v) => v.label)])(
    "%s: every custom resource has a vendored CRD of its group, version and kind, served",
    (label) => {
      const missing = customResources(label)
        .filter(({ key }) => !crds.get(key)?.served)
        .map(({ r }) => `${r.name} (${r.type})`);
      expect(missing).toEqual([]);
    },
  );

  it.each([...SHIPPED, ...EXTRA.map((v) => v.label)])(
    "%s: the API server would accept every custom resource as sent (schema, fields, CEL rules)",
    (label) => {
      const findings: string[] = [];
      for (const { r, key } of customResources(label)) {
        const crd = crds.get(key);
        if (!crd) continue; // reported by the test above
        for (const f of validateCustomResource(crd, asSent(r)).findings)
          findings.push(`${r.name} (${key}) ${f.path}: ${f.message} [${f.kind}]`);
      }
      expect(findings).toEqual([]);
    },
  );

  it("ECK pod templates, which ECK's CRDs leave unchecked, are valid pod templates", () => {
    // ECK's CRDs keep podTemplate as preserve-unknown-fields (config/crds/v1/patches); the operator
    // decodes it as a core/v1 PodTemplateSpec, dropping what it does not know. CloudNativePG's
    // Pooler CRD spells that type out in full, so its schema judges ours.
    const podTemplate = (crds.get("postgresql.cnpg.io/v1:Pooler")!.schema as any).properties.spec
      .properties.template;
    const templates: [string, unknown][] = [];
    for (const { r, key } of customResources(EXTRA[0].label)) {
      const spec = r.inputs.spec;
      if (key.endsWith(":Elasticsearch"))
        spec.nodeSets.forEach((n: any, i: number) =>
          templates.push([`${r.name} spec.nodeSets[${i}].podTemplate`, n.podTemplate]),
        );
      if (key.endsWith(":Kibana")) templates.push([`${r.name} spec.podTemplate`, spec.podTemplate]);
      if (key.endsWith(":Beat"))
        templates.push([`${r.name} spec.daemonSet.podTemplate`, spec.daemonSet.podTemplate]);
    }
    expect(templates).toHaveLength(3);
    const findings = templates.flatMap(([at, t]) =>
      validateValue(podTemplate, t, at).findings.map((f) => `${f.path}: ${f.message}`),
    );
    expect(findings).toEqual([]);
  });

  it("evaluates every CEL rule it meets, except the exactly known ones", () => {
    const notEvaluated = new Set<string>();
    let evaluated = 0;
    for (const label of labels())
      for (const { r, key } of customResources(label)) {
        const crd = crds.get(key);
        if (!crd) continue;
        const v: CrdValidation = validateCustomResource(crd, asSent(r));
        v.notEvaluated.forEach((x) => notEvaluated.add(x));
        evaluated += v.evaluated;
      }
    expect([...notEvaluated].sort()).toEqual(NOT_EVALUATED);
    expect(evaluated).toBeGreaterThan(0);
  });

  it("every vendored CRD is used by at least one recorded configuration", () => {
    const used = new Set(labels().flatMap((l) => customResources(l).map(({ key }) => key)));
    expect([...crds.keys()].filter((k) => !used.has(k))).toEqual([]);
  });

  it("the extra configurations take the paths they are here for", () => {
    const kinds = (label: string) => new Set(customResources(label).map(({ key }) => key));
    expect([...kinds(EXTRA[0].label)]).toEqual(
      expect.arrayContaining([
        "elasticsearch.k8s.elastic.co/v1:Elasticsearch",
        "kibana.k8s.elastic.co/v1:Kibana",
        "beat.k8s.elastic.co/v1beta1:Beat",
      ]),
    );
    expect([...kinds(EXTRA[1].label)]).toContain("postgresql.cnpg.io/v1:Pooler");
    const loki = recorded
      .get(EXTRA[2].label)!
      .find((r) => r.type === "kubernetes:helm.sh/v3:Release" && /loki/.test(r.inputs.chart ?? ""));
    expect(loki?.inputs.values?.deploymentMode).toBe("SimpleScalable");
    expect(loki?.inputs.values?.write?.replicas).toBe(3);
  });
});

describe("vendored CRDs follow the chart pins", () => {
  /** The chart each operator is installed from, and its pin in the components. */
  const PINS: Record<string, string> = {
    "cloudnative-pg": CNPG_CHART.version,
    "plugin-barman-cloud": BARMAN_PLUGIN_CHART.version,
    "gateway-helm": ENVOY_GATEWAY_CHART.version,
    "cert-manager": CERT_MANAGER_CHART.version,
    "kube-prometheus-stack": PROMETHEUS_STACK_CHART.version,
    "eck-operator": ECK_CHART.version,
    "argo-rollouts": ARGO_ROLLOUTS_CHART.version,
    "system-upgrade-controller": SUC_VERSION,
  };

  const charts = [...new Map(SOURCES.map((s) => [`${s.chart.name}@${s.tag}`, s])).values()];
  it.each(charts.map((s) => [s.chart.name, s.tag, s] as const))(
    "%s: the CRDs of %s are those of the pinned chart (or stand for it, with the reason)",
    (chart, _tag, source) => {
      expect(Object.keys(PINS)).toContain(chart);
      expect(source.standsFor?.version ?? source.chart.version).toBe(PINS[chart]);
      if (source.standsFor) expect(source.standsFor.why).not.toBe("");
    },
  );
});

describe("the CRD validator refuses what the API server refuses", () => {
  const cluster = () => ({
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: { name: "db", namespace: "data" },
    spec: { instances: 3, storage: { size: "10Gi" } },
  });
  const route = (path: Record<string, unknown>) => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "web", namespace: "apps" },
    spec: {
      parentRefs: [{ name: "gateway", namespace: "gateway" }],
      rules: [{ matches: [{ path }], backendRefs: [{ name: "web", port: 3000 }] }],
    },
  });
  const findings = (key: string, obj: object) =>
    validateCustomResource(crds.get(key)!, obj).findings.map((f) => `${f.kind} ${f.path}`);

  it("accepts a minimal valid Cluster and HTTPRoute", () => {
    expect(findings("postgresql.cnpg.io/v1:Cluster", cluster())).toEqual([]);
    expect(
      findings("gateway.networking.k8s.io/v1:HTTPRoute", route({ type: "PathPrefix", value: "/" })),
    ).toEqual([]);
  });

  it("reports a field the schema does not declare (the server would prune it)", () => {
    const c = cluster();
    (c.spec as any).storage.sizee = "10Gi";
    (c.metadata as any).label = { a: "b" };
    expect(findings("postgresql.cnpg.io/v1:Cluster", c)).toEqual([
      "unknown-field spec.storage.sizee",
      "unknown-field metadata.label",
    ]);
  });

  it("reports a value of the wrong type and one outside its enum", () => {
    const c = cluster();
    (c.spec as any).instances = "3";
    (c.spec as any).primaryUpdateStrategy = "eventually";
    expect(findings("postgresql.cnpg.io/v1:Cluster", c)).toEqual([
      "schema spec.instances",
      "schema spec.primaryUpdateStrategy",
    ]);
  });

  it("reports a failing CEL rule with the rule's own message", () => {
    const c = cluster();
    Object.assign(c.spec, {
      imageName: "ghcr.io/cloudnative-pg/postgresql:17.11",
      imageCatalogRef: {
        apiGroup: "postgresql.cnpg.io",
        kind: "ImageCatalog",
        name: "pg",
        major: 17,
      },
    });
    const v = validateCustomResource(crds.get("postgresql.cnpg.io/v1:Cluster")!, c);
    expect(v.findings).toEqual([
      {
        kind: "cel",
        path: "spec",
        message: "imageName and imageCatalogRef are mutually exclusive",
      },
    ]);
  });

  it("evaluates CEL with defaults applied and RE2 regular expressions, per list item", () => {
    // Gateway API: a PathPrefix value must be an absolute path; the type defaults to PathPrefix.
    const bad = findings("gateway.networking.k8s.io/v1:HTTPRoute", route({ value: "api" }));
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.every((f) => f.startsWith("cel spec.rules[0].matches[0].path"))).toBe(true);
  });

  it("skips transition rules (oldSelf) on create, as the server does", () => {
    const crd = crds.get("postgresql.cnpg.io/v1:ScheduledBackup")!;
    const rules = JSON.stringify(crd.schema);
    expect(rules).toContain("self == oldSelf");
    const v = validateCustomResource(crd, {
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "ScheduledBackup",
      metadata: { name: "daily", namespace: "data" },
      spec: { cluster: { name: "db" }, schedule: "0 0 2 * * *" },
    });
    expect(v.findings).toEqual([]);
    expect(v.notEvaluated).toEqual([]);
  });

  it("reports duplicates in x-kubernetes-list-type set and map lists", () => {
    const r = route({ type: "PathPrefix", value: "/" });
    (r.spec.rules[0] as any).filters = [
      {
        type: "ResponseHeaderModifier",
        responseHeaderModifier: {
          set: [
            { name: "Cache-Control", value: "no-store" },
            { name: "Cache-Control", value: "public" },
          ],
          remove: ["Server", "Server"],
        },
      },
    ];
    expect(findings("gateway.networking.k8s.io/v1:HTTPRoute", r)).toEqual([
      "list spec.rules[0].filters[0].responseHeaderModifier.set[1]",
      "list spec.rules[0].filters[0].responseHeaderModifier.remove[1]",
    ]);
  });

  it("matches patterns with RE2 semantics, as Go does", () => {
    // PrometheusRule's partial_response_strategy pattern opens with RE2's (?i) flag.
    expect(RE2JS.compile("^(?i)(abort|warn)?$").test("WARN")).toBe(true);
    const rule = (strategy: string) =>
      findings("monitoring.coreos.com/v1:PrometheusRule", {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "alerts", namespace: "monitoring" },
        spec: {
          groups: [
            {
              name: "g",
              partial_response_strategy: strategy,
              rules: [{ alert: "A", expr: "up == 0" }],
            },
          ],
        },
      });
    expect(rule("Warn")).toEqual([]);
    expect(rule("maybe")).toEqual(["schema spec.groups[0].partial_response_strategy"]);
  });

  it("judges a value against one schema node, such as a pod template", () => {
    const podTemplate = (crds.get("postgresql.cnpg.io/v1:Pooler")!.schema as any).properties.spec
      .properties.template;
    const t = { spec: { containers: [{ name: "c", resourcez: {} }], nodeSelector: { a: 1 } } };
    expect(
      validateValue(podTemplate, t, "podTemplate").findings.map((f) => `${f.kind} ${f.path}`),
    ).toEqual([
      "unknown-field podTemplate.spec.containers[0].resourcez",
      "schema podTemplate.spec.nodeSelector.a",
    ]);
  });

  it("refuses a namespace on a cluster-scoped kind and a malformed label", () => {
    const issuer = {
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: "ca", namespace: "x", labels: { "bad label": "v" } },
      spec: { selfSigned: {} },
    };
    expect(findings("cert-manager.io/v1:ClusterIssuer", issuer)).toEqual([
      "metadata metadata.namespace",
      "metadata metadata.labels[bad label]",
    ]);
  });
});
