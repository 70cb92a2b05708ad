/**
 * Every Helm Release the program registers, in every shipped stack and in the configurations that
 * switch on the otherwise unused paths, is checked against its chart at the pinned version
 * (vendor/charts, see SOURCES.md there): the chart's values.schema.json, only keys the chart knows,
 * and Helm's merge rule (helm/helm v3.21.4, pkg/chartutil/coalesce.go).
 *
 * A null in `values` reaches Helm since pulumi/pulumi-kubernetes#4293 (provider 4.30; this program
 * pins 4.34), which is what lets a component drop a chart default.
 */
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { PRESETS } from "../../config";
import {
  chartName,
  checkValues,
  coalesce,
  loadVendoredChart,
  mergeConflicts,
  schemaFindings,
  unknownKeys,
  vendoredIndex,
  type ChartDefaults,
  type Finding,
  type Values,
} from "../helpers/chart-values";
import { recordVariants, type RecordedResource, type StackVariant } from "../helpers/recorded";
import { shippedStacks } from "../../plan/stack";

const SHIPPED = shippedStacks();

const LOGS_BUCKET = {
  name: "logs",
  purpose: "logs" as const,
  noncurrentVersionDays: 30,
  archiveAfterDays: 0,
};

const ECK = "production-hetzner with the Elasticsearch backend (ECK)";
const POOLER = "production-hetzner with the CloudNativePG Pooler";
const LOKI_SCALED = "production with a logs bucket (Loki read/write/backend, three replicas each)";

/** The overrides match tests/upstream/crds.test.ts', so both files share one recording of each. */
const VARIANTS: StackVariant[] = [
  ...SHIPPED.map((stack) => ({ label: stack, stack })),
  { label: ECK, stack: "production-hetzner", overrides: { logging: { backend: "elasticsearch" } } },
  {
    label: POOLER,
    stack: "production-hetzner",
    overrides: { database: { pooler: { enabled: true } } },
  },
  {
    label: LOKI_SCALED,
    stack: "production",
    overrides: {
      objectStorage: { buckets: [...PRESETS.medium.objectStorage.buckets, LOGS_BUCKET] },
    },
  },
];

/**
 * Maps a chart renders whole (toYaml) or iterates, or keys its templates read that its values.yaml
 * leaves commented out: any key we set there is the chart's to take. Chart → key path → where.
 */
const OPEN_MAPS: Record<string, Record<string, string>> = {
  "metrics-server": {
    resources: "templates/deployment.yaml renders it whole as the container's resources",
  },
  "cluster-autoscaler": {
    extraArgs: "templates/deployment.yaml turns each key into a --key=value flag",
  },
  "gateway-helm": {
    "deployment.envoyGateway.resources":
      "templates/envoy-gateway-deployment.yaml renders it whole as the container's resources",
  },
  loki: {
    "loki.podSecurityContext": "templates/_helpers.tpl (loki.podSecurityContext) renders it whole",
    "loki.containerSecurityContext": "every target's workload template renders it whole",
    "loki.limits_config":
      "the loki.config template in values.yaml renders it whole into the config",
    "loki.storage.bucketNames":
      "templates/_helpers.tpl requires chunks, ruler and admin; values.yaml leaves it commented out",
    ...Object.fromEntries(
      ["read", "write", "backend"].map((t) => [
        `${t}.affinity`,
        `the workload template under templates/${t}/ renders it whole (tpl) as the pod's affinity`,
      ]),
    ),
  },
  alloy: {
    "configReloader.resources": "templates/containers/_watch.yaml renders it whole",
  },
  "kube-prometheus-stack": {
    "alertmanager.podDisruptionBudget.maxUnavailable":
      "templates/alertmanager/podDisruptionBudget.yaml renders the map, less enabled, as the spec",
    "grafana.fullnameOverride":
      "the grafana chart's templates/_helpers.tpl (grafana.fullname) reads it; values.yaml leaves it out",
    'grafana["grafana.ini"]':
      "the grafana chart's templates/_config.tpl writes each section into grafana.ini",
    "grafana.securityContext":
      "the grafana chart's templates/_pod.tpl renders it whole as the pod's securityContext",
  },
  "eck-operator": {
    podSecurityContext: "templates/statefulset.yaml renders it whole as the pod's securityContext",
  },
  "hcloud-cloud-controller-manager": {
    env: "templates/deployment.yaml makes each key an environment variable, its value the source",
  },
  "argo-rollouts": {
    podSecurityContext:
      "templates/controller/deployment.yaml renders it whole (toYaml) as the pod's securityContext",
    containerSecurityContext:
      "templates/controller/deployment.yaml renders it whole (toYaml) as the container's securityContext",
  },
};

