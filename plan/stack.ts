import * as fs from "fs";
import * as path from "path";
import { LineCounter, parseDocument, visit, type Document } from "yaml";

export const ROOT = path.resolve(__dirname, "..");
/**
 * Stands in for every `secure:` value: the plan never decrypts, and needs no passphrase. It is an
 * https URL (of the reserved `.invalid` domain, RFC 2606) so that the secrets the config gate
 * requires to be URLs (a webhook pager's, the chat webhook) plan like any other.
 */
export const PLACEHOLDER_SECRET = "https://plan-placeholder-secret.invalid/";

export interface StackFiles {
  project: string;
  /** Config as the Pulumi runtime receives it: `ns:key` → string (JSON for structured values). */
  config: Record<string, string>;
  secretKeys: string[];
  /**
   * ESC environments the stack file imports (`environment:`). The CLI opens them through Pulumi
   * Cloud; offline their values are absent, so a key the program requires must stay in the file.
   */
  environments: string[];
}

/** A key of `config:` in `Pulumi.yaml`, after the CLI has expanded the shorthand forms. */
export interface ConfigDeclaration {
  type?: string;
  items?: unknown;
  description?: string;
  secret?: boolean;
  default?: unknown;
  value?: unknown;
}

/**
 * A stack or project file the CLI would not load: YAML that does not parse, or a config key it
 * cannot read. The plan stops as for an invalid config (exit 2); each line names the file and,
 * where the parser knows it, the line and column. No line quotes the file's text: it may hold a
 * secret in clear.
 */
export class StackFileError extends Error {
  constructor(public readonly lines: string[]) {
    super(lines.join("\n"));
    this.name = "StackFileError";
  }
}

/** YAML errors reported per file: one missing bracket can make hundreds. */
const MAX_YAML_ERRORS = 10;

interface YamlFile {
  value: any;
  /** `<file>:<line>:<column>` of a top-level `config:` key, or of the file's start. */
  where(configKey?: string): string;
}

function loadYaml(file: string): YamlFile {
  const name = path.basename(file);
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(fs.readFileSync(file, "utf8"), {
    lineCounter,
    prettyErrors: false,
  });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${name}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    const lines = new Map<string, string>();
    for (const e of doc.errors)
      if (!lines.has(e.message) && lines.size < MAX_YAML_ERRORS)
        lines.set(e.message, `${at(e.pos[0])}: ${e.message}`);
    throw new StackFileError([...lines.values()]);
  }
  let value: any;
  try {
    value = doc.toJS() ?? {};
  } catch (e) {
    // Alias expansion past the parser's limit (an alias bomb): point at the first alias.
    let where = `${name}:1:1`;
    visit(doc, {
      Alias(_, node) {
        if (node.range) where = at(node.range[0]);
        return visit.BREAK;
      },
    });
    throw new StackFileError([`${where}: ${(e as Error).message}`]);
  }
  const where = (configKey?: string) => {
    const config = doc.get("config", true) as { items?: { key?: any }[] } | undefined;
    const pair = config?.items?.find((p) => p.key?.value === configKey);
    return at(pair?.key?.range?.[0] ?? 0);
  };
  return { value, where };
}

function readYaml(file: string): any {
  return loadYaml(file).value;
}

/** Stacks shipped beside Pulumi.yaml, by file name. */
export function shippedStacks(root = ROOT): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A `{ secure: <ciphertext> }` map (pulumi/pulumi v3.259.0, sdk/go/common/resource/config/object.go, isSecureValue). */
export function isSecureValue(v: unknown): boolean {
  return isMap(v) && Object.keys(v).length === 1 && typeof v.secure === "string";
}

