import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { CAPABILITIES } from "../catalog/capabilities";
import { PROVIDERS, type Provider } from "../catalog/types";
import { defaultEdgeProvider, edgeProblems } from "./edge";
import { nameProblems } from "./names";
import { PRESETS } from "./presets";
import { ConfigError, NAMESPACE, problemLines, valueAt, type Problem } from "./problems";
import { providerProblems } from "./providers";
import { receiverProblems } from "./receivers";
import { StackConfig, StackConfigSchema, TIERS, Tier } from "./schema";
import { secretProblems, SECRET_KEYS, type ConfigSource } from "./secrets";

export { ConfigError, NAMESPACE } from "./problems";
export { SECRET_KEYS, type ConfigSource } from "./secrets";

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Objects merge key by key; arrays and scalars from `over` replace those of `base`. */
export function deepMerge<T>(base: T, over: unknown): T {
  if (!isPlain(base) || !isPlain(over)) return (over === undefined ? base : over) as T;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out as T;
}

/** True when the stack's provider can build a CDN for the config: the preset's default follows. */
function cdnBuildable(raw: Plain): boolean {
  if (!(PROVIDERS as readonly unknown[]).includes(raw.provider)) return false;
  const cdn = CAPABILITIES[raw.provider as Provider].cdn;
  if (cdn === "hosts") return true;
  if (cdn !== "media-bucket") return false;
  const mode = isPlain(raw.objectStorage) ? raw.objectStorage.mode : undefined;
  const tier = (TIERS as readonly string[]).includes(raw.tier as string)
    ? (raw.tier as Tier)
    : "local";
  return (mode ?? PRESETS[tier].objectStorage.mode) === "managed";
}

/** Fills every key the stack file leaves out from the tier preset; apps get the tier's app defaults. */
export function applyPreset(raw: Plain): Plain {
  const tier = (TIERS as readonly string[]).includes(raw.tier as string)
    ? (raw.tier as Tier)
    : "local";
  const { app, ...preset } = PRESETS[tier];
  // An existing cluster is not ours to size: the tier's node pools describe clouds only.
  if (raw.provider === "existing") preset.nodePools = {};
  // The tier's CDN is a default where the provider can build one; elsewhere only an explicit
  // `cdn.enabled: true` asks for it (and is refused).
  if (!cdnBuildable(raw)) preset.cdn = { ...preset.cdn, enabled: false };
  const merged = deepMerge<Plain>(preset, raw);
  // The edge follows the provider and the CDN unless the stack names one (config/edge.ts).
  const edge = isPlain(raw.edge) ? raw.edge : {};
  if (edge.provider === undefined && isPlain(merged.edge) && isPlain(merged.cdn))
    merged.edge = {
      ...merged.edge,
      provider: defaultEdgeProvider(raw, merged.cdn.enabled === true),
    };
  // `max: 0` takes away a pool the tier preset has: the role's workloads share the app nodes.
  if (isPlain(merged.nodePools))
    merged.nodePools = Object.fromEntries(
      Object.entries(merged.nodePools).filter(([, pool]) => !(isPlain(pool) && pool.max === 0)),
    );
  if (Array.isArray(raw.apps))
    merged.apps = raw.apps.map((a) => (isPlain(a) ? deepMerge<Plain>(app, a) : a));
  else if (raw.apps === undefined) merged.apps = [];
  return merged;
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return `must be at least ${String(issue.minimum)}${issue.origin === "array" ? " item(s)" : issue.origin === "string" ? " character(s) long" : ""}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}${issue.origin === "array" ? " item(s)" : issue.origin === "string" ? " character(s) long" : ""}`;
    case "invalid_type":
      return input === undefined
        ? `is required (${issue.expected})`
        : `must be ${issue.expected === "nonoptional" ? "set" : issue.expected}`;
    case "invalid_union":
      return issue.message.replace(/^Invalid input$/, "is not a valid value");
    case "invalid_format":
      return issue.message.replace(/^Invalid /, "must be a valid ");
    default:
      return issue.message;
  }
}

/** Schema problems of the merged config, one per issue. */
function schemaProblems(error: z.ZodError, merged: Plain): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys")
      for (const key of issue.keys)
        problems.push({
          path: [...(issue.path as (string | number)[]), key],
          message: "is not a known key (see README, Stack config)",
          quiet: true,
        });
    else if (issue.code === "invalid_key")
      // A record's key is wrong, not its value: say what the key must be, and show no value.
      problems.push({
        path: issue.path as (string | number)[],
        message: `is not a valid key: it ${issue.issues[0]?.message ?? "is not allowed here"}`,
        quiet: true,
      });
    else
      problems.push({
        path: issue.path as (string | number)[],
        message: describe(issue, valueAt(merged, issue.path)),
      });
  }
  return problems;
}

interface Checked {
  config?: StackConfig;
  /** The config after the preset, which problem lines quote. */
  merged: Plain;
  problems: Problem[];
}

