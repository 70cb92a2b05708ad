/**
 * Helm values checks, as pure functions over plain data: Helm's coalesce of our values with a
 * chart's defaults, the keys we set that the chart does not know, the merge-rule traps (a `{}` that
 * removes nothing, a default key that survives beside ours and conflicts with it), and the chart's
 * `values.schema.json`. The vendored charts are read by `loadVendoredChart` (vendor/charts).
 */
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";

export type Values = Record<string, unknown>;

/** A chart's defaults as Helm loads them: its values, schema and the subcharts it may enable. */
export interface ChartDefaults {
  chart: string;
  version: string;
  values: Values;
  schema?: Values;
  subcharts: Subchart[];
}

export interface Subchart {
  /** The key its values sit under in the parent (the alias, or the name). */
  key: string;
  /** Parent values path that switches it on (Chart.yaml `condition`). */
  condition?: string;
  /** Its own defaults; absent when it was not vendored (then it must stay disabled). */
  defaults?: ChartDefaults;
}

/** One problem with the values of a release. */
export interface Finding {
  rule: "unknown-key" | "type" | "empty-map" | "conflict" | "schema" | "subchart";
  /** Key path in the values, `a.b["c.d"]`. */
  path: string;
  message: string;
}

/** A key path the known-keys check let through, and why: each allowance is stated. */
export interface Allowance {
  path: string;
  reason: string;
}

const isTable = (v: unknown): v is Values =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/** `a.b["c.d"]`: dotted, with keys that are not plain names in brackets. */
export function formatPath(segments: readonly string[]): string {
  return segments
    .map((s, i) =>
      /^[A-Za-z_][\w-]*$/.test(s) ? (i === 0 ? s : `.${s}`) : `[${JSON.stringify(s)}]`,
    )
    .join("");
}

/* ------------------------------------------------------------------------------------------------
 * Helm's coalesce: helm/helm v3.21.4, pkg/chartutil/coalesce.go (CoalesceValues).
 * User values are authoritative. A chart default is copied in where the user has no key; maps are
 * merged key by key; a default key disappears only when the user sets it to null. Values for a
 * subchart are first merged with the parent's section for it keeping nulls ("merge"), then
 * coalesced with the subchart's own defaults, where the nulls delete.
 * --------------------------------------------------------------------------------------------- */

/** coalesceTablesFullKey: merges `src` (defaults) into `dst` (user), `dst` winning. */
function coalesceTables(dst: Values, src: Values, merge: boolean, warn: (m: string) => void) {
  const srcNonNil = new Set(Object.keys(src).filter((k) => src[k] !== null));
  for (const [key, val] of Object.entries(dst)) if (val === null) src[key] = null;
  for (const [key, val] of Object.entries(src)) {
    const has = Object.prototype.hasOwnProperty.call(dst, key);
    const dv = dst[key];
    if (has && !merge && dv === null && srcNonNil.has(key)) delete dst[key];
    else if (!has) dst[key] = val;
    else if (isTable(val)) {
      if (isTable(dv)) coalesceTables(dv, val, merge, warn);
      else warn(`cannot overwrite table with non table for ${key}`);
    } else if (isTable(dv) && val !== null)
      warn(`destination for ${key} is a table; ignoring non-table value`);
  }
  return dst;
}

/** coalesceValues: one chart's defaults into `v`. */
function coalesceChartValues(
  c: ChartDefaults,
  v: Values,
  merge: boolean,
  warn: (m: string) => void,
) {
  const defaults = clone(c.values);
  const subKeys = new Set(c.subcharts.map((s) => s.key));
  for (const [key, val] of Object.entries(defaults)) {
    if (!Object.prototype.hasOwnProperty.call(v, key)) {
      v[key] = val;
      continue;
    }
    const value = v[key];
    if (value === null && !merge) delete v[key];
    else if (isTable(value)) {
      if (isTable(val)) coalesceTables(value, val, merge || subKeys.has(key), warn);
      else if (val !== null) warn(`skipped value for ${key}: not a table`);
    }
  }
}

/** Whether a subchart is on: its condition path's boolean, enabled when the path is absent. */
export function subchartEnabled(s: Subchart, parentValues: Values): boolean {
  if (!s.condition) return true;
  let at: unknown = parentValues;
  for (const part of s.condition.split(".")) {
    if (!isTable(at)) return true;
    at = at[part];
  }
  return typeof at === "boolean" ? at : true;
}