function replaceSecure(v: unknown): { value: unknown; secret: boolean } {
  if (isSecureValue(v)) return { value: PLACEHOLDER_SECRET, secret: true };
  if (Array.isArray(v)) {
    const items = v.map(replaceSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (isMap(v)) {
    const entries = Object.entries(v).map(([k, x]) => [k, replaceSecure(x)] as const);
    return {
      value: Object.fromEntries(entries.map(([k, x]) => [k, x.value])),
      secret: entries.some(([, x]) => x.secret),
    };
  }
  return { value: v, secret: false };
}

/**
 * `<namespace>:<name>`, or the compatibility form `<namespace>:config:<name>`
 * (pulumi/pulumi v3.259.0, sdk/go/common/resource/config/key.go, ParseKey).
 */
export function parseConfigKey(key: string): { namespace: string; name: string } {
  const parts = key.split(":");
  if (parts.length === 2) return { namespace: parts[0], name: parts[1] };
  if (parts.length === 3 && parts[1] === "config" && parts[0] && parts[2])
    return { namespace: parts[0], name: parts[2] };
  throw new Error(
    `could not parse ${key} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`,
  );
}

/**
 * The full key of a `Pulumi.yaml` or stack file key: one without a namespace is the project's
 * (pulumi/pulumi v3.259.0, pkg/workspace/config.go parseConfigKey; sdk/go/common/workspace/loaders.go
 * stackConfigNamespacedWithProject).
 */
export function fullConfigKey(project: string, key: string): string {
  if (!key.includes(":")) return `${project}:${key}`;
  const { namespace, name } = parseConfigKey(key);
  return `${namespace}:${name}`;
}

/** The key belongs to the project's namespace (sdk/go/common/workspace/project.go, configKeyIsNamespacedByProject). */
export function isProjectKey(project: string, key: string): boolean {
  return !key.includes(":") || key.startsWith(`${project}:`);
}

/**
 * `config:` of `Pulumi.yaml` with the shorthand forms expanded: a scalar or a list stands for the
 * `default` of a project key and the `value` of another namespace's key
 * (pulumi/pulumi v3.259.0, sdk/go/common/workspace/project.go, RewriteShorthandConfigValues; its
 * isPrimitiveValue takes strings, integers and booleans, not fractions). A string `config:` is the
 * old spelling of `stackConfigDir` and declares nothing (RewriteConfigPathIntoStackConfigDir).
 */
export function configDeclarations(projectFile: any): Record<string, ConfigDeclaration> {
  const project: string = projectFile?.name;
  const config = projectFile?.config;
  if (!isMap(config)) return {};
  const out: Record<string, ConfigDeclaration> = {};
  for (const [key, decl] of Object.entries(config)) {
    const primitive =
      typeof decl === "string" ||
      typeof decl === "boolean" ||
      (typeof decl === "number" && Number.isInteger(decl));
    if (primitive || Array.isArray(decl))
      out[key] = isProjectKey(project, key) ? { default: decl } : { value: decl };
    else out[key] = isMap(decl) ? (decl as ConfigDeclaration) : {};
  }
  return out;
}

/**
 * Go's `encoding/json` text of a value: keys of every map sorted bytewise, `<`, `>`, `&`, U+2028 and
 * U+2029 escaped. The CLI hands structured config to the program in this form
 * (sdk/go/common/resource/config/plaintext.go, marshalText).
 */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return `[${v.map(goJson).join(",")}]`;
  if (isMap(v)) {
    const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${goJson(k)}:${goJson(v[k])}`).join(",")}}`;
  }
  if (typeof v === "string")
    return JSON.stringify(v).replace(
      /[<>&\u2028\u2029]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  return JSON.stringify(v);
}

/**
 * The string the program receives for a config value: a string as written, `""` for a top-level
 * null (sdk/go/common/workspace/loaders.go, checkForEmptyConfig), JSON text for anything else
 * (sdk/go/common/resource/config/object.go, MarshalString; pkg/workspace/config.go, createConfigValue).
 */
export function configText(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : goJson(v);
}

/** The CLI refuses the stack before the program runs: the plan reports it as invalid config. */
export class MissingConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MissingConfigError";
  }
}

/** The CLI's refusal of a stack that leaves out required keys (pkg/workspace/config.go, missingStackConfigurationKeysError). */
export function missingValuesMessage(stack: string, missing: string[]): string {
  const keys = [...missing];
  let list: string;
  if (keys.length === 1) list = `'${keys[0]}'`;
  else {
    keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    list = keys
      .map((k, i) =>
        i === keys.length - 1 ? `and '${k}'` : i === keys.length - 2 ? `'${k}' ` : `'${k}', `,
      )
      .join("");
  }
  return `Stack '${stack}' is missing configuration ${keys.length > 1 ? "values" : "value"} ${list}`;
}

