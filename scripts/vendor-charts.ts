/**
 * Re-extracts the default values (and `values.schema.json` where a chart has one) of every Helm
 * chart the program installs, from local git mirrors of the upstream repositories at the chart's
 * release tag, into `vendor/charts/<chart>/<version>/`:
 *   values.json             the chart's values.yaml parsed (YAML 1.1, as Helm reads it): data only
 *   values.schema.json      the chart's schema with its prose (`description`, `$comment`) removed
 *   charts/<key>/...        the same for each subchart whose values we may set, under its values key
 * plus `vendor/charts/index.json` (what the tests read) and `vendor/charts/SOURCES.md`.
 *
 * usage: node -r ./plan/register.js scripts/vendor-charts.ts [mirrors dir, default /work/.mirror]
 * A mirror is `<dir>/<owner>+<name>/repo`, a bare git directory (no work tree is needed).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "vendor/charts");

/** Where a chart's files live upstream. */
interface Location {
  repo: string;
  tag: string;
  dir: string;
  /** values.yaml, or a template the release build fills with `envsubst`. */
  valuesFile?: string;
  /** `${NAME}` → value, as the release build substitutes them. */
  substitutions?: Record<string, string>;
}

/** A dependency of a chart, as Chart.yaml declares it; vendored when `from` is given. */
interface Dependency {
  /** Chart name of the dependency. */
  chart: string;
  /** The key its values sit under in the parent's values (the alias, or the name). */
  key: string;
  version: string;
  /** Parent values path that switches it on (Chart.yaml `condition`). */
  condition?: string;
  /** Upstream files of the dependency at `version`; absent: never enabled by this program. */
  from?: Location;
  /** Why it is not vendored. */
  notVendored?: string;
}

interface ChartSource extends Location {
  chart: string;
  version: string;
  /** The pinned version this vendored one stands in for, when the pin is newer than the mirror. */
  standsFor?: { version: string; why: string };
  dependencies: Dependency[];
}

const NEWER_THAN_MIRROR =
  "the pinned release is newer than the newest snapshot of the upstream repository in reach; " +
  "this is the newest release of the chart in that snapshot";