function coalesceChart(c: ChartDefaults, v: Values, merge: boolean, out: CoalesceResult) {
  coalesceChartValues(c, v, merge, (m) => out.warnings.push(`${c.chart}: ${m}`));
  for (const s of c.subcharts) {
    if (!subchartEnabled(s, v)) continue;
    if (!s.defaults) {
      out.missingSubcharts.push(s.key);
      continue;
    }
    if (v[s.key] === undefined || v[s.key] === null) v[s.key] = {};
    if (!isTable(v[s.key])) {
      out.warnings.push(`${c.chart}: type mismatch on ${s.key}`);
      continue;
    }
    const sub = v[s.key] as Values;
    // coalesceGlobals: the parent's globals reach the subchart, its own winning where both set.
    if (isTable(v.global))
      sub.global = isTable(sub.global)
        ? coalesceTables(sub.global, clone(v.global), true, () => undefined)
        : clone(v.global);
    coalesceChart(s.defaults, sub, merge, out);
  }
}

export interface CoalesceResult {
  values: Values;
  warnings: string[];
  /** Enabled subcharts whose defaults were not vendored. */
  missingSubcharts: string[];
}

/** Helm's CoalesceValues: what the chart's templates see for `user` values. */
export function coalesce(user: Values, chart: ChartDefaults): CoalesceResult {
  const out: CoalesceResult = { values: clone(user) ?? {}, warnings: [], missingSubcharts: [] };
  coalesceChart(chart, out.values, false, out);
  return out;
}

/* ------------------------------------------------------------------------------------------------
 * Known keys: every path we set must be a key of the chart's defaults, except under a map the chart
 * leaves open. The allowances, each reported with the path it let through:
 *   - the default is `{}` or `[]` (the chart takes whatever map or list is given),
 *   - the default is null (a map or value the chart renders only when given),
 *   - the schema describes the map as free-form (object without properties, or additionalProperties),
 *   - an explicit open map of the chart, with the reason (`openMaps`).
 * --------------------------------------------------------------------------------------------- */

type Schema = Record<string, any>;

function resolveRef(root: Schema, node: Schema | undefined): Schema | undefined {
  let n = node;
  for (let i = 0; n && typeof n.$ref === "string" && n.$ref.startsWith("#/") && i < 32; i++) {
    let at: any = root;
    for (const part of n.$ref.slice(2).split("/"))
      at = at?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    n = at;
  }
  return n;
}

/** The schema nodes that describe `key` under `node` (through allOf/anyOf/oneOf and $ref). */
function schemaChild(root: Schema, node: Schema | undefined, key: string): Schema[] {
  const n = resolveRef(root, node);
  if (!n || typeof n !== "object") return [];
  const out: Schema[] = [];
  if (n.properties?.[key]) out.push(n.properties[key]);
  for (const [re, s] of Object.entries<Schema>(n.patternProperties ?? {}))
    if (new RegExp(re, "u").test(key)) out.push(s);
  if (out.length === 0 && isTable(n.additionalProperties)) out.push(n.additionalProperties);
  for (const list of ["allOf", "anyOf", "oneOf"])
    for (const s of (n[list] as Schema[] | undefined) ?? []) out.push(...schemaChild(root, s, key));
  return out.map((s) => resolveRef(root, s) ?? s);
}

/** Whether the schema node takes keys it does not name. */
function schemaFreeForm(root: Schema, node: Schema): boolean {
  const n = resolveRef(root, node);
  if (!n || typeof n !== "object") return false;
  if (n.additionalProperties === true || isTable(n.additionalProperties)) return true;
  const types = ([] as unknown[]).concat(n.type ?? []);
  const hasProps = !!n.properties || !!n.patternProperties;
  if (types.includes("object") && !hasProps && n.additionalProperties !== false) return true;
  return ["allOf", "anyOf", "oneOf"].some((l) =>
    ((n[l] as Schema[] | undefined) ?? []).some((s) => schemaFreeForm(root, s)),
  );
}

/**
 * The defaults as the templates see them without any user value, every vendored subchart's under
 * its key whatever its condition (we may be the ones switching it on).
 */