const RELEASE = "kubernetes:helm.sh/v3:Release";
let recorded: Map<string, RecordedResource[]>;
const releasesOf = (label: string) => recorded.get(label)!.filter((r) => r.type === RELEASE);

beforeAll(async () => {
  recorded = await recordVariants(VARIANTS);
}, 600_000);

describe("every Helm Release is valid for its chart at the pinned version", () => {
  it("records each variant with what it is meant to switch on", () => {
    const charts = (label: string) => releasesOf(label).map((r) => chartName(r.inputs.chart));
    expect(charts(ECK)).toContain("eck-operator");
    expect(charts("production-hetzner")).not.toContain("eck-operator");
    const poolers = recorded
      .get(POOLER)!
      .filter(
        (r) => r.inputs.kind === "Pooler" && /postgresql\.cnpg\.io/.test(r.inputs.apiVersion),
      );
    expect(poolers.length).toBeGreaterThan(0);
    const loki = releasesOf(LOKI_SCALED).find((r) => r.inputs.chart === "loki")!;
    expect(loki.inputs.values.deploymentMode).toBe("SimpleScalable");
    expect(loki.inputs.values.write.replicas).toBe(3);
  });

  it.each(VARIANTS.map((v) => v.label))(
    "%s: every Release's chart and version is vendored",
    (label) => {
      const missing = releasesOf(label)
        .filter((r) => !loadVendoredChart(r.inputs.chart, r.inputs.version))
        .map((r) => `${r.name}: ${r.inputs.chart} ${r.inputs.version}`);
      expect(missing).toEqual([]);
    },
  );

  it.each(VARIANTS.map((v) => v.label))(
    "%s: values pass the chart's schema, use only its keys and survive Helm's merge",
    (label) => {
      const findings: string[] = [];
      for (const r of releasesOf(label)) {
        const chart = loadVendoredChart(r.inputs.chart, r.inputs.version);
        if (!chart) continue; // reported by the test above
        const open = OPEN_MAPS[chart.defaults.chart] ?? {};
        const res = checkValues(r.inputs.values ?? {}, chart.defaults, open);
        findings.push(...res.findings.map((f) => `${r.name} (${f.rule}) ${f.message}`));
        findings.push(...res.warnings.map((w) => `${r.name} (merge warning) ${w}`));
      }
      expect(findings).toEqual([]);
    },
  );

  it("checks every vendored chart through some Release, and needs every stand-in and open map", () => {
    const used = new Set<string>();
    const standIns = new Set<string>();
    const allowed = new Set<string>();
    for (const v of VARIANTS)
      for (const r of releasesOf(v.label)) {
        const chart = loadVendoredChart(r.inputs.chart, r.inputs.version);
        if (!chart) continue;
        used.add(`${chart.entry.chart} ${chart.entry.version}`);
        if (chart.entry.version !== r.inputs.version) standIns.add(chart.entry.chart);
        const open = OPEN_MAPS[chart.defaults.chart] ?? {};
        for (const a of unknownKeys(r.inputs.values ?? {}, chart.defaults, open).allowances)
          if (open[a.path]) allowed.add(`${chart.defaults.chart} ${a.path}`);
      }
    const index = vendoredIndex();
    expect(index.map((e) => `${e.chart} ${e.version}`).filter((c) => !used.has(c))).toEqual([]);
    // A stand-in serves a pin newer than the upstream snapshot; once the pin is vendored, it goes.
    expect(index.filter((e) => e.standsFor && !standIns.has(e.chart)).map((e) => e.chart)).toEqual(
      [],
    );
    const declared = Object.entries(OPEN_MAPS).flatMap(([c, m]) =>
      Object.keys(m).map((p) => `${c} ${p}`),
    );
    expect(declared.filter((d) => !allowed.has(d))).toEqual([]);
  });

  it("vendors each chart with its values, its schema where it has one, and an older stand-in only", () => {
    const root = path.resolve(__dirname, "../../vendor/charts");
    const semver = (v: string) => v.replace(/^v/, "").split(".").map(Number);
    const older = (a: string, b: string) => {
      const [x, y] = [semver(a), semver(b)];
      for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i];
      return false;
    };
    for (const e of vendoredIndex()) {
      expect(fs.existsSync(path.join(root, e.dir, "values.json"))).toBe(true);
      expect(fs.existsSync(path.join(root, e.dir, "values.schema.json"))).toBe(e.schema);
      expect(e.commit).toMatch(/^[0-9a-f]{40}$/);
      if (e.standsFor) expect(older(e.version, e.standsFor.version)).toBe(true);
    }
  });
});