export const CHARTS: ChartSource[] = [
  {
    chart: "kube-prometheus-stack",
    version: "88.5.3",
    standsFor: { version: "91.4.1", why: NEWER_THAN_MIRROR },
    repo: "prometheus-community/helm-charts",
    tag: "kube-prometheus-stack-88.5.3",
    dir: "charts/kube-prometheus-stack",
    dependencies: [
      {
        chart: "crds",
        key: "crds",
        version: "0.0.0",
        condition: "crds.enabled",
        from: {
          repo: "prometheus-community/helm-charts",
          tag: "kube-prometheus-stack-88.5.3",
          dir: "charts/kube-prometheus-stack/charts/crds",
        },
      },
      {
        chart: "kube-state-metrics",
        key: "kube-state-metrics",
        version: "8.4.0",
        condition: "kubeStateMetrics.enabled",
        from: {
          repo: "prometheus-community/helm-charts",
          tag: "kube-state-metrics-8.4.0",
          dir: "charts/kube-state-metrics",
        },
      },
      {
        chart: "prometheus-node-exporter",
        key: "prometheus-node-exporter",
        version: "4.56.1",
        condition: "nodeExporter.enabled",
        from: {
          repo: "prometheus-community/helm-charts",
          tag: "prometheus-node-exporter-4.56.1",
          dir: "charts/prometheus-node-exporter",
        },
      },
      {
        chart: "grafana",
        key: "grafana",
        version: "12.11.1",
        condition: "grafana.enabled",
        from: {
          repo: "grafana-community/helm-charts",
          tag: "grafana-12.11.1",
          dir: "charts/grafana",
        },
      },
      {
        chart: "prometheus-windows-exporter",
        key: "prometheus-windows-exporter",
        version: "0.12.*",
        condition: "windowsMonitoring.enabled",
        notVendored: "Windows nodes are not monitored (windowsMonitoring.enabled is false)",
      },
    ],
  },
  {
    chart: "loki",
    version: "6.55.0",
    repo: "grafana/loki",
    tag: "helm-loki-6.55.0",
    dir: "production/helm/loki",
    dependencies: [
      {
        chart: "minio",
        key: "minio",
        version: "5.4.0",
        condition: "minio.enabled",
        notVendored: "Loki stores on a volume or the platform's bucket (minio.enabled is false)",
      },
      {
        chart: "grafana-agent-operator",
        key: "grafana-agent-operator",
        version: "0.5.2",
        condition: "monitoring.selfMonitoring.grafanaAgent.installOperator",
        notVendored: "self-monitoring through the Grafana Agent operator is off",
      },
      {
        chart: "rollout-operator",
        key: "rollout_operator",
        version: "0.43.0",
        condition: "rollout_operator.enabled",
        notVendored: "the rollout operator serves the distributed mode only (off)",
      },
    ],
  },
  {
    chart: "alloy",
    version: "1.11.1",
    standsFor: { version: "1.12.1", why: NEWER_THAN_MIRROR },
    repo: "grafana/alloy",
    tag: "helm-chart/1.11.1",
    dir: "operations/helm/charts/alloy",
    dependencies: [
      {
        chart: "crds",
        key: "crds",
        version: "0.0.0",
        condition: "crds.create",
        notVendored: "a CRDs-only chart without values (crds.create is false)",
      },
    ],
  },
  {
    chart: "cloudnative-pg",
    version: "0.29.0",
    standsFor: { version: "0.29.1", why: NEWER_THAN_MIRROR },
    repo: "cloudnative-pg/charts",
    tag: "cloudnative-pg-v0.29.0",
    dir: "charts/cloudnative-pg",
    dependencies: [
      {
        chart: "cluster",
        key: "monitoring",
        version: "0.0.5",
        condition: "monitoring.grafanaDashboard.create",
        notVendored: "the Grafana dashboard chart (monitoring.grafanaDashboard.create is false)",
      },
    ],
  },
  {
    chart: "plugin-barman-cloud",
    version: "0.7.0",
    standsFor: { version: "0.8.0", why: NEWER_THAN_MIRROR },
    repo: "cloudnative-pg/charts",
    tag: "plugin-barman-cloud-v0.7.0",
    dir: "charts/plugin-barman-cloud",
    dependencies: [],
  },
  {
    chart: "gateway-helm",
    version: "v1.9.0",
    standsFor: { version: "v1.9.3", why: NEWER_THAN_MIRROR },
    repo: "envoyproxy/gateway",
    tag: "v1.9.0",
    dir: "charts/gateway-helm",
    // The release workflow (.github/workflows/release.yaml) runs `make helm-package` with
    // IMAGE=docker.io/envoyproxy/gateway TAG=<release> IMAGE_PULL_POLICY=IfNotPresent, and
    // tools/make/helm.mk fills values.tmpl.yaml from them with envsubst.
    valuesFile: "values.tmpl.yaml",
    substitutions: {
      GatewayImage: "docker.io/envoyproxy/gateway:v1.9.0",
      GatewayImagePullPolicy: "IfNotPresent",
    },
    dependencies: [
      {
        chart: "crds",
        key: "crds",
        version: "0.0.0",
        condition: "crds.enabled",
        from: { repo: "envoyproxy/gateway", tag: "v1.9.0", dir: "charts/gateway-helm/charts/crds" },
      },
    ],
  },
  {
    chart: "cert-manager",
    version: "v1.21.1",
    repo: "cert-manager/cert-manager",
    tag: "v1.21.1",
    dir: "deploy/charts/cert-manager",
    dependencies: [],
  },
  {
    chart: "eck-operator",
    version: "3.5.0",
    repo: "elastic/cloud-on-k8s",
    tag: "v3.5.0",
    dir: "deploy/eck-operator",
    dependencies: [
      {
        chart: "eck-operator-crds",
        key: "eck-operator-crds",
        version: "3.5.0",
        condition: "installCRDs",
        from: {
          repo: "elastic/cloud-on-k8s",
          tag: "v3.5.0",
          dir: "deploy/eck-operator/charts/eck-operator-crds",
        },
      },
    ],
  },
  {
    chart: "aws-load-balancer-controller",
    version: "1.13.4",
    repo: "kubernetes-sigs/aws-load-balancer-controller",
    tag: "v2.13.4",
    dir: "helm/aws-load-balancer-controller",
    dependencies: [],
  },
  {
    chart: "cluster-autoscaler",
    version: "9.50.1",
    repo: "kubernetes/autoscaler",
    tag: "cluster-autoscaler-chart-9.50.1",
    dir: "charts/cluster-autoscaler",
    dependencies: [],
  },
  {
    chart: "metrics-server",
    version: "3.13.0",
    repo: "kubernetes-sigs/metrics-server",
    tag: "metrics-server-helm-chart-3.13.0",
    dir: "charts/metrics-server",
    dependencies: [],
  },
  {
    chart: "hcloud-cloud-controller-manager",
    version: "1.28.0",
    repo: "hetznercloud/hcloud-cloud-controller-manager",
    tag: "v1.28.0",
    dir: "chart",
    dependencies: [],
  },
  {
    chart: "argo-rollouts",
    version: "2.41.0",
    repo: "argoproj/argo-helm",
    tag: "argo-rollouts-2.41.0",
    dir: "charts/argo-rollouts",
    dependencies: [],
  },
  {
    chart: "hcloud-csi",
    version: "2.18.3",
    repo: "hetznercloud/csi-driver",
    tag: "v2.18.3",
    dir: "chart",
    dependencies: [],
  },
];

