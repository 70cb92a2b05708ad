/**
 * The Pulumi CLI's rules for `Pulumi.yaml`, `Pulumi.<stack>.yaml` and `PulumiPolicy.yaml`, restated
 * as pure functions over the parsed YAML. Each cites its source in pulumi/pulumi at tag v3.259.0
 * (commit 0ac56e876614aedf12771d73ef7e80959b8a6fd4); see vendor/pulumi/SOURCES.md. A problem reads as
 * the CLI's own message where the CLI has one.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv, { type AnySchema, type ErrorObject } from "ajv";
import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";
import {
  applyProjectConfig,
  configDeclarations,
  configText,
  fullConfigKey,
  isProjectKey,
  isSecureValue,
  missingValuesMessage,
  parseConfigKey,
  type ConfigDeclaration,
} from "../../plan/stack";

const ROOT = path.resolve(__dirname, "../..");

export const PROJECT_SCHEMA: Record<string, unknown> = JSON.parse(
  fs.readFileSync(path.join(ROOT, "vendor/pulumi/project.json"), "utf8"),
);

/** The ajv class for the JSON Schema draft a schema declares in `$schema`. */
export function ajvFor(schema: { $schema?: unknown }): Ajv {
  // The CLI's validator (santhosh-tekuri/jsonschema v5) ignores keywords it does not know, and so
  // does ajv without strict mode.
  const options = { allErrors: true, strict: false };
  switch (schema.$schema) {
    case "https://json-schema.org/draft/2020-12/schema":
      return new Ajv2020(options);
    case "https://json-schema.org/draft/2019-09/schema":
      return new Ajv2019(options);
    case "http://json-schema.org/draft-07/schema#":
    case "http://json-schema.org/draft-07/schema":
      return new Ajv(options);
    default:
      throw new Error(`no ajv class for JSON Schema ${String(schema.$schema)}`);
  }
}

const validateProjectSchema = ajvFor(PROJECT_SCHEMA).compile(PROJECT_SCHEMA as AnySchema);

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
/**
 * Fits a Go string field: gopkg.in/yaml.v3 decodes any scalar into a string and refuses a mapping or a
 * list (a `*yaml.TypeError`); an absent or null field stays empty.
 */
const isScalar = (v: unknown): boolean => v === null || typeof v !== "object";

function schemaProblems(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `#${e.instancePath}: ${e.message ?? e.keyword}`);
}

/** Types a `Pulumi.yaml` key may declare (sdk/go/common/workspace/project.json, $defs.simpleConfigType). */
export const CONFIG_TYPES = (
  (PROJECT_SCHEMA.$defs as Record<string, { enum?: string[] }>).simpleConfigType.enum ?? []
).slice();

interface ItemsType {
  type?: unknown;
  items?: ItemsType;
}

/** `array<…>` for a typed array (sdk/go/common/workspace/project.go, InferFullTypeName). */
export function inferFullTypeName(type: string, items?: ItemsType): string {
  return items ? `array<${inferFullTypeName(String(items.type), items.items)}>` : type;
}

/**
 * A value against a declared type (sdk/go/common/workspace/project.go, ValidateConfigValue): integers
 * may be whole numbers or integer text, booleans `true`/`false` text, arrays need `items`.
 */
export function validateConfigValue(
  type: string,
  items: ItemsType | undefined,
  value: unknown,
): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      if (typeof value === "number") return Number.isInteger(value);
      // strconv.Atoi: optional sign, decimal digits, within int64.
      if (typeof value === "string" && /^[+-]?\d+$/.test(value)) {
        const n = BigInt(value);
        return n >= -(2n ** 63n) && n < 2n ** 63n;
      }
      return false;
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    case "object":
      return isMap(value);
    default:
      if (!Array.isArray(value) || !items) return false;
      return value.every((v) => validateConfigValue(String(items.type), items.items, v));
  }
}

/**
 * What `pulumi` says about a `Pulumi.yaml` before it runs anything (sdk/go/common/workspace/loaders.go,
 * LoadProjectBytes): ValidateProject (a name, then the JSON schema), the rewrite of shorthand config,
 * then Project.Validate on every config key. The CLI stops at the first failing step and, within
 * Project.Validate, at the first key in Go's map order; this returns every problem of that step.
 */
