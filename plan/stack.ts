import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const ROOT = path.resolve(__dirname, "..");
/** Stands in for every `secure:` value: the plan never decrypts, and needs no passphrase. */
export const PLACEHOLDER_SECRET = "plan-placeholder-secret";

export interface StackFiles {
  project: string;
  /** Config as the Pulumi runtime receives it: `ns:key` → string (JSON for structured values). */
  config: Record<string, string>;
  secretKeys: string[];
}

function readYaml(file: string): any {
  return parse(fs.readFileSync(file, "utf8")) ?? {};
}

/** Stacks shipped beside Pulumi.yaml, by file name. */
export function shippedStacks(root = ROOT): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

function replaceSecure(v: unknown): { value: unknown; secret: boolean } {
  if (
    v &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    "secure" in v
  )
    return { value: PLACEHOLDER_SECRET, secret: true };
  if (Array.isArray(v)) {
    const items = v.map(replaceSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (v && typeof v === "object") {
    const entries = Object.entries(v).map(([k, x]) => [k, replaceSecure(x)] as const);
    return {
      value: Object.fromEntries(entries.map(([k, x]) => [k, x.value])),
      secret: entries.some(([, x]) => x.secret),
    };
  }
  return { value: v, secret: false };
}

/** Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the CLI hands them to the program. */
export function readStack(stack: string, root = ROOT): StackFiles {
  const projectFile = readYaml(path.join(root, "Pulumi.yaml"));
  const stackPath = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackPath)) {
    throw new Error(
      `no stack file Pulumi.${stack}.yaml (shipped stacks: ${shippedStacks(root).join(", ")})`,
    );
  }
  const project: string = projectFile.name;
  const values: Record<string, unknown> = {};
  for (const [key, decl] of Object.entries<any>(projectFile.config ?? {})) {
    if (decl && typeof decl === "object" && "default" in decl)
      values[key.includes(":") ? key : `${project}:${key}`] = decl.default;
  }
  Object.assign(values, readYaml(stackPath).config ?? {});
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(values)) {
    const { value, secret } = replaceSecure(raw);
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) secretKeys.push(key);
  }
  return { project, config, secretKeys };
}
