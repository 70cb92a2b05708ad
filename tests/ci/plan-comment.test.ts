/** The preview workflow's sticky comment (scripts/plan-comment.ts): totals first, one per PR, bounded. */
import {
  commentAction,
  commentBody,
  MARKER,
  MAX_COMMENT,
  stackTotals,
} from "../../scripts/plan-comment";

const plan = (stack: string, extra = "", rows = 0) => ({
  stack,
  markdown: [
    `### ✅ Plan of \`${stack}\`: clean`,
    "",
    "**Monthly cost estimate:** $136.30 — documented staging budget $100.00–$150.00 a month: inside",
    extra,
    "",
    "**Policy violations:** 0",
    "",
    ...Array.from({ length: rows }, (_, i) => `| row ${i} | ${"x".repeat(80)} |`),
  ].join("\n"),
});

describe("plan comment", () => {
  it("leads with each stack's status, cost, cost change and violations", () => {
    const totals = stackTotals(plan("staging", "\n**Cost change:** +$12.00 against main"));
    expect(totals).toEqual({
      stack: "staging",
      status: "✅ clean",
      monthlyCost: "$136.30",
      violations: "0",
      costChange: "+$12.00 against main",
    });
    expect(stackTotals(plan("small")).costChange).toBe("n/a");
    expect(stackTotals({ stack: "broken", markdown: "" }).status).toBe("❌ no plan output");
    const body = commentBody([plan("staging"), plan("production")]);
    expect(body.startsWith(`${MARKER}\n## Offline plan\n\n| stack |`)).toBe(true);
    expect(body.indexOf("| `production` |")).toBeLessThan(body.indexOf("<details>"));
  });

  it("stays under 60,000 characters with the marker, naming the plans it leaves out", () => {
    const plans = ["a", "b", "c", "d"].map((s) => plan(s, "", 250));
    const body = commentBody(plans, "https://github.com/o/r/actions/runs/1");
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT);
    expect(MAX_COMMENT).toBe(60_000);
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toContain("<summary>a</summary>");
    expect(body).toMatch(/Not shown, .*`d`.*\[the job summary\]\(https:\/\/github.com\/o\/r/);
    for (const s of ["a", "b", "c", "d"]) expect(body).toContain(`| \`${s}\` |`);
    const huge = commentBody(Array.from({ length: 2000 }, (_, i) => plan(`stack-${i}`)));
    expect(huge.length).toBeLessThanOrEqual(MAX_COMMENT);
    expect(huge.startsWith(MARKER)).toBe(true);
  });

  it("edits the one marked comment, posts only when there is none, and skips an unchanged body", () => {
    const body = commentBody([plan("staging")]);
    expect(commentAction([{ id: 1, body: "looks good" }], body)).toEqual({ kind: "create" });
    const ours = { id: 7, body: `${MARKER}\nold` };
    expect(commentAction([{ id: 1, body: null }, ours], body)).toEqual({ kind: "update", id: 7 });
    expect(commentAction([{ ...ours, body }], body)).toEqual({ kind: "unchanged", id: 7 });
  });
});