export function projectProblems(raw: unknown): string[] {
  // project.go, ValidateProject (SimplifyMarshalledProject first).
  if (!isMap(raw)) return [`expected project to be an object, was '${typeof raw}'`];
  if (!("name" in raw)) return ["project is missing a 'name' attribute"];
  if (typeof raw.name !== "string" || raw.name === "")
    return ["project is missing a non-empty string 'name' attribute"];
  if (!validateProjectSchema(raw)) return schemaProblems(validateProjectSchema.errors);

  // project.go, RewriteConfigPathIntoStackConfigDir.
  if (typeof raw.config === "string" && "stackConfigDir" in raw)
    return [
      "Should not use both config and stackConfigDir to define the stack directory. Use only stackConfigDir instead.",
    ];

  // project.go, Project.Validate.
  const project = raw.name;
  const problems: string[] = [];
  const declarations = configDeclarations(raw);
  for (const [key, decl] of Object.entries(declarations)) {
    const has = (v: unknown) => v !== undefined && v !== null;
    if (has(decl.default) && has(decl.value)) {
      problems.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
      continue;
    }
    const typed = decl.type !== undefined;
    if (isProjectKey(project, key)) {
      if (typed && decl.type === "array" && decl.items === undefined) {
        problems.push(
          `The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`,
        );
        continue;
      }
      if (
        typed &&
        has(decl.default) &&
        !validateConfigValue(String(decl.type), decl.items as ItemsType, decl.default)
      )
        problems.push(
          `The default value specified for configuration key '${key}' is not of the expected type '${inferFullTypeName(String(decl.type), decl.items as ItemsType)}'`,
        );
    } else if (typed) {
      problems.push(
        `Configuration key '${key}' is not namespaced by the project and should not define a type`,
      );
    } else if (has(decl.default)) {
      problems.push(
        `Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`,
      );
    } else if (!has(decl.value)) {
      problems.push(
        `Configuration key '${key}' is namespaced and must provide an attribute 'value'`,
      );
    }
  }
  return problems;
}

/** A stack file's `config:` with every key full (`ns:name`), as the CLI reads it. */
function stackConfigOf(project: string, stackFile: unknown): Record<string, unknown> {
  const config = isMap(stackFile) && isMap(stackFile.config) ? stackFile.config : {};
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [fullConfigKey(project, k), v]));
}

