/**
 * The one sticky pull-request comment of the preview workflow: every stack's offline plan
 * (`npm run plan -- <stack> --markdown`), led by a table of totals, violations and cost change.
 * The comment is found again by a hidden marker and edited in place, and left alone when its body
 * would not change, so a pull request never collects a comment per push.
 *
 *   node -r ./plan/register.js scripts/plan-comment.ts plan-out/*.md
 *
 * Reads GITHUB_TOKEN, GITHUB_REPOSITORY, PR_NUMBER, and GITHUB_API_URL, GITHUB_SERVER_URL and
 * GITHUB_RUN_ID (set by the runner, https://docs.github.com/en/actions/reference/variables-reference).
 */
import * as fs from "fs";
import * as path from "path";

/** Hidden in the rendered comment; the only way the workflow recognises its own comment. */
export const MARKER = "<!-- platform:plan-comment -->";
/**
 * GitHub refuses an issue comment over 65,536 characters ("body is too long (maximum is 65536
 * characters)", REST `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`); the limit here
 * leaves room for the marker and the truncation note and counts UTF-16 units, never fewer than
 * GitHub's characters.
 */
export const MAX_COMMENT = 60_000;

export interface StackPlan {
  stack: string;
  markdown: string;
}

export interface StackTotals {
  stack: string;
  status: string;
  monthlyCost: string;
  violations: string;
  costChange: string;
}

const field = (markdown: string, label: RegExp): string | undefined =>
  markdown.match(new RegExp(`^\\*\\*${label.source}:\\*\\*\\s*(.+)$`, "m"))?.[1].trim();

/**
 * The totals of one stack's plan, read from the lines plan/render.ts `markdown` writes first. The
 * cost change line comes from the plan's `--base` option; without it the column shows "n/a".
 */
export function stackTotals(plan: StackPlan): StackTotals {
  const heading = plan.markdown.match(/^### (.+?) Plan of `([^`]+)`: (.+)$/m);
  const cost = field(plan.markdown, /Monthly cost estimate/);
  return {
    stack: heading?.[2] ?? plan.stack,
    status: heading ? `${heading[1]} ${heading[3]}` : "❌ no plan output",
    monthlyCost: cost?.split(" — ")[0] ?? "n/a",
    violations: field(plan.markdown, /Policy violations/) ?? "n/a",
    costChange: field(plan.markdown, /Cost (?:change|difference)[^*]*/) ?? "n/a",
  };
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The table the comment opens with: one row per stack. */
export function totalsTable(plans: StackPlan[]): string {
  const rows = plans
    .map(stackTotals)
    .map(
      (t) =>
        `| \`${cell(t.stack)}\` | ${cell(t.status)} | ${cell(t.monthlyCost)} | ${cell(t.costChange)} | ${cell(t.violations)} |`,
    );
  return [
    "| stack | plan | monthly cost | cost change | policy violations |",
    "|---|---|---:|---:|---:|",
    ...rows,
  ].join("\n");
}

/**
 * The whole comment: marker, totals, then each stack's plan in a fold, as many as fit under
 * MAX_COMMENT; the rest are named with a pointer to the job summary, which has every plan in full.
 */
export function commentBody(plans: StackPlan[], runUrl?: string): string {
  const head = [MARKER, "## Offline plan", "", totalsTable(plans), ""].join("\n");
  const where = runUrl ? `[the job summary](${runUrl})` : "the job summary";
  const note = (left: string[]) =>
    `\n_Not shown, to stay under GitHub's comment size: ${left.map((s) => `\`${s}\``).join(", ")}; see ${where}._\n`;
  let body = head;
  const left: string[] = [];
  for (const plan of plans) {
    const fold = `\n<details><summary>${plan.stack}</summary>\n\n${plan.markdown.trim()}\n\n</details>\n`;
    const reserve = note([...left, ...plans.map((p) => p.stack)]).length;
    if (!left.length && body.length + fold.length + reserve <= MAX_COMMENT) body += fold;
    else left.push(plan.stack);
  }
  if (left.length) body += note(left);
  // The totals alone could still be too long with thousands of stacks; cut, keeping the marker.
  return body.length <= MAX_COMMENT ? body : `${body.slice(0, MAX_COMMENT - 2)}\n…`;
}

export interface IssueComment {
  id: number;
  body?: string | null;
}

export type CommentAction =
  { kind: "create" } | { kind: "update"; id: number } | { kind: "unchanged"; id: number };

/** What to do with the comments already on the pull request: edit ours, or post it the first time. */
export function commentAction(existing: IssueComment[], body: string): CommentAction {
  const ours = existing.find((c) => c.body?.includes(MARKER));
  if (!ours) return { kind: "create" };
  return ours.body === body ? { kind: "unchanged", id: ours.id } : { kind: "update", id: ours.id };
}

/** The plans named on the command line, a stack per file (`<stack>.md`). */
export function readPlans(files: string[]): StackPlan[] {
  return files.map((file) => ({
    stack: path.basename(file, ".md"),
    markdown: fs.readFileSync(file, "utf8"),
  }));
}

async function github(url: string, token: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, {
    ...init,
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${token}`,
      "x-github-api-version": "2022-11-28",
      ...(init.body ? { "content-type": "application/json" } : {}),
    },
  });
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function main(files: string[]): Promise<void> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`plan-comment: ${name} is not set`);
    return value;
  };
  const token = env("GITHUB_TOKEN");
  const api = `${process.env.GITHUB_API_URL ?? "https://api.github.com"}/repos/${env("GITHUB_REPOSITORY")}`;
  const issue = `${api}/issues/${env("PR_NUMBER")}/comments`;
  const runUrl = process.env.GITHUB_RUN_ID
    ? `${process.env.GITHUB_SERVER_URL ?? "https://github.com"}/${env("GITHUB_REPOSITORY")}/actions/runs/${process.env.GITHUB_RUN_ID}`
    : undefined;
  const body = commentBody(readPlans(files), runUrl);
  const existing: IssueComment[] = [];
  for (let page = 1; ; page++) {
    const batch = (await github(`${issue}?per_page=100&page=${page}`, token)) as IssueComment[];
    existing.push(...batch);
    if (batch.length < 100) break;
  }
  const action = commentAction(existing, body);
  if (action.kind === "create")
    await github(issue, token, { method: "POST", body: JSON.stringify({ body }) });
  if (action.kind === "update")
    await github(`${api}/issues/comments/${action.id}`, token, {
      method: "PATCH",
      body: JSON.stringify({ body }),
    });
  process.stdout.write(`plan-comment: ${action.kind} (${body.length} characters)\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}
