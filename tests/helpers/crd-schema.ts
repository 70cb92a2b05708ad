/**
 * Judges a custom resource the way the Kubernetes API server does when it is created against a
 * CustomResourceDefinition's structural schema, with the vendored CRDs of `vendor/crds/`.
 *
 * The order and the rules follow kubernetes/kubernetes,
 * `staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/`:
 * - `defaulting/prunenulls.go`, `defaulting/algorithm.go`: a null where the schema is not nullable
 *   is dropped, then every absent property with a `default` gets a copy of it (recursively).
 * - `pruning/algorithm.go`: a field that is not in `properties` of an object without
 *   `additionalProperties` or `x-kubernetes-preserve-unknown-fields` is dropped by the server. A
 *   client sending it has a bug (`kubectl --validate=strict` refuses it), so here it is a finding.
 *   `apiVersion`, `kind`, `metadata` are kept at the root and in `x-kubernetes-embedded-resource`s.
 * - `objectmeta/`: `metadata` is an ObjectMeta (known fields, DNS names, label syntax).
 * - `../validation/validation.go` (ConvertJSONSchemaProps): value validation by OpenAPI rules, with
 *   `x-kubernetes-int-or-string` as type [integer, string] and `nullable` admitting null; only the
 *   formats of `../validation/formats.go` are checked, others are ignored (done here with ajv; RE2
 *   patterns as in Go).
 * - `listtype/validation.go`: `x-kubernetes-list-type: set` items and `map` keys are unique.
 * - `cel/validation.go`, `cel/model/schemas.go` and `k8s.io/apiserver/pkg/cel/escaping.go`: every
 *   `x-kubernetes-validations` rule runs with `self` bound to the node's value (ints as int, numbers
 *   as double, int-or-string as dyn, `date-time` as timestamp, `byte` as bytes, objects with only
 *   their declared, escaped properties, the root with apiVersion, kind, metadata.name and
 *   generateName), on every non-null node, including those of `allOf` branches.
 *   Transition rules (those naming `oldSelf`) are evaluated only on update, against the stored
 *   object; a create has no old object, so they are skipped, as the server skips them.
 *   The server's CEL cost budget is not modelled: our objects are small.
 */
import * as fs from "fs";
import { isIPv6 } from "net";
import * as path from "path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { celEnv, isCelError, parse, plan, type CelEnv } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { RE2JS } from "@bufbuild/re2";

const VENDOR = path.resolve(__dirname, "../../vendor/crds");

/** One served version of a vendored CRD (written by scripts/vendor-crds.ts). */
export interface VendoredCrd {
  group: string;
  kind: string;
  version: string;
  scope: "Namespaced" | "Cluster";
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  schema: Schema;
}

/** A node of a structural schema, as far as this validator reads it. */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  nullable?: boolean;
  default?: unknown;
  format?: string;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  not?: Schema;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-validations"?: ValidationRule[];
  [key: string]: unknown;
}

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
  optionalOldSelf?: boolean;
}

export type FindingKind = "unknown-field" | "schema" | "metadata" | "list" | "cel";

/** One refusal, at a Kubernetes field path (`spec.listeners[0].port`). */
export interface Finding {
  kind: FindingKind;
  path: string;
  message: string;
}

export interface CrdValidation {
  findings: Finding[];
  /** Rules the evaluator cannot run (a function it lacks), as `<group>/<kind> <schema path>: <rule>`. */
  notEvaluated: string[];
  /** How many rule evaluations ran (a rule on a list item counts once per item). */
  evaluated: number;
}