/** The value contains a `secure:` leaf (sdk/go/common/resource/config/object.go, object.Secure). */
function containsSecure(v: unknown): boolean {
  if (isSecureValue(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecure);
  return isMap(v) && Object.values(v).some(containsSecure);
}

/**
 * What the CLI says about a stack before `preview` or `up` (pkg/workspace/config.go,
 * ValidateStackConfigAndApplyProjectConfig → mergeConfig): every project key declared without
 * `default` or `value` is set by the stack; then, for every typed key (validateStackConfigValues →
 * validateStackConfigValue), a `secret: true` key is `secure:` and the value has the declared type.
 * Values with a `secure:` part are type-checked only where the type is `string` (the plan does not
 * decrypt).
 */
export function stackConfigProblems(stack: string, projectFile: any, stackFile: unknown): string[] {
  const project: string = projectFile.name;
  const declarations = configDeclarations(projectFile);
  const { config, missing } = applyProjectConfig(
    project,
    declarations,
    stackConfigOf(project, stackFile),
  );
  if (missing.length) return [missingValuesMessage(stack, missing)];
  const problems: string[] = [];
  for (const key of Object.keys(declarations).sort()) {
    const decl: ConfigDeclaration = declarations[key];
    if (decl.type === undefined) continue;
    const value = config[fullConfigKey(project, key)];
    const secure = containsSecure(value);
    if (decl.secret && !secure) {
      problems.push(
        `Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`,
      );
      continue;
    }
    if (secure) {
      if (decl.type === "string" && isSecureValue(value)) continue;
      problems.push(
        `Stack '${stack}' with configuration key '${key}' is secret and of type '${decl.type}': not checked offline`,
      );
      continue;
    }
    // A structured value reaches the check as JSON and back; a scalar as its text
    // (sdk/go/common/resource/config/object.go, MarshalString).
    const content =
      Array.isArray(value) || isMap(value) ? JSON.parse(configText(value)) : configText(value);
    if (!validateConfigValue(String(decl.type), decl.items as ItemsType, content))
      problems.push(
        `Stack '${stack}' with configuration key '${key}' must be of type '${inferFullTypeName(String(decl.type), decl.items as ItemsType)}'`,
      );
  }
  return problems;
}

/**
 * The shape of a `Pulumi.<stack>.yaml` (sdk/go/common/workspace/project.go, ProjectStack; loaders.go,
 * LoadProjectStackBytes): a mapping whose `secretsprovider`, `encryptedkey` and `encryptionsalt` are
 * strings, whose `config` keys parse as `ns:name` (config/key.go, ParseKey; a key without a namespace
 * is the project's), and whose `environment` is a list of environment names or an ESC definition
 * (project.go, Environment.UnmarshalYAML). Two more rules are this project's, stricter than the CLI,
 * which accepts both silently: a top-level null (the CLI warns and reads "", loaders.go
 * checkForEmptyConfig), and a `secure:` map whose ciphertext is not a string (object.go, isSecureValue:
 * it would be read as plain config).
 */
export function stackFileProblems(stackFile: unknown): string[] {
  if (stackFile === null || stackFile === undefined) return [];
  if (!isMap(stackFile)) return ["a stack file is a mapping"];
  const problems: string[] = [];
  for (const field of ["secretsprovider", "encryptedkey", "encryptionsalt"])
    if (!isScalar(stackFile[field])) problems.push(`${field}: must be a string`);
  const env = stackFile.environment;
  if (
    env !== undefined &&
    env !== null &&
    !isMap(env) &&
    !(Array.isArray(env) && env.every((e) => typeof e === "string"))
  )
    problems.push("environment: must be a list of environment names or an environment definition");
  const config = stackFile.config;
  if (config === undefined || config === null) return problems;
  if (!isMap(config)) return [...problems, "config: must be a mapping of keys to values"];
  for (const [key, value] of Object.entries(config)) {
    if (key.includes(":")) {
      try {
        parseConfigKey(key);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (value === null)
      problems.push(`${key}: no value (the CLI reads "" and warns; write "" if that is meant)`);
    const badSecure = (v: unknown): boolean =>
      isMap(v) &&
      ((Object.keys(v).length === 1 && "secure" in v && typeof v.secure !== "string") ||
        Object.values(v).some(badSecure));
    if (badSecure(value) || (Array.isArray(value) && value.some(badSecure)))
      problems.push(`${key}: a secure: value must be a ciphertext string`);
  }
  return problems;
}

/**
 * `PulumiPolicy.yaml` as the CLI reads it (sdk/go/common/workspace/loaders.go, LoadPolicyPack;
 * project.go, PolicyPackProject, ProjectRuntimeInfo.UnmarshalYAML and PolicyPackProject.Validate):
 * a runtime named by a string or by `{ name, options }`, and string metadata.
 */
export function policyPackProblems(raw: unknown): string[] {
  if (!isMap(raw)) return ["a policy pack file is a mapping"];
  const problems: string[] = [];
  const runtime = raw.runtime;
  let name = "";
  if (isScalar(runtime)) name = runtime === undefined || runtime === null ? "" : String(runtime);
  else if (
    isMap(runtime) &&
    isScalar(runtime.name) &&
    (runtime.options === undefined || runtime.options === null || isMap(runtime.options))
  )
    name = runtime.name === undefined || runtime.name === null ? "" : String(runtime.name);
  else
    problems.push("runtime section must be a string or an object with name and options attributes");
  if (!problems.length && name === "") problems.push("project is missing a 'runtime' attribute");
  for (const field of ["version", "main", "description", "author", "website", "license"])
    if (!isScalar(raw[field])) problems.push(`${field}: must be a string`);
  return problems;
}
