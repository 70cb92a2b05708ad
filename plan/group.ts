import { spawnSync } from "child_process";
import * as path from "path";
import { GROUP_BUDGETS, type BudgetTier } from "../catalog";
import { bandPosition, bandText, usd, type Budget } from "./render";
import { readStack, shippedStacks } from "./stack";

/** One stack of a group, as its offline plan (`--json`) reports it. */
export interface GroupMember {
  stack: string;
  status: string;
  tier: string;
  role: string;
  region: string;
  monthlyUsd: number;
  floorUsd: number;
  ceilingUsd: number;
}

export interface GroupReport {
  group: string;
  members: GroupMember[];
  monthlyUsd: number;
  floorUsd: number;
  ceilingUsd: number;
  /** The documented total for the group's tier; null where the tier spans one region. */
  budget: Budget;
  /** Where the total falls against the budget. */
  position?: "inside" | "below" | "above";
}

/** The shipped stacks whose `multiRegion.group` is `group`, primary first. */
export function groupStacks(group: string, root: string): string[] {
  const members = shippedStacks(root).flatMap((stack) => {
    let raw: string | undefined;
    try {
      raw = readStack(stack, root).config["platform:multiRegion"];
    } catch {
      return [];
    }
    const m = raw ? (JSON.parse(raw) as { group?: string; role?: string }) : {};
    return m.group === group ? [{ stack, primary: (m.role ?? "primary") === "primary" }] : [];
  });
  return members.sort((a, b) => Number(b.primary) - Number(a.primary)).map((m) => m.stack);
}

/** Sums the members' plans and sets the total beside the documented budget of their tier. */
export function groupReport(group: string, members: GroupMember[]): GroupReport {
  const sum = (k: "monthlyUsd" | "floorUsd" | "ceilingUsd") =>
    Math.round(members.reduce((t, m) => t + m[k], 0) * 100) / 100;
  const tier = members[0]?.tier as BudgetTier | undefined;
  const budget = (tier && GROUP_BUDGETS[tier]) ?? null;
  const monthlyUsd = sum("monthlyUsd");
  return {
    group,
    members,
    monthlyUsd,
    floorUsd: sum("floorUsd"),
    ceilingUsd: sum("ceilingUsd"),
    budget,
    position: budget ? bandPosition(monthlyUsd, budget) : undefined,
  };
}

/** Plans each stack of the group in a process of its own (`plan/cli.ts <stack> --json`). */
export function planGroup(group: string, root: string): GroupReport {
  const members = groupStacks(group, root).map((stack): GroupMember => {
    const run = spawnSync(
      process.execPath,
      ["-r", path.join(__dirname, "register.js"), path.join(__dirname, "cli.ts"), stack, "--json"],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, PLAN_ROOT: root },
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    const plan = JSON.parse(run.stdout || "{}");
    return {
      stack,
      status: plan.status ?? "error",
      tier: plan.tier ?? "",
      role: plan.role ?? "primary",
      region: plan.region ?? "",
      monthlyUsd: plan.cost?.monthlyUsd ?? 0,
      floorUsd: plan.cost?.floorUsd ?? 0,
      ceilingUsd: plan.cost?.ceilingUsd ?? 0,
    };
  });
  return groupReport(group, members);
}

/** The report as the terminal shows it. */
export function groupText(r: GroupReport): string {
  const lines = [`group ${r.group}: ${r.members.length} stack(s)`];
  for (const m of r.members)
    lines.push(
      `  ${m.stack} (${m.role}, ${m.region}): ${m.status}, ${usd(m.monthlyUsd)} a month (floor ${usd(m.floorUsd)}, ceiling ${usd(m.ceilingUsd)})`,
    );
  const total = `total ${usd(r.monthlyUsd)} a month (floor ${usd(r.floorUsd)}, ceiling ${usd(r.ceilingUsd)})`;
  lines.push(
    r.budget
      ? `${total}, documented budget ${bandText(r.budget)}: ${r.position} (${r.budget.doc})`
      : `${total}; no documented total for this tier`,
  );
  return lines.join("\n");
}