/** Every vendored CRD version, keyed `<group>/<version>:<Kind>` like a Pulumi type's tail. */
export function loadVendoredCrds(dir = VENDOR): Map<string, VendoredCrd> {
  const out = new Map<string, VendoredCrd>();
  for (const group of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!group.isDirectory()) continue;
    for (const file of fs.readdirSync(path.join(dir, group.name))) {
      if (!file.endsWith(".json")) continue;
      const crd: VendoredCrd = JSON.parse(
        fs.readFileSync(path.join(dir, group.name, file), "utf8"),
      );
      out.set(`${crd.group}/${crd.version}:${crd.kind}`, crd);
    }
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const typeOf = (v: unknown): string =>
  v === null
    ? "null"
    : Array.isArray(v)
      ? "array"
      : typeof v === "number"
        ? Number.isInteger(v)
          ? "integer"
          : "number"
        : typeof v;

/** Whether a JSON value has the type a schema node declares (int-or-string: either). */
function hasType(v: unknown, s: Schema): boolean {
  if (s["x-kubernetes-int-or-string"]) return typeof v === "string" || typeOf(v) === "integer";
  if (!s.type) return true;
  const t = typeOf(v);
  return t === s.type || (s.type === "number" && t === "integer");
}

const child = (p: string, key: string) => (p ? `${p}.${key}` : key);
const mapKey = (p: string, key: string) => `${p}[${key}]`;
const index = (p: string, i: number) => `${p}[${i}]`;

/** The schema a property's value follows: its own, or additionalProperties', or none. */
function propertySchema(s: Schema, key: string): Schema | null | undefined {
  if (s.properties && key in s.properties) return s.properties[key];
  if (isObject(s.additionalProperties)) return s.additionalProperties;
  if (s.additionalProperties === true) return null; // kept, but nothing under it is known
  return undefined;
}

// ---- defaulting (defaulting/prunenulls.go, defaulting/algorithm.go) ----

function pruneNulls(x: unknown, s: Schema | null | undefined): void {
  if (!s) return;
  if (isObject(x)) {
    for (const [k, v] of Object.entries(x)) {
      const ps = propertySchema(s, k);
      if (v === null && ps && !ps.nullable && ps.default === undefined) delete x[k];
      else pruneNulls(v, ps);
    }
  } else if (Array.isArray(x)) x.forEach((v) => pruneNulls(v, s.items));
}

function applyDefaults(x: unknown, s: Schema | null | undefined): void {
  if (!s) return;
  const clone = (v: unknown) => JSON.parse(JSON.stringify(v));
  if (isObject(x)) {
    for (const [k, ps] of Object.entries(s.properties ?? {}))
      if (ps.default !== undefined && (!(k in x) || (x[k] === null && !ps.nullable)))
        x[k] = clone(ps.default);
    for (const k of Object.keys(x)) {
      const ps = propertySchema(s, k);
      if (ps && x[k] === null && !ps.nullable && ps.default !== undefined) x[k] = clone(ps.default);
      applyDefaults(x[k], ps);
    }
  } else if (Array.isArray(x)) {
    x.forEach((v, i) => {
      if (v === null && s.items && !s.items.nullable && s.items.default !== undefined)
        x[i] = clone(s.items.default);
      applyDefaults(x[i], s.items);
    });
  }
}

// ---- pruning: unknown fields (pruning/algorithm.go) and ObjectMeta (objectmeta/) ----

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

/** ObjectMeta's JSON fields (k8s.io/apimachinery/pkg/apis/meta/v1/types.go). */
const OBJECT_META = new Set([
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
]);

function unknownFields(
  x: unknown,
  s: Schema | null | undefined,
  at: string,
  out: Finding[],
  embedded: boolean,
): void {
  if (s?.["x-kubernetes-preserve-unknown-fields"]) {
    // Unknown fields stay; known ones are still pruned below them.
    if (isObject(x))
      for (const [k, v] of Object.entries(x)) {
        if (embedded && META_FIELDS.has(k)) continue;
        const ps = propertySchema(s, k);
        if (ps !== undefined) unknownFields(v, ps, child(at, k), out, !!ps?.[EMBEDDED]);
      }
    else if (Array.isArray(x) && s.items)
      x.forEach((v, i) => unknownFields(v, s.items, index(at, i), out, !!s.items?.[EMBEDDED]));
    return;
  }
  if (isObject(x)) {
    for (const [k, v] of Object.entries(x)) {
      if (embedded && META_FIELDS.has(k)) continue;
      const ps = s ? propertySchema(s, k) : undefined;
      const p = s?.properties && k in s.properties ? child(at, k) : mapKey(at, k);
      if (ps === undefined)
        out.push({
          kind: "unknown-field",
          path: child(at, k),
          message: "field not declared in schema",
        });
      else unknownFields(v, ps, p, out, !!ps?.[EMBEDDED]);
    }
  } else if (Array.isArray(x))
    x.forEach((v, i) => unknownFields(v, s?.items, index(at, i), out, !!s?.items?.[EMBEDDED]));
}
const EMBEDDED = "x-kubernetes-embedded-resource";

// k8s.io/apimachinery/pkg/util/validation/validation.go
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return "a qualified name has at most one '/'";
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)))
    return "prefix must be a DNS-1123 subdomain";
  if (!name || name.length > 63 || !QUALIFIED_NAME.test(name))
    return "name part must be 63 characters or less, alphanumeric, '-', '_' or '.'";
  return undefined;
}