export function chartDefaultsTree(chart: ChartDefaults): Values {
  const all = (c: ChartDefaults): ChartDefaults => ({
    ...c,
    subcharts: c.subcharts
      .filter((s) => s.defaults)
      .map((s) => ({ key: s.key, defaults: all(s.defaults!) })),
  });
  return coalesce({}, all(chart)).values;
}

/** The schemas that apply to a values tree: the chart's at the root, each subchart's at its key. */
function schemaRoots(chart: ChartDefaults): Map<string, Schema> {
  const roots = new Map<string, Schema>();
  if (chart.schema) roots.set("", chart.schema);
  const walk = (c: ChartDefaults, prefix: string[]) => {
    for (const s of c.subcharts)
      if (s.defaults) {
        const p = [...prefix, s.key];
        if (s.defaults.schema) roots.set(JSON.stringify(p), s.defaults.schema);
        walk(s.defaults, p);
      }
  };
  walk(chart, []);
  return roots;
}

export interface KnownKeysResult {
  findings: Finding[];
  allowances: Allowance[];
}

/**
 * Every path of `user` that the chart's defaults (subcharts included) do not have, and every value
 * whose kind (map or not) differs from the default's. `openMaps`: key path → why the chart takes
 * any key beneath it (for example a map it renders whole into a config file).
 */
export function unknownKeys(
  user: Values,
  chart: ChartDefaults,
  openMaps: Record<string, string> = {},
): KnownKeysResult {
  const defaults = chartDefaultsTree(chart);
  const roots = schemaRoots(chart);
  const out: KnownKeysResult = { findings: [], allowances: [] };
  const walk = (u: Values, d: Values, at: string[], schemas: { root: Schema; node: Schema }[]) => {
    for (const [key, value] of Object.entries(u)) {
      const p = [...at, key];
      const where = formatPath(p);
      const subRoot = roots.get(JSON.stringify(p));
      const childSchemas = schemas.flatMap((s) =>
        schemaChild(s.root, s.node, key).map((node) => ({ root: s.root, node })),
      );
      if (subRoot) childSchemas.push({ root: subRoot, node: subRoot });
      if (openMaps[where]) {
        out.allowances.push({ path: where, reason: openMaps[where] });
        continue;
      }
      const inDefaults = Object.prototype.hasOwnProperty.call(d, key);
      if (!inDefaults && childSchemas.length === 0) {
        const free = schemas.find((s) => schemaFreeForm(s.root, s.node));
        if (free) {
          out.allowances.push({ path: where, reason: "the schema leaves the map free-form" });
          continue;
        }
        out.findings.push({
          rule: "unknown-key",
          path: where,
          message: `${where}: not a key of ${chart.chart} ${chart.version}${value === null ? " (set to null)" : ""}`,
        });
        continue;
      }
      if (!inDefaults)
        out.allowances.push({ path: where, reason: "named by the chart's values.schema.json" });
      const dv = inDefaults ? d[key] : isTable(value) ? {} : undefined;
      if (value === null || value === undefined) continue;
      if (isTable(value)) {
        if (isTable(dv)) {
          if (inDefaults && Object.keys(dv).length === 0) {
            if (Object.keys(value).length > 0)
              out.allowances.push({ path: where, reason: "the chart's default is {}" });
            continue;
          }
          walk(value, dv, p, childSchemas);
        } else if (dv === null) {
          out.allowances.push({ path: where, reason: "the chart's default is null" });
        } else if (Array.isArray(dv) && dv.length === 0) {
          out.allowances.push({ path: where, reason: "the chart's default is []" });
        } else {
          out.findings.push({
            rule: "type",
            path: where,
            message: `${where}: a map where ${chart.chart} has ${JSON.stringify(dv)}`,
          });
        }
      } else if (isTable(dv) && inDefaults) {
        out.findings.push({
          rule: "type",
          path: where,
          message: `${where}: ${JSON.stringify(value)} where ${chart.chart} has a map (Helm keeps ours and warns)`,
        });
      }
    }
  };
  walk(user, defaults, [], chart.schema ? [{ root: chart.schema, node: chart.schema }] : []);
  return out;
}

/* ------------------------------------------------------------------------------------------------
 * Merge-rule traps: what Helm's merge leaves in place that we did not mean.
 * --------------------------------------------------------------------------------------------- */

