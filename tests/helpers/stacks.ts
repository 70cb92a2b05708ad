import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { deepMerge, parseStackConfig, SECRET_KEYS, type StackConfig } from "../../config";

const ROOT = path.resolve(__dirname, "../..");

/** The `platform:` keys of a shipped stack file, as the program's config loader reads them. */
export function rawStack(stack: string): Record<string, any> {
  const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  const raw: Record<string, any> = {};
  for (const [key, value] of Object.entries<any>(file.config ?? {})) {
    const [ns, name] = key.split(":");
    // Secret keys are read where they are used, never as part of the validated config.
    if (ns === "platform" && !(name in SECRET_KEYS)) raw[name] = value;
  }
  return raw;
}

/** A shipped stack's validated config, `overrides` merged over its file key by key. */
export function stackConfig(stack: string, overrides: Record<string, any> = {}): StackConfig {
  return parseStackConfig(deepMerge(rawStack(stack), overrides));
}