/** ObjectMeta checks of k8s.io/apimachinery/pkg/api/validation/objectmeta.go, as CRs get them. */
function objectMeta(
  meta: unknown,
  at: string,
  namespaced: boolean | undefined,
  out: Finding[],
): void {
  const bad = (p: string, message: string) => {
    out.push({ kind: "metadata", path: p, message });
  };
  if (!isObject(meta)) {
    bad(at, "must be an object");
    return;
  }
  for (const k of Object.keys(meta))
    if (!OBJECT_META.has(k))
      out.push({ kind: "unknown-field", path: child(at, k), message: "not an ObjectMeta field" });
  const { name, generateName, namespace, labels, annotations } = meta;
  // Custom resources' names are DNS-1123 subdomains (customresource/validator.go, NameIsDNSSubdomain).
  if (name !== undefined)
    if (typeof name !== "string" || name.length > 253 || !DNS1123_SUBDOMAIN.test(name))
      bad(child(at, "name"), `must be a DNS-1123 subdomain (got ${JSON.stringify(name)})`);
  if (namespaced !== undefined && name === undefined && generateName === undefined)
    bad(child(at, "name"), "name or generateName is required");
  if (namespace !== undefined) {
    if (namespaced === false) bad(child(at, "namespace"), "not allowed on a cluster-scoped kind");
    else if (
      typeof namespace !== "string" ||
      namespace.length > 63 ||
      !DNS1123_LABEL.test(namespace)
    )
      bad(child(at, "namespace"), `must be a DNS-1123 label (got ${JSON.stringify(namespace)})`);
  }
  if (labels !== undefined) {
    if (!isObject(labels)) bad(child(at, "labels"), "must be a map of strings");
    else
      for (const [k, v] of Object.entries(labels)) {
        const p = qualifiedNameProblem(k);
        if (p) bad(mapKey(child(at, "labels"), k), p);
        if (typeof v !== "string" || v.length > 63 || (v !== "" && !QUALIFIED_NAME.test(v)))
          bad(mapKey(child(at, "labels"), k), `invalid label value ${JSON.stringify(v)}`);
      }
  }
  if (annotations !== undefined) {
    if (!isObject(annotations)) bad(child(at, "annotations"), "must be a map of strings");
    else {
      let size = 0;
      for (const [k, v] of Object.entries(annotations)) {
        const p = qualifiedNameProblem(k.toLowerCase());
        if (p) bad(mapKey(child(at, "annotations"), k), p);
        if (typeof v !== "string") bad(mapKey(child(at, "annotations"), k), "must be a string");
        else size += k.length + v.length;
      }
      if (size > 256 * 1024) bad(child(at, "annotations"), "may not exceed 256 KiB in total");
    }
  }
}

function embeddedResources(x: unknown, s: Schema | null | undefined, at: string, out: Finding[]) {
  if (!s || x === null || x === undefined) return;
  if (s[EMBEDDED] && isObject(x)) {
    // schema/objectmeta/validation.go: an embedded resource names its apiVersion and kind.
    for (const k of ["apiVersion", "kind"])
      if (typeof x[k] !== "string" || x[k] === "")
        out.push({ kind: "metadata", path: child(at, k), message: "must not be empty" });
    if (x.metadata !== undefined) objectMeta(x.metadata, child(at, "metadata"), undefined, out);
  }
  if (isObject(x))
    for (const [k, v] of Object.entries(x))
      if (!(s[EMBEDDED] && META_FIELDS.has(k)))
        embeddedResources(v, propertySchema(s, k), child(at, k), out);
  if (Array.isArray(x)) x.forEach((v, i) => embeddedResources(v, s.items, index(at, i), out));
}

