/**
 * The behaviour baseline of a shipped stack: every registration with its inputs (sorted by URN) and
 * the plan's judgement of it (problems, violations, requests, placement, outputs, cost). A refactor
 * must leave it unchanged; a deliberate change rewrites it with `npm run baseline` and says why in
 * its commit.
 */
import * as fs from "fs";
import * as path from "path";
import { planJsonRuns, recordVariants } from "./recorded";

export const BASELINE_DIR = path.resolve(__dirname, "../baseline");

/** Sections of the JSON plan kept in the baseline (`resources` comes from the recording instead). */
const PLAN_SECTIONS = [
  "status",
  "problems",
  "violations",
  "requests",
  "placement",
  "outputs",
  "cost",
] as const;

export type Baseline = Record<string, unknown> & { resources: Record<string, unknown>[] };

export async function currentBaselines(stacks: string[]): Promise<Map<string, Baseline>> {
  const [recorded, plans] = await Promise.all([
    recordVariants(stacks.map((stack) => ({ label: stack, stack }))),
    planJsonRuns(stacks),
  ]);
  const out = new Map<string, Baseline>();
  for (const stack of stacks) {
    const plan = JSON.parse(plans.get(stack)!.stdout);
    const resources = [...recorded.get(stack)!]
      .sort((a, b) => a.urn.localeCompare(b.urn))
      .map(({ urn, parent, protect, ignoreChanges, inputs }) => ({
        urn,
        parent: parent ?? null,
        protect,
        ...(ignoreChanges?.length ? { ignoreChanges } : {}),
        inputs,
      }));
    const base: Baseline = { resources };
    for (const k of PLAN_SECTIONS) base[k] = plan[k];
    out.set(stack, base);
  }
  return out;
}

/** JSON with one resource per line, so a changed baseline reads as a short diff. */
export function formatBaseline(b: Baseline): string {
  const { resources, ...rest } = b;
  const lines = Object.entries(rest).map(
    ([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`,
  );
  lines.push(
    `  "resources": [\n${resources.map((r) => `    ${JSON.stringify(r)}`).join(",\n")}\n  ]`,
  );
  return `{\n${lines.join(",\n")}\n}\n`;
}

export function baselineFile(stack: string): string {
  return path.join(BASELINE_DIR, `${stack}.json`);
}

export function readBaseline(stack: string): Baseline | undefined {
  const f = baselineFile(stack);
  return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : undefined;
}

/** What differs between two baselines, a line each: a section, or a resource by URN. */
export function baselineDiff(before: Baseline, after: Baseline): string[] {
  const out: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete("resources");
  for (const k of keys)
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out.push(`section ${k} differs`);
  const index = (rs: Record<string, unknown>[]) => new Map(rs.map((r) => [r.urn as string, r]));
  const b = index(before.resources);
  const a = index(after.resources);
  for (const [urn, r] of b) {
    if (!a.has(urn)) out.push(`removed ${urn}`);
    else if (JSON.stringify(r) !== JSON.stringify(a.get(urn))) out.push(`changed ${urn}`);
  }
  for (const urn of a.keys()) if (!b.has(urn)) out.push(`added ${urn}`);
  return out;
}