/** One vendored chart (or subchart) as `index.json` lists it. */
export interface VendoredChart {
  chart: string;
  version: string;
  repository: string;
  tag: string;
  commit: string;
  path: string;
  /** Folder under vendor/charts holding values.json (and values.schema.json when `schema`). */
  dir: string;
  schema: boolean;
}

export interface VendoredRelease extends VendoredChart {
  standsFor?: { version: string; why: string };
  dependencies: (Omit<Dependency, "from"> & { vendored?: VendoredChart })[];
}

const PROSE = new Set(["description", "$comment", "markdownDescription"]);
/** Schema keywords whose value is a map of name → schema. */
const SCHEMA_MAPS = new Set([
  "properties",
  "patternProperties",
  "definitions",
  "$defs",
  "dependentSchemas",
]);
/** Schema keywords whose value is a schema or a list of schemas. */
const SCHEMA_NODES = new Set([
  "items",
  "additionalItems",
  "prefixItems",
  "additionalProperties",
  "unevaluatedProperties",
  "unevaluatedItems",
  "propertyNames",
  "contains",
  "not",
  "if",
  "then",
  "else",
  "allOf",
  "anyOf",
  "oneOf",
]);

/** Drops upstream prose from every schema node; a property *named* description is kept. */
export function stripProse(node: any): any {
  if (Array.isArray(node)) return node.map(stripProse);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries<any>(node)) {
    if (PROSE.has(k)) continue;
    if (SCHEMA_MAPS.has(k) && v && typeof v === "object")
      out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, stripProse(s)]));
    else if (SCHEMA_NODES.has(k)) out[k] = stripProse(v);
    else out[k] = v;
  }
  return out;
}

function mirrorDir(mirrors: string, repo: string): string {
  return path.join(mirrors, repo.replace("/", "+"), "repo");
}

function gitShow(mirrors: string, at: Location, file: string): string | undefined {
  try {
    return execFileSync(
      "git",
      ["-C", mirrorDir(mirrors, at.repo), "show", `${at.tag}:${at.dir}/${file}`],
      { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] },
    );
  } catch {
    return undefined;
  }
}

function commitOf(mirrors: string, at: Location): string {
  return execFileSync("git", ["-C", mirrorDir(mirrors, at.repo), "rev-list", "-n", "1", at.tag], {
    encoding: "utf8",
  }).trim();
}

/**
 * values.yaml as Helm reads it: sigs.k8s.io/yaml over go-yaml v2, i.e. YAML 1.1 scalars
 * (`yes`/`on` are booleans) and `<<` merge keys.
 */
export function parseValues(text: string): Record<string, unknown> {
  const v = parse(text, { version: "1.1", merge: true, maxAliasCount: -1 });
  return v && typeof v === "object" ? v : {};
}