// ---- value validation with ajv (validation/validation.go, validation/formats.go) ----

/** The string formats validation/formats.go checks (normalized without dashes); others are ignored. */
const SUPPORTED_FORMATS = new Set(
  [
    "bsonobjectid",
    "uri",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "cidr",
    "mac",
    "uuid",
    "uuid3",
    "uuid4",
    "uuid5",
    "isbn",
    "isbn10",
    "isbn13",
    "creditcard",
    "ssn",
    "hexcolor",
    "rgbcolor",
    "byte",
    "password",
    "date",
    "duration",
    "datetime",
    "quantity",
    "k8s-short-name",
    "k8s-long-name",
  ].map((f) => f.replace(/-/g, "")),
);

const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^[-+]?0$/;

/** Checkers for the formats our CRDs use, after k8s.io/kube-openapi/pkg/validation/strfmt. */
const FORMAT_CHECKS: Record<string, (s: string) => boolean> = {
  datetime: (s) =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) &&
    !Number.isNaN(Date.parse(s.replace(" ", "T"))),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  byte: (s) => /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
  ipv4: (s) =>
    /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(s),
  ipv6: (s) => s.includes(":") && isIPv6(s),
  duration: (s) => GO_DURATION.test(s),
  hostname: (s) =>
    s.length <= 255 &&
    /^([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\.?$/.test(
      s,
    ),
  k8sshortname: (s) => s.length <= 63 && DNS1123_LABEL.test(s),
  k8slongname: (s) => s.length <= 253 && DNS1123_SUBDOMAIN.test(s),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
};

/** The schema ajv checks: Kubernetes' OpenAPI reading of a structural schema node. */
function forAjv(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(forAjv);
  if (!isObject(s)) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith("x-kubernetes-") || k === "default" || k === "nullable") continue;
    if (k === "properties")
      out[k] = Object.fromEntries(Object.entries(v as object).map(([p, ps]) => [p, forAjv(ps)]));
    else if (k === "enum") out[k] = v;
    else if (k === "format") {
      const f = String(v).replace(/-/g, "");
      if ((s.type === "string" || s.type === undefined) && SUPPORTED_FORMATS.has(f))
        out[k] = FORMAT_CHECKS[f] ? f : "k8s-unchecked";
    } else out[k] = forAjv(v);
  }
  if (s["x-kubernetes-int-or-string"]) out.type = ["integer", "string"];
  if (s.nullable && typeof out.type === "string") out.type = [out.type, "null"];
  return out;
}

/** Go's regexp is RE2: patterns are compiled by an RE2 port, so `(?i)` and friends mean the same. */
function re2(pattern: string) {
  const compiled = RE2JS.compile(pattern);
  // ajv keys its compiled patterns by toString().
  return { test: (s: string) => compiled.test(s), toString: () => `re2:${pattern}` };
}
re2.code = "re2";

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  ajvInstance = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: true,
    code: { regExp: re2 as any },
  });
  for (const [name, check] of Object.entries(FORMAT_CHECKS))
    ajvInstance.addFormat(name, { type: "string", validate: check });
  ajvInstance.addFormat("k8s-unchecked", { type: "string", validate: () => true });
  return ajvInstance;
}

const compiled = new WeakMap<Schema, ValidateFunction>();

const toFieldPath = (pointer: string) =>
  pointer
    .split("/")
    .slice(1)
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((p, t) => (/^\d+$/.test(t) ? index(p, Number(t)) : child(p, t)), "");

