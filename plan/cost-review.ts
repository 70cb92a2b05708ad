import type { CostLine } from "./cost";
import { bandPosition, bandText, type Budget, usd } from "./render";

/**
 * The cost part of a JSON plan (`npm run plan -- <stack> --json`). A plan saved before floor and
 * ceiling were reported has neither: its lines are then taken at their planned size.
 */
export interface SavedPlan {
  stack: string;
  status: string;
  cost: {
    monthlyUsd: number;
    byComponent: Record<string, number>;
    floorUsd?: number;
    ceilingUsd?: number;
    budget: Budget;
    lines: CostLine[];
  };
}

export interface Change {
  before: number;
  after: number;
  delta: number;
}

export interface LineChange extends Change {
  urn: string;
  name: string;
  type: string;
  change: "added" | "removed" | "changed";
  basis: string;
}

/** A base plan against the current one: totals, per component and per resource line. */
export interface CostReview {
  stack: string;
  total: Change;
  components: (Change & { component: string })[];
  /** Lines whose price moved, or that appear or disappear; ordered by the size of the move. */
  lines: LineChange[];
  floorUsd: number;
  ceilingUsd: number;
  budget: Budget;
}

const round = (n: number) => Math.round(n * 100) / 100;
const change = (before: number, after: number): Change => ({
  before,
  after,
  delta: round(after - before) || 0,
});

/**
 * A line's resource without its stack: `urn:pulumi:<stack>::<project>::<type>::<name>` less the
 * stack (https://www.pulumi.com/docs/iac/concepts/resources/names/#urns), so a base planned under
 * another stack name lines up with the current plan resource by resource.
 */
const resourceKey = (urn: string) => urn.replace(/^urn:pulumi:[^:]*::/, "");

/** Compares the cost of two JSON plans of a stack; `head` is the current plan. */
export function reviewCost(base: SavedPlan, head: SavedPlan): CostReview {
  const names = [
    ...new Set([...Object.keys(base.cost.byComponent), ...Object.keys(head.cost.byComponent)]),
  ];
  const components = names
    .map((component) => ({
      component,
      ...change(base.cost.byComponent[component] ?? 0, head.cost.byComponent[component] ?? 0),
    }))
    .filter((c) => c.delta !== 0)
    .sort(
      (x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.component.localeCompare(y.component),
    );
  const before = new Map(base.cost.lines.map((l) => [resourceKey(l.urn), l]));
  const after = new Map(head.cost.lines.map((l) => [resourceKey(l.urn), l]));
  const lines: LineChange[] = [];
  for (const [key, l] of after) {
    const b = before.get(key);
    if (b && b.monthlyUsd === l.monthlyUsd) continue;
    const kind = b ? "changed" : "added";
    lines.push({
      urn: l.urn,
      name: l.name,
      type: l.type,
      change: kind,
      basis: l.basis,
      ...change(b?.monthlyUsd ?? 0, l.monthlyUsd),
    });
  }
  for (const [key, b] of before)
    if (!after.has(key))
      lines.push({
        urn: b.urn,
        name: b.name,
        type: b.type,
        change: "removed",
        basis: b.basis,
        ...change(b.monthlyUsd, 0),
      });
  lines.sort(
    (x, y) =>
      Math.abs(y.delta) - Math.abs(x.delta) || resourceKey(x.urn).localeCompare(resourceKey(y.urn)),
  );
  return {
    stack: head.stack,
    total: change(base.cost.monthlyUsd, head.cost.monthlyUsd),
    components,
    lines,
    floorUsd: head.cost.floorUsd ?? head.cost.monthlyUsd,
    ceilingUsd: head.cost.ceilingUsd ?? head.cost.monthlyUsd,
    budget: head.cost.budget,
  };
}

/** A signed difference: `+$12.00`, `-$3.50`, `$0.00`. */
export const signed = (n: number) => (n > 0 ? `+${usd(n)}` : n < 0 ? `-${usd(-n)}` : usd(0));

/** Floor and ceiling beside the tier's band; says so when the ceiling leaves it. */
export function rangeText(r: CostReview): string {
  const range = `floor ${usd(r.floorUsd)} (every pool at its minimum), ceiling ${usd(r.ceilingUsd)} (every pool at its maximum)`;
  if (!r.budget) return range;
  const floor = bandPosition(r.floorUsd, r.budget);
  const ceiling = bandPosition(r.ceilingUsd, r.budget);
  const leaves = ceiling === "inside" ? "" : `; the ceiling is ${ceiling} the band`;
  return `${range}; documented budget ${bandText(r.budget)} a month: floor ${floor}, ceiling ${ceiling}${leaves} (${r.budget.doc})`;
}

export function reviewText(r: CostReview): string {
  const out = [
    `cost of ${r.stack} against the base: ${usd(r.total.before)} → ${usd(r.total.after)} a month (${signed(r.total.delta)})`,
    rangeText(r),
  ];
  if (r.components.length) out.push("", "by component:");
  for (const c of r.components)
    out.push(`  ${c.component}: ${usd(c.before)} → ${usd(c.after)} (${signed(c.delta)})`);
  if (r.lines.length) out.push("", "by resource:");
  for (const l of r.lines)
    out.push(
      `  ${l.change} ${l.name} (${l.type}): ${usd(l.before)} → ${usd(l.after)} (${signed(l.delta)}) ${l.basis}`,
    );
  if (!r.components.length && !r.lines.length) out.push("", "no cost change");
  return out.join("\n");
}

/** GitHub refuses a comment over 65,536 characters; the review keeps well under it. */
export const MARKDOWN_LIMIT = 60_000;

const cell = (t: string) => t.replace(/\|/g, "\\|").replace(/[<>]/g, (c) => `\\${c}`);

/** The review as a pull-request comment, under `limit` characters: resource lines go first. */
export function reviewMarkdown(r: CostReview, limit = MARKDOWN_LIMIT): string {
  const head = [
    `### Cost of \`${r.stack}\`: ${usd(r.total.before)} → ${usd(r.total.after)} a month (${signed(r.total.delta)})`,
    "",
    rangeText(r).replace(/the ceiling is (above|below) the band/, "**the ceiling is $1 the band**"),
  ];
  if (r.components.length) {
    head.push("", "| component | before | after | difference |", "|---|---:|---:|---:|");
    for (const c of r.components)
      head.push(
        `| ${cell(c.component)} | ${usd(c.before)} | ${usd(c.after)} | ${signed(c.delta)} |`,
      );
  }
  if (!r.lines.length) return [...head, "", "No resource line changed in cost."].join("\n");
  const open = [
    "",
    `<details><summary>${r.lines.length} resource line(s) changed</summary>`,
    "",
    "| change | resource | type | before | after | difference |",
    "|---|---|---|---:|---:|---:|",
  ];
  const close = ["", "</details>"];
  const rows = r.lines.map(
    (l) =>
      `| ${l.change} | ${cell(l.name)} | \`${l.type}\` | ${usd(l.before)} | ${usd(l.after)} | ${signed(l.delta)} |`,
  );
  const fixed = [...head, ...open, ...close].join("\n").length;
  const note = (n: number) =>
    `| … | ${n} more line(s) left out to keep the comment short | | | | |`;
  let budget = limit - fixed - note(rows.length).length - 2;
  let kept = 0;
  while (kept < rows.length && budget - rows[kept].length - 1 >= 0)
    budget -= rows[kept++].length + 1;
  const body = rows.slice(0, kept);
  if (kept < rows.length) body.push(note(rows.length - kept));
  return [...head, ...open, ...body, ...close].join("\n");
}