function vendorOne(
  mirrors: string,
  at: Location,
  chart: string,
  version: string,
  outDir: string,
): VendoredChart {
  const meta = parse(gitShow(mirrors, at, "Chart.yaml") ?? "") ?? {};
  if (meta.name !== chart)
    throw new Error(`${at.repo}@${at.tag}:${at.dir} is chart ${meta.name}, not ${chart}`);
  // cert-manager and gateway-helm stamp the version at release time (v0.0.0 in git).
  const stamped = /^v?0\.0\.0/.test(String(meta.version));
  if (!stamped && String(meta.version) !== version.replace(/^v/, "") && meta.version !== version)
    throw new Error(`${at.repo}@${at.tag}:${at.dir} is ${chart} ${meta.version}, not ${version}`);
  let text = gitShow(mirrors, at, at.valuesFile ?? "values.yaml") ?? "";
  for (const [name, value] of Object.entries(at.substitutions ?? {}))
    text = text.split(`\${${name}}`).join(value);
  const schemaText = gitShow(mirrors, at, "values.schema.json");
  const dir = path.join(OUT, outDir);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "values.json"),
    `${JSON.stringify(parseValues(text), null, 2)}\n`,
  );
  if (schemaText)
    fs.writeFileSync(
      path.join(dir, "values.schema.json"),
      `${JSON.stringify(stripProse(JSON.parse(schemaText)), null, 2)}\n`,
    );
  return {
    chart,
    version,
    repository: at.repo,
    tag: at.tag,
    commit: commitOf(mirrors, at),
    path: `${at.dir}/${at.valuesFile ?? "values.yaml"}`,
    dir: outDir,
    schema: !!schemaText,
  };
}

function main() {
  const mirrors = process.argv[2] ?? "/work/.mirror";
  const index: VendoredRelease[] = [];
  for (const src of CHARTS) {
    const base = `${src.chart}/${src.version}`;
    const top = vendorOne(mirrors, src, src.chart, src.version, base);
    const dependencies = src.dependencies.map(({ from, ...dep }) => ({
      ...dep,
      ...(from
        ? {
            vendored: vendorOne(mirrors, from, dep.chart, dep.version, `${base}/charts/${dep.key}`),
          }
        : {}),
    }));
    index.push({ ...top, ...(src.standsFor ? { standsFor: src.standsFor } : {}), dependencies });
  }
  fs.writeFileSync(path.join(OUT, "index.json"), `${JSON.stringify(index, null, 2)}\n`);

  const row = (c: VendoredChart, what: string) =>
    `| ${what} | ${c.repository} | ${c.tag} | ${c.commit} | \`${c.path}\`${c.schema ? " + `values.schema.json`" : ""} |`;
  const rows: string[] = [];
  const notes: string[] = [];
  for (const r of index) {
    rows.push(row(r, `\`${r.dir}\``));
    for (const d of r.dependencies) {
      if (d.vendored) rows.push(row(d.vendored, `\`${d.vendored.dir}\` (subchart \`${d.key}\`)`));
      else
        notes.push(
          `- ${r.chart} ${r.version}: subchart \`${d.key}\` ${d.version} not vendored: ${d.notVendored}.`,
        );
    }
    if (r.standsFor)
      notes.push(
        `- ${r.chart}: pinned ${r.standsFor.version}, vendored ${r.version}: ${r.standsFor.why}.`,
      );
  }
  fs.writeFileSync(
    path.join(OUT, "SOURCES.md"),
    [
      "# Vendored Helm chart values",
      "",
      "Extracted by `scripts/vendor-charts.ts` from the upstream repositories at each chart's",
      "release tag. `values.json` is the chart's default values file parsed as Helm parses it (YAML",
      "1.1, merge keys), comments dropped; `values.schema.json` is the chart's schema with its prose",
      "(`description`, `$comment`) removed. Subcharts sit under `charts/<values key>/`, at the version",
      "the parent's Chart.yaml requires. `index.json` lists all of it for the tests",
      "(`tests/upstream/chart-values.test.ts`).",
      "",
      "| vendored | repository | tag | commit | file |",
      "| --- | --- | --- | --- | --- |",
      ...rows,
      "",
      "Stand-ins and subcharts left out:",
      "",
      ...notes,
      "",
    ].join("\n"),
  );
  process.stdout.write(`${index.length} charts written to ${OUT}\n`);
}

if (require.main === module) main();
