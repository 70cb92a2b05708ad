import { deployTime, deployTimeLines, deployTimeMarkdown } from "./deploy-time";
import { SCHEDULABLE_POLICY } from "./placement";
import type { PlanResult } from "./run";
import type { Registered } from "./mocks";
import { diagramBlock } from "./diagram";
import { rotationLines, rotations } from "./rotations";
import { recoveryLines, recoveryObjectives } from "./recovery";

export const usd = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export type Budget = PlanResult["cost"]["budget"];

/** The tier's documented band as text: `$min–$max`, or `$min+` when it has no top. */
export const bandText = (b: NonNullable<Budget>) =>
  b.max === null ? `${usd(b.min)}+` : `${usd(b.min)}–${usd(b.max)}`;

/** Where a monthly figure falls against the tier's band. */
export function bandPosition(
  monthlyUsd: number,
  b: NonNullable<Budget>,
): "inside" | "below" | "above" {
  if (monthlyUsd < b.min) return "below";
  return b.max === null || monthlyUsd <= b.max ? "inside" : "above";
}

export function budgetText(r: PlanResult): string {
  const b = r.cost.budget;
  if (!b) return "";
  return `documented ${r.config?.tier ?? ""} budget ${bandText(b)} a month: ${bandPosition(r.cost.monthlyUsd, b)} (${b.doc})`;
}

/**
 * The stack outputs, briefly: a line per output (a secret one as `[secret]`), a list's items
 * beneath it, long values cut short.
 */
export function outputLines(r: PlanResult, width = 100): { line: string; items: string[] }[] {
  const brief = (v: any) => {
    // A DNS record reads as a zone file line.
    const record = v && typeof v === "object" && v.name && v.type && v.value !== undefined;
    const s =
      typeof v === "string" ? v : record ? `${v.name} ${v.type} ${v.value}` : JSON.stringify(v);
    return s.length > width ? `${s.slice(0, width - 1)}…` : s;
  };
  return Object.entries(r.outputs).map(([name, o]) => {
    if (o.secret) return { line: `${name}: [secret]`, items: [] };
    if (!Array.isArray(o.value)) return { line: `${name}: ${brief(o.value)}`, items: [] };
    return { line: `${name}: ${o.value.length} item(s)`, items: o.value.map(brief) };
  });
}