function valueFindings(schema: Schema, obj: unknown, at: string): Finding[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv().compile(forAjv(schema) as object);
    compiled.set(schema, validate);
  }
  if (validate(obj)) return [];
  // Keep the summary of an anyOf/oneOf/not, not each branch's own complaint.
  const inBranch = (e: ErrorObject) => /\/(anyOf|oneOf|not)\//.test(e.schemaPath);
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const e of validate.errors ?? []) {
    if (inBranch(e)) continue;
    const where = toFieldPath(e.instancePath);
    const path = e.keyword === "required" ? child(where, (e.params as any).missingProperty) : where;
    const message =
      e.keyword === "required"
        ? "Required value"
        : `${e.message}${e.keyword === "enum" ? ` ${JSON.stringify((e.params as any).allowedValues)}` : ""}`;
    const key = `${path}\0${message}`;
    const full = !at || !path ? at || path : path.startsWith("[") ? at + path : `${at}.${path}`;
    if (!seen.has(key)) out.push({ kind: "schema", path: full, message });
    seen.add(key);
  }
  return out;
}

// ---- list types (listtype/validation.go) ----

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    isObject(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  );

function listTypes(x: unknown, s: Schema | null | undefined, at: string, out: Finding[]) {
  if (!s || x === null || x === undefined) return;
  if (Array.isArray(x)) {
    const lt = s["x-kubernetes-list-type"];
    if (lt === "set" || lt === "map") {
      const keys = s["x-kubernetes-list-map-keys"] ?? [];
      const seen = new Map<string, number>();
      x.forEach((item, i) => {
        if (lt === "map" && isObject(item))
          for (const k of keys)
            if (!(k in item))
              out.push({
                kind: "list",
                path: child(index(at, i), k),
                message: "Required value: map key",
              });
        const id =
          lt === "set"
            ? canonical(item)
            : canonical(keys.map((k) => (isObject(item) ? item[k] : null)));
        if (seen.has(id))
          out.push({ kind: "list", path: index(at, i), message: `Duplicate value: ${id}` });
        else seen.set(id, i);
      });
    }
    x.forEach((v, i) => listTypes(v, s.items, index(at, i), out));
  } else if (isObject(x))
    for (const [k, v] of Object.entries(x)) listTypes(v, propertySchema(s, k), child(at, k), out);
}

// ---- CEL (cel/validation.go, cel/model/schemas.go) ----

// k8s.io/apiserver/pkg/cel/escaping.go
const CEL_RESERVED = new Set(
  "true false null in as break const continue else for function if import let loop package namespace return var void while".split(
    " ",
  ),
);

/** The CEL name of a property, or undefined when it cannot be named in CEL (escaping.go). */
export function escapeCelName(ident: string): string | undefined {
  if (ident === "" || /^[0-9]/.test(ident)) return undefined;
  if (CEL_RESERVED.has(ident)) return `__${ident}__`;
  if (/[^a-zA-Z0-9_./-]/.test(ident)) return undefined;
  return ident.replace(/__|[-./]/g, (m) =>
    m === "__" ? "__underscores__" : m === "." ? "__dot__" : m === "-" ? "__dash__" : "__slash__",
  );
}

const ROOT_META: Schema = {
  type: "object",
  properties: { name: { type: "string" }, generateName: { type: "string" } },
};

/** model.WithTypeAndObjectMeta: what a resource root exposes besides its declared fields. */
function withTypeAndObjectMeta(s: Schema): Schema {
  return {
    ...s,
    properties: {
      ...s.properties,
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: ROOT_META,
    },
  };
}

/** Milliseconds of a Go duration string ("1h30m", "250ms"). */
function goDurationMs(s: string): number {
  const unit: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    μs: 1e-3,
    ms: 1,
    s: 1e3,
    m: 6e4,
    h: 36e5,
  };
  const sign = s.startsWith("-") ? -1 : 1;
  let ms = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g))
    ms += Number(m[1]) * unit[m[2]];
  return sign * ms;
}

/**
 * The CEL value a JSON value has under its schema (UnstructuredToVal), or undefined when
 * SchemaDeclType does not expose the schema (arrays without items, maps of unexposed values).
 */