/**
 * The stack's config after the project's declarations are applied, as the CLI does before every
 * `preview` and `up` (pulumi/pulumi v3.259.0, pkg/workspace/config.go, mergeConfig): a key the stack
 * leaves out takes the declaration's `value` or `default`; a project key declared with neither is
 * missing. Stack keys must already be full (`ns:name`).
 */
export function applyProjectConfig(
  project: string,
  declarations: Record<string, ConfigDeclaration>,
  stackConfig: Record<string, unknown>,
): { config: Record<string, unknown>; missing: string[] } {
  const config = { ...stackConfig };
  const missing: string[] = [];
  for (const key of Object.keys(declarations).sort()) {
    const decl = declarations[key];
    const full = fullConfigKey(project, key);
    const found = full in stackConfig;
    // Go's decoder leaves `default: null` nil, which counts as no default.
    const hasDefault = decl.default !== undefined && decl.default !== null;
    const hasValue = decl.value !== undefined && decl.value !== null;
    if (!found && !hasValue && !hasDefault && parseConfigKey(full).namespace === project)
      missing.push(key);
    else if (!found && (hasValue || hasDefault))
      config[full] = hasDefault ? decl.default : decl.value;
  }
  return { config, missing };
}

/** The environment names a stack file's `environment:` imports; undefined when it has no valid shape. */
export function escImports(environment: unknown): string[] | undefined {
  if (environment === undefined || environment === null) return [];
  const names = (list: unknown) =>
    Array.isArray(list) && list.every((e) => typeof e === "string") ? list : undefined;
  if (Array.isArray(environment)) return names(environment);
  // In the definition form an import is a name or `{ <name>: { merge: false } }` (ESC imports syntax).
  if (isMap(environment) && Array.isArray(environment.imports))
    return environment.imports.flatMap((i: unknown) => (isMap(i) ? Object.keys(i) : [String(i)]));
  if (isMap(environment)) return [];
  return undefined;
}

/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the CLI hands them to the program, and
 * refuses the stack where the CLI would: a required key left out.
 */
export function readStack(stack: string, root = ROOT): StackFiles {
  const projectFile = readYaml(path.join(root, "Pulumi.yaml"));
  const stackPath = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackPath)) {
    throw new Error(
      `no stack file Pulumi.${stack}.yaml (shipped stacks: ${shippedStacks(root).join(", ")})`,
    );
  }
  const project: string = projectFile.name;
  const loaded = loadYaml(stackPath);
  const stackFile = loaded.value;
  if (!isMap(stackFile) || !(stackFile.config == null || isMap(stackFile.config)))
    throw new StackFileError([
      `${loaded.where()}: must be a map whose config: is a map of keys to values`,
    ]);
  // A stack may import ESC environments (https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/,
  // `environment`: a list of names, or `imports:` in the definition form, project.go Environment).
  const environments = escImports(stackFile.environment);
  if (environments === undefined)
    throw new StackFileError([
      `${loaded.where()}: environment: must be a list of ESC environment names or an environment definition`,
    ]);
  const stackConfig: Record<string, unknown> = {};
  for (const [key, value] of Object.entries<unknown>(stackFile.config ?? {})) {
    try {
      stackConfig[fullConfigKey(project, key)] = value;
    } catch (e) {
      throw new StackFileError([`${loaded.where(key)}: ${(e as Error).message}`]);
    }
  }
  const { config: values, missing } = applyProjectConfig(
    project,
    configDeclarations(projectFile),
    stackConfig,
  );
  if (missing.length) throw new MissingConfigError(missingValuesMessage(stack, missing));
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(values)) {
    const { value, secret } = replaceSecure(raw);
    config[key] = configText(value);
    if (secret) secretKeys.push(key);
  }
  return { project, config, secretKeys, environments };
}