/** Schema, then the rules across keys and against the catalog: every problem of the config. */
function check(raw: Plain, secretKeys: readonly string[]): Checked {
  const merged = applyPreset(raw);
  const result = StackConfigSchema.safeParse(merged);
  if (!result.success) return { merged, problems: schemaProblems(result.error, merged) };
  const config: StackConfig = secretKeys.length ? { ...result.data, secretKeys } : result.data;
  return {
    config,
    merged,
    problems: [...nameProblems(config), ...providerProblems(config), ...edgeProblems(config)],
  };
}

/** Top-level `platform:` keys that came from `secure:`, without the namespace. */
function secretPlatformKeys(secretKeys: ReadonlySet<string>): string[] {
  return [...secretKeys]
    .filter((k) => k.startsWith(`${NAMESPACE}:`) && !(k.slice(NAMESPACE.length + 1) in SECRET_KEYS))
    .map((k) => k.slice(NAMESPACE.length + 1));
}

function lines(
  problems: Problem[],
  merged: Plain,
  raw: Plain,
  secretKeys: readonly string[],
  source?: ConfigSource,
) {
  return problemLines(problems, merged, {
    keys: new Set(secretKeys.map((k) => `${NAMESPACE}:${k}`)),
    values: [
      ...secretKeys.map((k) => raw[k]),
      ...[...(source?.secretKeys ?? [])].map((k) => source?.values[k]),
    ],
  });
}

/**
 * Validates a stack's raw `platform:` config after applying the tier preset: the schema, then the
 * rules across keys (names, hosts, buckets) and against what each provider can build. Values of
 * the top-level keys in `secretKeys` are never quoted.
 */
export function parseStackConfig(raw: Plain, secretKeys: readonly string[] = []): StackConfig {
  const { config, merged, problems } = check(raw, secretKeys);
  if (problems.length || !config) throw new ConfigError(lines(problems, merged, raw, secretKeys));
  return config;
}

/** Whether the schema reads a top-level key as text: such a key's value is never JSON-decoded. */
function isText(schema: z.core.$ZodType): boolean {
  const def = schema._zod.def as { type: string; options?: z.core.$ZodType[]; values?: unknown[] };
  if (def.type === "string" || def.type === "enum") return true;
  if (def.type === "literal") return (def.values ?? []).every((v) => typeof v === "string");
  if (def.type === "union") return (def.options ?? []).every(isText);
  if (def.type === "pipe") return isText((def as unknown as { in: z.core.$ZodType }).in);
  return false;
}

/**
 * Pulumi hands structured config values to the program as JSON text and plain values as text
 * (pulumi/pulumi sdk/nodejs/runtime/config.ts). A key the schema reads as text stays text, so
 * `region: "2024"` is the region 2024; any other key is decoded.
 */
function decode(key: string, value: string): unknown {
  const schema = (StackConfigSchema.shape as Record<string, z.core.$ZodType>)[key];
  if (schema && isText(schema)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The stack's config as the Pulumi runtime holds it, with the keys that came from `secure:`. */
export function runtimeSource(): ConfigSource {
  const values = pulumi.runtime.allConfig();
  // `isConfigSecret` reads the secret keys the CLI passes (PULUMI_CONFIG_SECRET_KEYS); it is
  // exported by the runtime but left out of its type declarations.
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret(k: string): boolean })
    .isConfigSecret;
  return {
    values,
    secretKeys: new Set(Object.keys(values).filter((k) => isSecret(k))),
  };
}

/** The stack's `platform:` keys as the running program sees them (under `pulumi up` and the plan). */
export function readRawConfig(source: ConfigSource = runtimeSource()): Plain {
  const raw: Plain = {};
  for (const [key, value] of Object.entries(source.values)) {
    const [ns, name] = key.split(":");
    if (ns !== NAMESPACE || name in SECRET_KEYS) continue;
    raw[name] = decode(name, value);
  }
  return raw;
}

/**
 * The one gate: the config, its rules and its secrets, every problem at once. Throws a
 * `ConfigError` (a `RunError`: `pulumi up` prints its lines without a stack trace) before anything
 * is registered.
 */
export function checkStackConfig(source: ConfigSource): StackConfig {
  const raw = readRawConfig(source);
  const secretKeys = secretPlatformKeys(source.secretKeys);
  const { config, merged, problems } = check(raw, secretKeys);
  // What a deploy needs beyond a well-formed config: someone to hear of alerts, and the secrets.
  const all = [
    ...problems,
    ...(config ? receiverProblems(config) : []),
    ...secretProblems(config, source),
  ];
  if (all.length || !config) throw new ConfigError(lines(all, merged, raw, secretKeys, source));
  return config;
}

/**
 * The validated stack config. A bad value stops the program before any resource is registered.
 */
export function loadStackConfig(): StackConfig {
  return checkStackConfig(runtimeSource());
}
