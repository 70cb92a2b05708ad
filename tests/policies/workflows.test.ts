/**
 * The CI workflows users get: previews with the policy pack on pull requests, staging then
 * approved production on main, nightly drift. Parsed here for their shape; yamllint (Debian
 * package `yamllint`) checks their syntax and style with the repository's .yamllint.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

const ROOT = path.join(__dirname, "..", "..");
const DIR = path.join(ROOT, ".github", "workflows");
const load = (name: string) => YAML.parse(fs.readFileSync(path.join(DIR, name), "utf8"));

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
const steps = (job: { steps: Step[] }) => job.steps;
const pulumiStep = (job: { steps: Step[] }) =>
  steps(job).find((s) => s.uses?.startsWith("pulumi/actions@"));

describe("workflows", () => {
  it("pass yamllint in strict mode", () => {
    const files = fs.readdirSync(DIR).map((f) => path.join(DIR, f));
    files.push(path.join(ROOT, ".github", "actions", "credentials", "action.yml"));
    expect(() =>
      execFileSync("yamllint", ["-s", "-c", path.join(ROOT, ".yamllint"), ...files], {
        stdio: "pipe",
      }),
    ).not.toThrow();
  });

  it("preview: tests, plans every stack into the summary, previews with the pack and comments", () => {
    const wf = load("preview.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    const test = wf.jobs.test;
    const runs = steps(test)
      .map((s) => s.run ?? "")
      .join("\n");
    expect(runs).toContain("npm ci");
    expect(runs).toContain("npm test");
    expect(runs).toMatch(
      /npm run -s plan -- "\$stack" --markdown --base "origin\/\$\{GITHUB_BASE_REF\}"/,
    );
    expect(runs).toContain('cat "plan-out/$stack.md" >> "$GITHUB_STEP_SUMMARY"');
    expect(
      steps(test).find((s) => s.uses?.startsWith("actions/setup-node"))?.with?.["node-version"],
    ).toBe(20);
    const preview = wf.jobs.preview;
    expect(preview.needs).toBe("test");
    expect(preview.strategy.matrix.stack).not.toContain("local");
    expect(preview.env).toBeUndefined();
    expect(pulumiStep(preview)?.with).toMatchObject({
      command: "preview",
      policyPacks: "policies",
      diff: true,
      "comment-on-summary": true,
    });
    // The offline plan's sticky comment is the pull request's only one.
    expect(pulumiStep(preview)?.with?.["comment-on-pr"]).toBeUndefined();
  });

  it("deploy: staging first, then production behind the production environment", () => {
    const wf = load("deploy.yml");
    expect(wf.on.push.branches).toEqual(["main"]);
    expect(wf.jobs.staging.needs).toBe("test");
    expect(wf.jobs.production.needs).toBe("staging");
    expect(wf.jobs.production.environment).toBe("production");
    for (const stack of ["staging", "production"]) {
      expect(pulumiStep(wf.jobs[stack])?.with).toMatchObject({
        command: "up",
        "stack-name": stack,
        policyPacks: "policies",
      });
    }
    expect(wf.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("drift: nightly refresh that expects no changes, per deployed stack", () => {
    const wf = load("drift.yml");
    expect(wf.on.schedule[0].cron).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(wf.jobs.drift.strategy.matrix.stack).toEqual(["staging", "production"]);
    expect(pulumiStep(wf.jobs.drift)?.with).toMatchObject({
      command: "preview",
      refresh: true,
      "expect-no-changes": true,
    });
  });
});