function toCel(v: unknown, s: Schema, resourceRoot: boolean): unknown {
  if (v === null) return null;
  if (s["x-kubernetes-int-or-string"])
    return typeof v === "number" && Number.isInteger(v) ? BigInt(v) : v;
  if (resourceRoot) s = withTypeAndObjectMeta(s);
  switch (s.type) {
    case "integer":
      return typeof v === "number" ? BigInt(Math.trunc(v)) : v;
    case "number":
    case "boolean":
      return v;
    case "string":
      if (typeof v !== "string") return v;
      if (s.format === "date-time" || s.format === "date") return timestampFromDate(new Date(v));
      if (s.format === "duration") return durationFromMs(goDurationMs(v));
      if (s.format === "byte") return new Uint8Array(Buffer.from(v, "base64"));
      return v;
    case "array": {
      if (!s.items || !Array.isArray(v)) return undefined;
      const items = v.map((x) => toCel(x, s.items!, !!s.items![EMBEDDED]));
      return items.some((x) => x === undefined) ? undefined : items;
    }
    case "object": {
      if (!isObject(v)) return undefined;
      if (isObject(s.additionalProperties)) {
        const ap = s.additionalProperties;
        const m = new Map<string, unknown>();
        for (const [k, x] of Object.entries(v)) {
          const c = toCel(x, ap, !!ap[EMBEDDED]);
          if (c === undefined) return undefined;
          m.set(k, c);
        }
        return m;
      }
      // Declared properties only: unknown fields of preserve-unknown-fields objects stay hidden.
      const m = new Map<string, unknown>();
      for (const [k, ps] of Object.entries(s.properties ?? {})) {
        const name = escapeCelName(k);
        if (name === undefined || !(k in v)) continue;
        const c = toCel(v[k], ps, !!ps[EMBEDDED]);
        if (c !== undefined) m.set(name, c);
      }
      return m;
    }
    default:
      return undefined;
  }
}

let env: CelEnv | undefined;
const plans = new Map<string, ReturnType<typeof plan> | Error>();

/** Kubernetes' CEL environment offers cel-go's strings extension; the evaluator has the same. */
function compileRule(rule: string) {
  let p = plans.get(rule);
  if (!p) {
    env ??= celEnv({ funcs: strings });
    try {
      p = plan(env, parse(rule));
    } catch (e) {
      p = e as Error;
    }
    plans.set(rule, p);
  }
  return p;
}

/** Errors that mean "this evaluator lacks something", not "the object breaks the rule". */
const UNSUPPORTED = /unbound function|unsupported|not implemented/i;

interface CelContext {
  id: string;
  findings: Finding[];
  notEvaluated: Set<string>;
  evaluated: number;
}

function celRules(
  x: unknown,
  s: Schema,
  valueSchema: Schema,
  at: string,
  schemaAt: string,
  resourceRoot: boolean,
  ctx: CelContext,
): void {
  // cel/validation.go: only non-null values; a value of the wrong type is already a finding.
  if (x === null || x === undefined || !hasType(x, valueSchema)) return;
  const rules = s["x-kubernetes-validations"] ?? [];
  let self: unknown;
  for (const r of rules) {
    // Transition rules compare with the stored object; on create there is none and the server
    // skips them (unless optionalOldSelf, whose oldSelf is then an empty optional).
    if (/\boldSelf\b/.test(r.rule) && !r.optionalOldSelf) continue;
    const p = compileRule(r.rule);
    const where = `${ctx.id} ${schemaAt || "<root>"}: ${r.rule}`;
    if (p instanceof Error || r.optionalOldSelf) {
      ctx.notEvaluated.add(where);
      continue;
    }
    self ??= toCel(x, valueSchema, resourceRoot);
    if (self === undefined) continue; // not exposed to CEL: the server compiles no rule here
    const result = p({ self } as any);
    ctx.evaluated++;
    // A rule's fieldPath (".spec.x" or "['key']") names the field its message is about.
    const fieldAt = r.fieldPath
      ? `${at}${r.fieldPath.startsWith("[") ? "" : "."}${r.fieldPath.replace(/^\./, "")}`
      : at;
    if (isCelError(result)) {
      if (UNSUPPORTED.test(result.message)) ctx.notEvaluated.add(where);
      else
        ctx.findings.push({
          kind: "cel",
          path: at,
          message: `${result.message} evaluating rule: ${r.message?.trim() || r.rule}`,
        });
    } else if (result !== true)
      ctx.findings.push({
        kind: "cel",
        path: fieldAt.replace(/^\./, ""),
        message: r.message?.trim() || `failed rule: ${r.rule}`,
      });
  }
  (s.allOf ?? []).forEach((branch, i) =>
    celRules(x, branch, valueSchema, at, `${schemaAt}.allOf[${i}]`, resourceRoot, ctx),
  );
  if (Array.isArray(x) && s.items) {
    const items = valueSchema.items ?? s.items;
    x.forEach((v, i) =>
      celRules(v, s.items!, items, index(at, i), `${schemaAt}.items`, !!items[EMBEDDED], ctx),
    );
  } else if (isObject(x)) {
    for (const [k, v] of Object.entries(x)) {
      if (s.properties && k in s.properties) {
        const vs = valueSchema.properties?.[k] ?? s.properties[k];
        celRules(v, s.properties[k], vs, child(at, k), `${schemaAt}.${k}`, !!vs[EMBEDDED], ctx);
      } else if (isObject(s.additionalProperties)) {
        const ap = isObject(valueSchema.additionalProperties)
          ? valueSchema.additionalProperties
          : s.additionalProperties;
        celRules(
          v,
          s.additionalProperties,
          ap,
          mapKey(at, k),
          `${schemaAt}[*]`,
          !!ap[EMBEDDED],
          ctx,
        );
      }
    }
  }
}

