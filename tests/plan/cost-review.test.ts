import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planAtRef, readPlanFile } from "../../plan/base-plan";
import {
  MARKDOWN_LIMIT,
  reviewCost,
  reviewMarkdown,
  reviewText,
  type SavedPlan,
} from "../../plan/cost-review";
import { changedStack, planChanged as plan } from "../helpers/changed-stack";
import { planJsonRuns } from "../helpers/recorded";

const ROOT = path.resolve(__dirname, "../..");

const line = (p: SavedPlan, name: string) => p.cost.lines.find((l) => l.name === name)!;

describe("plan --base: the cost of production against production with a fifth app node", () => {
  let base: SavedPlan;
  let head: SavedPlan;
  let baseFile: string;
  let markdown: string;
  let text: string;
  beforeAll(async () => {
    const run = (await planJsonRuns(["production"])).get("production")!;
    baseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cost-base-")), "base.json");
    // As `npm run plan -- production --json > base.json` writes it: npm's banner first.
    fs.writeFileSync(baseFile, `\n> platform@0.1.0 plan\n> node …\n\n${run.stdout}`);
    base = readPlanFile(baseFile);
    const dir = changedStack("production", (config) => {
      config["platform:nodePools"] = { app: { min: 5, desired: 5, max: 12 } };
    });
    head = JSON.parse(plan(dir, ["--json"]).stdout);
    markdown = plan(dir, ["--markdown", "--base", baseFile]).stdout;
    text = plan(dir, ["--base", baseFile]).stdout;
  }, 120_000);

  it("reads a saved plan with npm's banner before the JSON", () => {
    expect(base.stack).toBe("production");
    expect(base.cost.lines.length).toBeGreaterThan(10);
  });

  it("prices one more app node on the app pool's line, and nothing else", () => {
    const r = reviewCost(base, head);
    const app = line(base, "cluster-app");
    const each = app.monthlyUsd / 4;
    expect(r.lines).toEqual([
      expect.objectContaining({
        name: "cluster-app",
        change: "changed",
        before: app.monthlyUsd,
        after: line(head, "cluster-app").monthlyUsd,
      }),
    ]);
    expect(r.lines[0].delta).toBeCloseTo(each, 1);
    expect(r.lines[0].delta).toBeGreaterThan(0);
    expect(r.total.before).toBe(base.cost.monthlyUsd);
    expect(r.total.after).toBe(head.cost.monthlyUsd);
    expect(r.total.delta).toBeCloseTo(each, 1);
    expect(r.components).toEqual([
      expect.objectContaining({ component: "cluster", delta: r.lines[0].delta }),
    ]);
  });

  it("the reverse comparison has the same moves with the opposite sign", () => {
    const r = reviewCost(head, base);
    expect(r.total.delta).toBeLessThan(0);
    expect(r.total.delta).toBeCloseTo(-reviewCost(base, head).total.delta, 2);
    expect(r.lines.map((l) => l.delta)).toEqual(reviewCost(base, head).lines.map((l) => -l.delta));
  });

  it("floor is every pool at its minimum, ceiling every pool at its maximum", () => {
    const app = line(head, "cluster-app");
    const each = app.monthlyUsd / 5;
    expect(app.floorUsd).toBeCloseTo(5 * each, 1);
    expect(app.ceilingUsd).toBeCloseTo(12 * each, 1);
    const db = line(head, "cluster-db");
    const rest = head.cost.lines.filter((l) => !["cluster-app", "cluster-db"].includes(l.name));
    const fixed = rest.reduce((s, l) => s + l.monthlyUsd, 0);
    expect(head.cost.floorUsd).toBeCloseTo(fixed + app.floorUsd! + db.floorUsd!, 1);
    expect(head.cost.ceilingUsd).toBeCloseTo(fixed + app.ceilingUsd! + db.ceilingUsd!, 1);
  });

  it("says the ceiling leaves the medium band of $500–$2,000, in text and markdown", () => {
    expect(head.cost.ceilingUsd).toBeGreaterThan(2000);
    expect(text).toContain("ceiling above; the ceiling is above the band");
    expect(markdown).toContain("**the ceiling is above the band**");
    expect(markdown).toContain("$500.00–$2,000.00");
  });

  it("prints totals, component and resource rows with signed differences", () => {
    const r = reviewCost(base, head);
    expect(text.split("\n")[0]).toBe(reviewText(r).split("\n")[0]);
    expect(markdown.trim()).toBe(reviewMarkdown(r));
    expect(markdown).toMatch(/\| cluster \| \$[\d,.]+ \| \$[\d,.]+ \| \+\$[\d,.]+ \|/);
    expect(markdown).toMatch(
      /\| changed \| cluster-app \| `aws:eks\/nodeGroup:NodeGroup` \| .* \| \+\$[\d,.]+ \|/,
    );
  });
});

describe("the review's markdown stays under GitHub's comment limit", () => {
  const big = (n: number): SavedPlan => ({
    stack: "big",
    status: "clean",
    cost: {
      monthlyUsd: n,
      byComponent: { app: n },
      budget: { min: 0, max: null, doc: "test" },
      lines: Array.from({ length: n }, (_, i) => ({
        urn: `urn:pulumi:big::platform::x$aws:s3/bucket:Bucket::bucket-with-a-long-name-${i}`,
        type: "aws:s3/bucket:Bucket",
        name: `bucket-with-a-long-name-${i}`,
        monthlyUsd: 1,
        basis: "test",
      })),
    },
  });

  it("keeps the totals and drops resource rows past the limit, saying how many", () => {
    const r = reviewCost(big(0), big(2000));
    const md = reviewMarkdown(r);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md).toContain("| app | $0.00 | $2,000.00 | +$2,000.00 |");
    const kept = md.split("\n").filter((l) => l.startsWith("| added |")).length;
    expect(kept).toBeGreaterThan(100);
    expect(kept).toBeLessThan(2000);
    expect(md).toContain(`| … | ${2000 - kept} more line(s) left out`);
    expect(md.trimEnd().endsWith("</details>")).toBe(true);
  });

  it("keeps every row when they fit", () => {
    const md = reviewMarkdown(reviewCost(big(0), big(50)));
    expect(md.split("\n").filter((l) => l.startsWith("| added |"))).toHaveLength(50);
    expect(md).not.toContain("left out");
  });
});

describe("--base with a git ref", () => {
  it("plans the ref in a temporary worktree and removes it afterwards", () => {
    // Other worktrees of the repository may come and go meanwhile: only ours are counted.
    const ours = () =>
      execFileSync("git", ["worktree", "list"], { cwd: ROOT, encoding: "utf8" })
        .split("\n")
        .filter((l) => l.includes("plan-base-"));
    const before = ours();
    const p = planAtRef("HEAD", "local", ROOT);
    expect(p.stack).toBe("local");
    expect(Array.isArray(p.cost.lines)).toBe(true);
    expect(ours()).toEqual(before);
  }, 120_000);
});