/** The resource tree, grouped under the components that own it. */
export function tree(resources: Registered[]): string[] {
  const children = new Map<string | undefined, Registered[]>();
  const urns = new Set(resources.map((r) => r.urn));
  for (const r of resources) {
    const key = r.parent && urns.has(r.parent) ? r.parent : undefined;
    children.set(key, [...(children.get(key) ?? []), r]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      if (r.type === "pulumi:pulumi:Stack") {
        walk(r.urn, depth);
        continue;
      }
      lines.push(
        `${"  ".repeat(depth)}${r.custom ? "" : "▸ "}${r.name}  ${r.type}${r.protect ? "  [protected]" : ""}`,
      );
      walk(r.urn, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
}

/** Where every pod lands on the node pools at their minimum size, node by node. */
export function placementLines(r: PlanResult): string[] {
  const p = r.placement;
  if (!p) return ["placement: skipped, an existing cluster's nodes are not the stack's to size"];
  const nodes = p.pools.reduce((n, pool) => n + pool.nodes.length, 0);
  const out = [
    `placement at the node pools' minimum size: ${p.placed} pods on ${nodes} node(s) beside ` +
      "the DaemonSets' own" +
      (p.unschedulable.length
        ? `, ${p.unschedulable.length} cannot be scheduled (${SCHEDULABLE_POLICY} above)`
        : ", every pod scheduled"),
  ];
  for (const pool of p.pools) {
    out.push(`  ${pool.pool} pool (${pool.type} × ${pool.nodes.length}):`);
    for (const n of pool.nodes)
      out.push(
        `    ${n.name}${n.zone ? ` [${n.zone}]` : ""}: ${n.requested.cpu} of ${n.allocatable.cpu} CPU, ` +
          `${n.requested.memoryGi} of ${n.allocatable.memoryGi} GiB: ${n.pods.join(", ") || "no pods"}`,
      );
  }
  return out;
}

export function text(r: PlanResult): string {
  const out: string[] = [];
  if (r.status === "invalid-config")
    return [`plan ${r.stack}: invalid stack config`, ...r.problems.map((p) => `  ${p}`)].join("\n");
  if (r.status === "error")
    return [`plan ${r.stack}: the program failed`, ...r.problems.map((p) => `  ${p}`)].join("\n");
  out.push(
    `plan ${r.stack}: ${r.resources.filter((x) => x.custom).length} resources`,
    "",
    ...tree(r.resources),
    "",
  );
  out.push(
    `policies: ${r.violations.length ? `${r.violations.length} violation(s)` : "no violations"}`,
  );
  for (const v of r.violations)
    out.push(
      `  [${v.enforcementLevel}] ${v.policy}: ${v.resource.split("::").pop()}: ${v.message}`,
    );
  const q = r.requests;
  const perNode = q.perNode.cpu || q.perNode.memoryGi;
  out.push(
    "",
    `workload requests: ${q.cpu} CPU, ${q.memoryGi} GiB memory` +
      (perNode ? `, plus ${q.perNode.cpu} CPU, ${q.perNode.memoryGi} GiB on every node` : ""),
  );
  out.push(...placementLines(r));
  out.push(
    "",
    `monthly cost estimate: ${usd(r.cost.monthlyUsd)}${budgetText(r) ? `, ${budgetText(r)}` : ""}`,
  );
  for (const [c, n] of Object.entries(r.cost.byComponent)) out.push(`  ${c}: ${usd(n)}`);
  const rotated = rotationLines(r.resources);
  if (rotated.length)
    out.push("", "secret rotation (replaced by the first `pulumi up --refresh` after):");
  out.push(...rotated.map((l) => `  ${l}`));
  out.push("", "stack outputs (`pulumi stack output` after `pulumi up`):");
  for (const o of outputLines(r)) out.push(`  ${o.line}`, ...o.items.map((i) => `    - ${i}`));
  out.push("", ...deployTimeLines(deployTime(r.resources, r.config?.tier)));
  if (r.config) out.push("", ...recoveryLines(recoveryObjectives(r.config, r.resources)));
  return out.join("\n");
}

export function json(r: PlanResult): string {
  return JSON.stringify(
    {
      stack: r.stack,
      status: r.status,
      problems: r.problems,
      tier: r.config?.tier ?? null,
      region: r.config?.region ?? null,
      role: r.config ? (r.config.multiRegion.role ?? "primary") : null,
      resources: r.resources
        .filter((x) => x.type !== "pulumi:pulumi:Stack")
        .map((x) => ({
          type: x.type,
          name: x.name,
          parent:
            r.resources.find((p) => p.urn === x.parent && p.type !== "pulumi:pulumi:Stack")?.name ??
            null,
          urn: x.urn,
          protect: x.protect,
        })),
      violations: r.violations,
      requests: r.requests,
      placement: r.placement,
      outputs: r.outputs,
      rotations: rotations(r.resources),
      cost: {
        monthlyUsd: r.cost.monthlyUsd,
        byComponent: r.cost.byComponent,
        floorUsd: r.cost.floorUsd,
        ceilingUsd: r.cost.ceilingUsd,
        budget: r.cost.budget,
        lines: r.cost.lines,
      },
      deployTime: r.config ? deployTime(r.resources, r.config.tier) : null,
      recovery: r.config ? recoveryObjectives(r.config, r.resources) : null,
    },
    null,
    2,
  );
}

/** A pull-request comment: totals and violations first, then resource counts; always under 60,000 characters. */
export function markdown(r: PlanResult): string {
  const icon = r.status === "clean" ? "✅" : "❌";
  const out = [`### ${icon} Plan of \`${r.stack}\`: ${r.status}`];
  if (r.problems.length) out.push("", ...r.problems.map((p) => `- ${p}`));
  out.push(
    "",
    `**Monthly cost estimate:** ${usd(r.cost.monthlyUsd)}${budgetText(r) ? ` — ${budgetText(r)}` : ""}`,
  );
  out.push("", `**Policy violations:** ${r.violations.length}`);
  if (r.violations.length) {
    out.push("", "| level | policy | resource | message |", "|---|---|---|---|");
    for (const v of r.violations.slice(0, 100))
      out.push(
        `| ${v.enforcementLevel} | ${v.policy} | ${v.resource.split("::").pop()} | ${v.message.replace(/\|/g, "\\|")} |`,
      );
    if (r.violations.length > 100) out.push(`| … | ${r.violations.length - 100} more | | |`);
  }
  const placement = r.placement;
  if (placement?.pools.length) {
    const unschedulable = placement.unschedulable.length;
    out.push(
      "",
      `**Placement at the pools' minimum size:** ${placement.placed} pods, ` +
        (unschedulable ? `**${unschedulable} cannot be scheduled**` : "every pod scheduled"),
      "",
      "| node pool | node | requested | allocatable | pods |",
      "|---|---|---:|---:|---:|",
    );
    for (const pool of placement.pools)
      for (const n of pool.nodes)
        out.push(
          `| ${pool.pool} (${pool.type}) | ${n.name}${n.zone ? ` (${n.zone})` : ""} | ` +
            `${n.requested.cpu} CPU, ${n.requested.memoryGi} GiB | ` +
            `${n.allocatable.cpu} CPU, ${n.allocatable.memoryGi} GiB | ${n.pods.length} |`,
        );
  }
  if (Object.keys(r.cost.byComponent).length) {
    out.push("", "| component | monthly USD |", "|---|---:|");
    for (const [c, n] of Object.entries(r.cost.byComponent)) out.push(`| ${c} | ${usd(n)} |`);
  }
  const rotated = rotationLines(r.resources);
  if (rotated.length)
    out.push(
      "",
      `<details><summary>${rotated.length} rotated secrets, next dates</summary>`,
      "",
      ...rotated.map((l) => `- ${l}`),
      "",
      "</details>",
    );
  const outputs = outputLines(r, 120);
  if (outputs.length) {
    // `<` and `>` escaped so that no value reads as HTML in the comment.
    const md = (t: string) => t.replace(/[<>]/g, (c) => `\\${c}`);
    out.push("", `<details><summary>${outputs.length} stack outputs</summary>`, "");
    for (const o of outputs) out.push(`- ${md(o.line)}`, ...o.items.map((i) => `  - ${md(i)}`));
    out.push("", "</details>");
  }
  if (r.config) out.push("", ...deployTimeMarkdown(deployTime(r.resources, r.config.tier)));
  const counts = new Map<string, number>();
  for (const x of r.resources.filter((x) => x.custom))
    counts.set(x.type, (counts.get(x.type) ?? 0) + 1);
  out.push(
    "",
    `<details><summary>${r.resources.filter((x) => x.custom).length} resources by type</summary>`,
    "",
    "| type | count |",
    "|---|---:|",
  );
  for (const [t, n] of [...counts].sort()) out.push(`| \`${t}\` | ${n} |`);
  out.push("", "</details>");
  const picture = diagramBlock(r);
  if (picture) out.push("", "<details><summary>diagram</summary>", "", picture, "", "</details>");
  const body = out.join("\n");
  return body.length > 59000 ? `${body.slice(0, 58900)}\n\n…(truncated)` : body;
}