/**
 * Validates one custom resource (apiVersion, kind, metadata, spec...) as created against a CRD
 * version. Returns every finding; an empty list means the API server accepts the object as sent.
 */
export function validateCustomResource(crd: VendoredCrd, resource: object): CrdValidation {
  const obj = JSON.parse(JSON.stringify(resource));
  const findings: Finding[] = [];
  const id = `${crd.group}/${crd.kind}`;
  if (!crd.served)
    findings.push({ kind: "schema", path: "apiVersion", message: `${crd.version} is not served` });
  if (obj.apiVersion !== `${crd.group}/${crd.version}` || obj.kind !== crd.kind)
    findings.push({
      kind: "schema",
      path: "apiVersion",
      message: `expected ${crd.group}/${crd.version} ${crd.kind} (got ${obj.apiVersion} ${obj.kind})`,
    });
  pruneNulls(obj, crd.schema);
  applyDefaults(obj, crd.schema);
  unknownFields(obj, crd.schema, "", findings, true);
  objectMeta(obj.metadata ?? {}, "metadata", crd.scope === "Namespaced", findings);
  embeddedResources(obj, crd.schema, "", findings);
  findings.push(...valueFindings(crd.schema, obj, ""));
  listTypes(obj, crd.schema, "", findings);
  const ctx: CelContext = { id, findings, notEvaluated: new Set(), evaluated: 0 };
  celRules(obj, crd.schema, crd.schema, "", "", true, ctx);
  return { findings, notEvaluated: [...ctx.notEvaluated].sort(), evaluated: ctx.evaluated };
}

/**
 * Validates a value against one schema node of a vendored CRD, as if it sat there: for objects a
 * CRD leaves unchecked (`x-kubernetes-preserve-unknown-fields`) that follow a schema another CRD
 * spells out, such as a pod template. `at` prefixes the findings' paths.
 */
export function validateValue(schema: Schema, value: unknown, at: string): CrdValidation {
  const obj = JSON.parse(JSON.stringify(value));
  const findings: Finding[] = [];
  pruneNulls(obj, schema);
  applyDefaults(obj, schema);
  unknownFields(obj, schema, at, findings, !!schema[EMBEDDED]);
  embeddedResources(obj, schema, at, findings);
  findings.push(...valueFindings(schema, obj, at));
  listTypes(obj, schema, at, findings);
  const ctx: CelContext = { id: at, findings, notEvaluated: new Set(), evaluated: 0 };
  celRules(obj, schema, schema, at, "", !!schema[EMBEDDED], ctx);
  return { findings, notEvaluated: [...ctx.notEvaluated].sort(), evaluated: ctx.evaluated };
}
