/**
 * Child-process entry: records what the program registers for one stack, with `platform:` keys of
 * the stack file merged key by key with overrides, and prints the registrations (with inputs) as JSON.
 * usage: node -r ./plan/register.js tests/helpers/record-stack.ts <stack> [overrides JSON]
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { deepMerge, loadStackConfig } from "../../config";
import { referencedStacks } from "../../components/region";
import { Recorder } from "../../plan/mocks";
import { planReferences } from "../../plan/references";
import { readStack, ROOT } from "../../plan/stack";

/** Structured config values travel as JSON text; plain strings (a region, a key) stay strings. */
function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, withoutNulls(x)]),
    );
  return v;
}

async function main() {
  const [stack, overrides = "{}"] = process.argv.slice(2);
  const files = readStack(stack);
  for (const [key, value] of Object.entries<unknown>(JSON.parse(overrides))) {
    const full = `platform:${key}`;
    const current = files.config[full] === undefined ? undefined : decode(files.config[full]);
    // A null in the overrides removes the key (deepMerge alone can only add and replace).
    const merged = withoutNulls(deepMerge(current, value));
    files.config[full] = typeof merged === "string" ? merged : JSON.stringify(merged);
  }
  pulumi.runtime.setAllConfig(files.config, files.secretKeys);
  // Stacks this one reads through StackReferences, planned as the offline plan does.
  const references = planReferences(stack, referencedStacks(loadStackConfig()), ROOT);
  if (references.problems.length) throw new Error(references.problems.join("\n"));
  const recorder = new Recorder(files.project, stack, undefined, references.resolved);
  const resources = await recorder.record(() => require(path.join(ROOT, "index")));
  process.stdout.write(
    JSON.stringify(
      resources.map(({ type, name, urn, parent, protect, ignoreChanges, inputs, provider }) => ({
        type,
        name,
        urn,
        parent,
        protect,
        ignoreChanges,
        inputs,
        provider,
      })),
    ),
  );
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(3);
});
