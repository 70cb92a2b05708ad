import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { PRESETS } from "./presets";
import { StackConfig, StackConfigSchema, TIERS, Tier } from "./schema";

/** Config namespace of every key: `platform:<key>` in `Pulumi.<stack>.yaml`. */
export const NAMESPACE = "platform";

/**
 * Secret keys, set with `pulumi config set --secret`. They are read where needed with
 * `config.requireSecret`, so they never sit as plain text in the validated config object.
 */
export const SECRET_KEYS = {
  pagingSecret: "routing key or webhook URL of the paging receiver (monitoring.receivers.paging)",
  chatWebhookUrl: "incoming webhook URL of the chat receiver (monitoring.receivers.chat)",
  smtpPassword: "password of the SMTP smarthost (monitoring.receivers.email)",
  offsiteAccessKeyId: "access key of the off-site backup bucket (backups.offsite)",
  offsiteSecretAccessKey: "secret key of the off-site backup bucket (backups.offsite)",
} as const;

/**
 * Invalid stack config: one line per problem, naming the key path and what is allowed. A `RunError`,
 * so `pulumi up` prints the message without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
  constructor(public readonly problems: string[]) {
    super(`invalid stack config:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

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

/** Fills every key the stack file leaves out from the tier preset; apps get the tier's app defaults. */
export function applyPreset(raw: Plain): Plain {
  const tier = (TIERS as readonly string[]).includes(raw.tier as string)
    ? (raw.tier as Tier)
    : "local";
  const { app, ...preset } = PRESETS[tier];
  // An existing cluster is not ours to size: the tier's node pools describe clouds only.
  if (raw.provider === "existing") preset.nodePools = {};
  const merged = deepMerge<Plain>(preset, raw);
  if (Array.isArray(raw.apps))
    merged.apps = raw.apps.map((a) => (isPlain(a) ? deepMerge<Plain>(app, a) : a));
  else if (raw.apps === undefined) merged.apps = [];
  return merged;
}

function pathOf(path: PropertyKey[]): string {
  return path.reduce<string>(
    (s, p) => (typeof p === "number" ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)),
    "",
  );
}

function valueAt(obj: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (o, p) => (o == null ? undefined : (o as Record<PropertyKey, unknown>)[p]),
    obj,
  );
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  const got = valueAt(input, issue.path);
  const text = JSON.stringify(got);
  const shown =
    got === undefined || typeof got === "object"
      ? ""
      : ` (got ${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
  switch (issue.code) {
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${shown}`;
    case "too_small":
      return `must be at least ${String(issue.minimum)}${issue.origin === "array" ? " item(s)" : ""}${shown}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}${shown}`;
    case "invalid_type":
      return got === undefined
        ? `is required (${issue.expected})`
        : `must be ${issue.expected}${shown}`;
    case "unrecognized_keys":
      return "";
    case "invalid_union":
      return `${issue.message.replace(/^Invalid input$/, "is not a valid value")}${shown}`;
    default:
      return `${issue.message}${shown}`;
  }
}

/** Validates a stack's raw `platform:` config against the schema after applying the tier preset. */
export function parseStackConfig(raw: Plain): StackConfig {
  const merged = applyPreset(raw);
  const result = StackConfigSchema.safeParse(merged);
  if (result.success) return result.data;
  const problems: string[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      const parent = issue.path.length ? `${pathOf(issue.path)}.` : "";
      for (const key of issue.keys)
        problems.push(
          `${NAMESPACE}:${parent}${key}: is not a known key (see README, Stack config)`,
        );
    } else {
      problems.push(`${NAMESPACE}:${pathOf(issue.path)}: ${describe(issue, merged)}`);
    }
  }
  throw new ConfigError(problems);
}

/** Pulumi hands structured config values to the program as JSON text; plain strings stay strings. */
function decode(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The stack's `platform:` keys as the running program sees them (under `pulumi up` and the plan). */
export function readRawConfig(): Plain {
  const raw: Plain = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    const [ns, name] = key.split(":");
    if (ns !== NAMESPACE || name in SECRET_KEYS) continue;
    raw[name] = decode(value);
  }
  return raw;
}

/**
 * The validated stack config. A bad value stops the program before any resource is registered.
 */
export function loadStackConfig(): StackConfig {
  return parseStackConfig(readRawConfig());
}
