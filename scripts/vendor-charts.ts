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
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CHARTS, type Dependency, type Location } from "./chart-sources";
import { commitOf, gitShow } from "./mirrors";

export { CHARTS } from "./chart-sources";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "vendor/charts");

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

/** A file of the chart's folder at its tag, or undefined where the chart has none. */
function chartFile(mirrors: string, at: Location, file: string): string | undefined {
  try {
    return gitShow(mirrors, at.repo, at.tag, `${at.dir}/${file}`);
  } catch {
    return undefined;
  }
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
  const meta = parse(chartFile(mirrors, at, "Chart.yaml") ?? "") ?? {};
  if (meta.name !== chart)
    throw new Error(`${at.repo}@${at.tag}:${at.dir} is chart ${meta.name}, not ${chart}`);
  // cert-manager and gateway-helm stamp the version at release time (v0.0.0 in git).
  const stamped = /^v?0\.0\.0/.test(String(meta.version));
  if (!stamped && String(meta.version) !== version.replace(/^v/, "") && meta.version !== version)
    throw new Error(`${at.repo}@${at.tag}:${at.dir} is ${chart} ${meta.version}, not ${version}`);
  let text = chartFile(mirrors, at, at.valuesFile ?? "values.yaml") ?? "";
  for (const [name, value] of Object.entries(at.substitutions ?? {}))
    text = text.split(`\${${name}}`).join(value);
  const schemaText = chartFile(mirrors, at, "values.schema.json");
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
    commit: commitOf(mirrors, at.repo, at.tag),
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