/** Keys of which a Kubernetes object takes one; a merged map holding two is refused or misread. */
const EXCLUSIVE: { keys: string[]; what: string; applies?: (key: string) => boolean }[] = [
  // policy/v1 PodDisruptionBudgetSpec: "minAvailable ... mutually exclusive with maxUnavailable".
  { keys: ["minAvailable", "maxUnavailable"], what: "a disruption budget" },
  // core/v1 EnvVar: value or valueFrom.
  { keys: ["value", "valueFrom"], what: "an environment variable" },
  // core/v1 Probe: exactly one handler.
  {
    keys: ["exec", "httpGet", "tcpSocket", "grpc"],
    what: "a probe",
    applies: (key) => /probe$/i.test(key),
  },
];

const present = (v: unknown) => v !== null && v !== undefined && v !== "";

function valueAt(tree: unknown, p: readonly string[]): unknown {
  let at = tree;
  for (const k of p) {
    if (!isTable(at)) return undefined;
    at = at[k];
  }
  return at;
}

/**
 * The traps of Helm's merge rule in one release:
 *  - `{}` set over a non-empty default map removes nothing (affinity `{}` keeps the hard rule);
 *  - a merged map holding two of a set of exclusive keys (a budget with minAvailable and
 *    maxUnavailable, an env var with value and valueFrom, a probe with two handlers);
 *  - a soft (preferred) scheduling rule we set beside the chart's hard (required) one, which stays.
 */
export function mergeConflicts(user: Values, chart: ChartDefaults): Finding[] {
  const defaults = chartDefaultsTree(chart);
  const merged = coalesce(user, chart).values;
  const findings: Finding[] = [];
  const walkUser = (u: Values, at: string[]) => {
    for (const [key, value] of Object.entries(u)) {
      const p = [...at, key];
      if (!isTable(value)) continue;
      const dv = valueAt(defaults, p);
      if (Object.keys(value).length === 0 && isTable(dv) && Object.keys(dv).length > 0)
        findings.push({
          rule: "empty-map",
          path: formatPath(p),
          message:
            `${formatPath(p)}: {} removes nothing; the chart's ${Object.keys(dv).join(", ")} ` +
            "stay (set the keys to null to remove them)",
        });
      if (
        /^(podAntiAffinity|podAffinity|nodeAffinity)$/.test(key) &&
        present(value.preferredDuringSchedulingIgnoredDuringExecution) &&
        value.requiredDuringSchedulingIgnoredDuringExecution === undefined &&
        present(valueAt(merged, [...p, "requiredDuringSchedulingIgnoredDuringExecution"]))
      )
        findings.push({
          rule: "conflict",
          path: formatPath(p),
          message:
            `${formatPath(p)}: the chart's requiredDuringSchedulingIgnoredDuringExecution stays ` +
            "beside our preferred rule (set it to null to soften the rule)",
        });
      walkUser(value, p);
    }
  };
  walkUser(user, []);
  const walkMerged = (m: Values, at: string[]) => {
    for (const group of EXCLUSIVE) {
      if (group.applies && !group.applies(at[at.length - 1] ?? "")) continue;
      const held = group.keys.filter((k) => present(m[k]));
      if (held.length > 1) {
        const fromChart = held.filter((k) => valueAt(user, [...at, k]) === undefined);
        findings.push({
          rule: "conflict",
          path: formatPath(at),
          message:
            `${formatPath(at)}: ${group.what} with ${held.join(" and ")}` +
            (fromChart.length ? ` (${fromChart.join(", ")} from the chart's defaults)` : ""),
        });
      }
    }
    for (const [key, value] of Object.entries(m))
      if (isTable(value)) walkMerged(value, [...at, key]);
  };
  walkMerged(merged, []);
  return findings;
}

/* ------------------------------------------------------------------------------------------------
 * values.schema.json: Helm validates the coalesced values against the chart's schema and each
 * enabled subchart's section against the subchart's (helm/helm v3.21.4,
 * pkg/chartutil/jsonschema.go, santhosh-tekuri/jsonschema v6: the draft named by `$schema`,
 * `format` not asserted).
 * --------------------------------------------------------------------------------------------- */

