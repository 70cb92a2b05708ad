import * as pulumi from "@pulumi/pulumi";

/** Config namespace of every key: `platform:<key>` in `Pulumi.<stack>.yaml`. */
export const NAMESPACE = "platform";

/**
 * One problem of a stack's config: the key path under `platform:` (or a full key of another
 * namespace such as `hcloud:token`) and what is allowed there.
 */
export interface Problem {
  path: readonly (string | number)[];
  message: string;
  /** A key outside `platform:` (`hcloud:token`); `path` is then empty. */
  key?: string;
  /** Leave out `(got …)`: the message already says what was found, or the value is secret. */
  quiet?: boolean;
}

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

/** `["apps", 0, "env"]` → `apps[0].env`; a key that is not a plain word is quoted: `["region "]`. */
export function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => {
    if (typeof p === "number") return `${s}[${p}]`;
    const key = String(p);
    if (!/^[A-Za-z_][\w-]*$/.test(key)) return `${s}[${JSON.stringify(key)}]`;
    return s ? `${s}.${key}` : key;
  }, "");
}

export function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (o, p) =>
      o == null || typeof o !== "object" ? undefined : (o as Record<PropertyKey, unknown>)[p],
    obj,
  );
}

/** A value as the problem line shows it: JSON, cut at 60 characters. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Every string under a value, for scrubbing secret text out of problem lines. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => strings(v, out));
  return out;
}

/**
 * Turns problems into lines: `platform:<key path>: <what is allowed> (got <value>)`. Under a key
 * that came from `secure:` the value is never shown, and as a second guard any text of a secret
 * value (four characters or more) is blotted out of every line, wherever a message quoted it.
 */
export function problemLines(
  problems: readonly Problem[],
  input: unknown,
  secret: { keys: ReadonlySet<string>; values: readonly unknown[] },
): string[] {
  const secretText = secret.values
    .flatMap((v) => strings(v))
    .filter((s) => s.length >= 4)
    .sort((a, b) => b.length - a.length);
  const lines = problems.map((p) => {
    const key = p.key ?? `${NAMESPACE}:${pathOf(p.path)}`;
    const top = p.key ?? `${NAMESPACE}:${String(p.path[0] ?? "")}`;
    const value = p.key ? undefined : valueAt(input, p.path);
    const got = p.quiet
      ? ""
      : secret.keys.has(top)
        ? " (got a secret value)"
        : value === undefined || (typeof value === "object" && value !== null)
          ? ""
          : ` (got ${shown(value)})`;
    let text = `${p.message}${got}`;
    for (const s of secretText) text = text.split(s).join("[secret]");
    return `${key}: ${text}`;
  });
  return [...new Set(lines)];
}