/* ------------------------------------------------------------------------------------------------
 * The helper on its own: Helm's rule and the traps, with small charts and the vendored ones.
 * --------------------------------------------------------------------------------------------- */

const chart = (values: Values, extra: Partial<ChartDefaults> = {}): ChartDefaults => ({
  chart: "demo",
  version: "1.0.0",
  values,
  subcharts: [],
  ...extra,
});
const vendored = (name: string, version: string) => loadVendoredChart(name, version)!.defaults;
const rules = (fs_: Finding[]) => fs_.map((f) => `${f.rule} ${f.path}`);

describe("Helm's coalesce", () => {
  it("keeps a default key unless the user sets it to null; {} removes nothing", () => {
    const defaults = chart({ pdb: { enabled: false, minAvailable: 1 }, affinity: { hard: true } });
    expect(coalesce({ pdb: { maxUnavailable: 1 } }, defaults).values.pdb).toEqual({
      enabled: false,
      minAvailable: 1,
      maxUnavailable: 1,
    });
    expect(
      coalesce({ pdb: { minAvailable: null, maxUnavailable: 1 } }, defaults).values.pdb,
    ).toEqual({ enabled: false, maxUnavailable: 1 });
    expect(coalesce({ affinity: {} }, defaults).values.affinity).toEqual({ hard: true });
    expect(coalesce({ affinity: null }, defaults).values).not.toHaveProperty("affinity");
  });

  it("keeps a null the user sets for a key the chart does not have", () => {
    const out = coalesce({ a: { b: null } }, chart({ a: { c: 1 } })).values;
    expect(out.a).toEqual({ b: null, c: 1 });
  });

  it("merges a subchart's section with the parent's, keeping nulls until the subchart's own defaults", () => {
    const sub = chart({ x: 1, y: { z: 2 } }, { chart: "sub" });
    const parent = chart(
      { sub: { enabled: true, y: { z: 3 } }, subOff: { enabled: false } },
      {
        subcharts: [
          { key: "sub", condition: "sub.enabled", defaults: sub },
          { key: "subOff", condition: "subOff.enabled" },
        ],
      },
    );
    const out = coalesce({ sub: { x: null } }, parent);
    expect(out.values.sub).toEqual({ enabled: true, y: { z: 3 } });
    expect(out.missingSubcharts).toEqual([]);
    const on = coalesce({ subOff: { enabled: true } }, parent);
    expect(on.missingSubcharts).toEqual(["subOff"]);
  });

  it("removes a default leaf only where the user nulls it or replaces a map above it", () => {
    const key = fc.constantFrom("a", "b", "c");
    const leaf = fc.oneof(fc.integer(), fc.constant(null), fc.string({ maxLength: 3 }));
    const tree = fc.letrec((tie) => ({
      node: fc.dictionary(key, fc.oneof({ maxDepth: 3 }, leaf, tie("node")), { maxKeys: 3 }),
    })).node as fc.Arbitrary<Values>;
    const leaves = (t: Values, at: string[] = []): string[][] =>
      Object.entries(t).flatMap(([k, v]) =>
        v && typeof v === "object" ? leaves(v as Values, [...at, k]) : [[...at, k]],
      );
    const get = (t: unknown, p: string[]) =>
      p.reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Values)[k] : undefined), t);
    const has = (t: unknown, p: string[]) => {
      const parent = get(t, p.slice(0, -1));
      return !!parent && typeof parent === "object" && p[p.length - 1] in (parent as Values);
    };
    fc.assert(
      fc.property(tree, tree, (defaults, user) => {
        const out = coalesce(user, chart(defaults)).values;
        for (const p of leaves(defaults)) {
          if (get(defaults, p) === null) continue;
          // A user value at the leaf, or a null or scalar above it, decides (Helm keeps the
          // user's map over a default scalar, with a warning); otherwise the default stays.
          const decided =
            has(user, p) ||
            p.slice(0, -1).some((_, i) => {
              const u = get(user, p.slice(0, i + 1));
              return has(user, p.slice(0, i + 1)) && (u === null || typeof u !== "object");
            });
          if (!decided) expect(get(out, p)).toEqual(get(defaults, p));
          else if (get(user, p) === null) expect(has(out, p)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("the checks report the merge-rule bugs", () => {
  it("reports kube-prometheus-stack's Alertmanager budget with maxUnavailable beside the default minAvailable", () => {
    const kps = vendored("kube-prometheus-stack", "91.4.1");
    const today = { alertmanager: { podDisruptionBudget: { enabled: true, maxUnavailable: 1 } } };
    expect(rules(mergeConflicts(today, kps))).toContain(
      "conflict alertmanager.podDisruptionBudget",
    );
    const fixed = {
      alertmanager: {
        podDisruptionBudget: { enabled: true, minAvailable: null, maxUnavailable: 1 },
      },
    };
    expect(rules(mergeConflicts(fixed, kps))).toEqual([]);
  });

  it("reports Loki's affinity {} that keeps the chart's hard anti-affinity, and accepts the nulled rule", () => {
    const loki = vendored("loki", "6.55.0");
    expect(rules(mergeConflicts({ singleBinary: { affinity: {} } }, loki))).toEqual([
      "empty-map singleBinary.affinity",
    ]);
    const preferred = [
      {
        weight: 100,
        podAffinityTerm: { labelSelector: {}, topologyKey: "kubernetes.io/hostname" },
      },
    ];
    const soft = {
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred },
    };
    expect(rules(mergeConflicts({ write: { affinity: soft } }, loki))).toEqual([
      "conflict write.affinity.podAntiAffinity",
    ]);
    const nulled = {
      podAntiAffinity: {
        ...soft.podAntiAffinity,
        requiredDuringSchedulingIgnoredDuringExecution: null,
      },
    };
    expect(rules(mergeConflicts({ write: { affinity: nulled } }, loki))).toEqual([]);
    const merged = coalesce({ write: { affinity: nulled } }, loki).values as any;
    expect(Object.keys(merged.write.affinity.podAntiAffinity)).toEqual([
      "preferredDuringSchedulingIgnoredDuringExecution",
    ]);
  });

  it("reports write and backend persistence.enabled, which Loki 6.55 names volumeClaimsEnabled", () => {
    const loki = vendored("loki", "6.55.0");
    const today = {
      write: { persistence: { enabled: true } },
      backend: { persistence: { enabled: true } },
    };
    expect(rules(unknownKeys(today, loki).findings)).toEqual([
      "unknown-key write.persistence.enabled",
      "unknown-key backend.persistence.enabled",
    ]);
    const fixed = { write: { persistence: { volumeClaimsEnabled: true } } };
    expect(unknownKeys(fixed, loki).findings).toEqual([]);
  });

  it("reports an environment variable left with the chart's value beside our valueFrom", () => {
    const c = chart({ env: { TOKEN: { value: "x" } } });
    expect(
      rules(mergeConflicts({ env: { TOKEN: { valueFrom: { secretKeyRef: {} } } } }, c)),
    ).toEqual(["conflict env.TOKEN"]);
  });
});

describe("the known-keys check states each allowance", () => {
  it("lets keys through under a {} or null default, a free-form schema map or a declared open map", () => {
    const c = chart(
      { resources: {}, selector: null, cfg: { a: 1 }, typed: { known: 1 } },
      {
        schema: {
          type: "object",
          properties: {
            free: { type: "object" },
            typed: { type: "object", properties: { fromSchema: {} } },
          },
        },
      },
    );
    const res = unknownKeys(
      {
        resources: { limits: { cpu: "1" } },
        selector: { app: "x" },
        cfg: { b: 2 },
        free: { any: 1 },
        typed: { fromSchema: 1, stray: 2 },
      },
      c,
      { cfg: "rendered whole" },
    );
    expect(res.allowances.map((a) => `${a.path}: ${a.reason}`)).toEqual([
      "resources: the chart's default is {}",
      "selector: the chart's default is null",
      "cfg: rendered whole",
      "free: named by the chart's values.schema.json",
      "free.any: the schema leaves the map free-form",
      "typed.fromSchema: named by the chart's values.schema.json",
    ]);
    expect(rules(res.findings)).toEqual(["unknown-key typed.stray"]);
  });

  it("knows the keys of a vendored subchart that is off by default and that we switch on", () => {
    const sub = chart({ replicas: 1 }, { chart: "sub" });
    const parent = chart(
      { sub: { enabled: false } },
      { subcharts: [{ key: "sub", condition: "sub.enabled", defaults: sub }] },
    );
    const res = unknownKeys({ sub: { enabled: true, replicas: 2, stray: 1 } }, parent);
    expect(rules(res.findings)).toEqual(["unknown-key sub.stray"]);
  });

  it("reports a map where the chart has a scalar, and a scalar where it has a map", () => {
    const res = unknownKeys(
      { image: "x:1", port: { n: 1 } },
      chart({ image: { tag: "1" }, port: 80 }),
    );
    expect(rules(res.findings)).toEqual(["type image", "type port"]);
  });
});

describe("the schema check", () => {
  it("validates the coalesced values with the draft the schema names", () => {
    const cm = vendored("cert-manager", "v1.21.1");
    const ok = coalesce({ replicaCount: 2 }, cm).values;
    expect(schemaFindings(ok, cm)).toEqual([]);
    const bad = coalesce({ replicaCount: "two", podDisruptionBudget: { bogus: 1 } }, cm).values;
    expect(rules(schemaFindings(bad, cm))).toEqual(
      expect.arrayContaining(["schema replicaCount", "schema podDisruptionBudget"]),
    );
    const csi = vendored("hcloud-csi", "2.18.3"); // draft 2020-12
    expect(schemaFindings(coalesce({}, csi).values, csi)).toEqual([]);
  });

  it("finds no vendored chart for a chart or version we never vendored", () => {
    expect(loadVendoredChart("no-such-chart", "1.0.0")).toBeUndefined();
    expect(loadVendoredChart("loki", "6.54.0")).toBeUndefined();
    expect(
      loadVendoredChart("oci://docker.io/envoyproxy/gateway-helm", "v1.9.3")?.entry.version,
    ).toBe("v1.9.0");
  });
});