function validatorFor(schema: Schema) {
  const draft = String(schema.$schema ?? "");
  const opts = { allErrors: true, strict: false, validateFormats: false } as const;
  const body = { ...schema };
  delete body.$schema;
  if (/draft-0[67]|^$/.test(draft)) return new Ajv(opts).compile(body);
  if (/2019-09/.test(draft)) return new Ajv2019(opts).compile(body);
  if (/2020-12/.test(draft)) return new Ajv2020(opts).compile(body);
  throw new Error(`no validator for JSON Schema ${draft}`);
}

/** Schema findings for coalesced `values`, the subcharts' sections against their own schemas. */
export function schemaFindings(values: Values, chart: ChartDefaults, at: string[] = []): Finding[] {
  const findings: Finding[] = [];
  if (chart.schema) {
    const validate = validatorFor(chart.schema);
    if (!validate(values))
      for (const e of validate.errors ?? []) {
        const where = formatPath([...at, ...e.instancePath.split("/").slice(1)]);
        findings.push({
          rule: "schema",
          path: where,
          message: `${where || "(root)"}: ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`,
        });
      }
  }
  for (const s of chart.subcharts)
    if (s.defaults && isTable(values[s.key]) && subchartEnabled(s, values))
      findings.push(...schemaFindings(values[s.key] as Values, s.defaults, [...at, s.key]));
  return findings;
}

/** All checks of one release's values against its chart. */
export function checkValues(
  user: Values,
  chart: ChartDefaults,
  openMaps: Record<string, string> = {},
): { findings: Finding[]; allowances: Allowance[]; warnings: string[] } {
  const merged = coalesce(user, chart);
  const known = unknownKeys(user, chart, openMaps);
  const findings = [
    ...merged.missingSubcharts.map((key): Finding => ({
      rule: "subchart",
      path: key,
      message: `${key}: subchart enabled but its defaults are not vendored`,
    })),
    ...known.findings,
    ...mergeConflicts(user, chart),
    ...schemaFindings(merged.values, chart),
  ];
  return { findings, allowances: known.allowances, warnings: merged.warnings };
}

/* ------------------------------------------------------------------------------------------------
 * The vendored charts (scripts/vendor-charts.ts writes them).
 * --------------------------------------------------------------------------------------------- */

const VENDOR = path.resolve(__dirname, "../../vendor/charts");

interface IndexChart {
  chart: string;
  version: string;
  dir: string;
  schema: boolean;
}
export interface IndexEntry extends IndexChart {
  repository: string;
  tag: string;
  commit: string;
  standsFor?: { version: string; why: string };
  dependencies: { key: string; condition?: string; vendored?: IndexChart }[];
}

export function vendoredIndex(): IndexEntry[] {
  return JSON.parse(fs.readFileSync(path.join(VENDOR, "index.json"), "utf8"));
}

function readChart(c: IndexChart): ChartDefaults {
  const file = (name: string) => path.join(VENDOR, c.dir, name);
  return {
    chart: c.chart,
    version: c.version,
    values: JSON.parse(fs.readFileSync(file("values.json"), "utf8")),
    schema: c.schema ? JSON.parse(fs.readFileSync(file("values.schema.json"), "utf8")) : undefined,
    subcharts: [],
  };
}

/** The chart name a Release refers to: `oci://registry/org/name` → `name`. */
export const chartName = (chart: string) => chart.replace(/^oci:\/\/.*\//, "");

/**
 * The vendored defaults for a Release's chart and version: the exact version, or a declared
 * stand-in (`standsFor`) when the pinned release is newer than the upstream snapshot. Undefined
 * when neither is vendored.
 */
export function loadVendoredChart(
  chart: string,
  version: string,
): { defaults: ChartDefaults; entry: IndexEntry } | undefined {
  const name = chartName(chart);
  const index = vendoredIndex();
  const entry =
    index.find((e) => e.chart === name && e.version === version) ??
    index.find((e) => e.chart === name && e.standsFor?.version === version);
  if (!entry) return undefined;
  const defaults = readChart(entry);
  defaults.subcharts = entry.dependencies.map((d) => ({
    key: d.key,
    condition: d.condition,
    defaults: d.vendored ? readChart(d.vendored) : undefined,
  }));
  return { defaults, entry };
}
