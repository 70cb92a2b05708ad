import { spawn } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

/** One registration of a recorded stack, inputs included. */
export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  parent?: string;
  protect: boolean;
  /** Input paths Pulumi keeps as first deployed (the ignoreChanges option). */
  ignoreChanges?: string[];
  inputs: Record<string, any>;
  /** The provider reference (`<urn>::<id>`) it was registered with, if one was named. */
  provider?: string;
}

/** A stack to record: a shipped stack file, optionally with `platform:` keys merged over it. */
export interface StackVariant {
  /** How tests name it: the stack, or what the overrides switch on. */
  label: string;
  stack: string;
  overrides?: Record<string, unknown>;
}

/** Newest modification time of the program's sources: recordings older than it are stale. */
function sourcesStamp(): string {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  // plan/ holds the recorder (plan/mocks.ts) and record-stack.ts what it prints.
  for (const d of ["components", "config", "catalog", "plan", "policies"]) walk(path.join(ROOT, d));
  newest = Math.max(newest, fs.statSync(path.join(__dirname, "record-stack.ts")).mtimeMs);
  for (const f of fs.readdirSync(ROOT))
    if (/^(Pulumi\..*yaml|index\.ts)$/.test(f))
      newest = Math.max(newest, fs.statSync(path.join(ROOT, f)).mtimeMs);
  return String(newest);
}

/** What a child process printed, and its exit status. */
export interface PlanRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runChild(args: string[]): Promise<PlanRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-r", "./plan/register.js", ...args], {
      cwd: ROOT,
      env: { ...process.env, PLATFORM_PLAN_NOW: RECORDED_NOW },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The creation time of every Rotating in a recording, so that recordings and baselines repeat. */
export const RECORDED_NOW = "2026-01-01T00:00:00Z";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `node -r ./plan/register.js <args>` once per source state: the result is kept in the temp
 * folder until a source changes, and a lock makes concurrent jest workers wait for the one run
 * instead of repeating it (a lock older than two minutes is taken as abandoned).
 */
async function cachedRun(args: string[]): Promise<PlanRun> {
  const key = createHash("sha256")
    .update(`${args.join("\0")}\0${sourcesStamp()}`)
    .digest("hex");
  const cache = path.join(os.tmpdir(), `platform-run-${key.slice(0, 16)}.json`);
  const lock = `${cache}.lock`;
  for (;;) {
    if (fs.existsSync(cache)) return JSON.parse(fs.readFileSync(cache, "utf8"));
    try {
      fs.closeSync(fs.openSync(lock, "wx"));
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > 120_000) fs.rmSync(lock, { force: true });
      else await sleep(200);
    }
  }
  try {
    const run = await runChild(args);
    if (run.status === 0 || args.includes("--json")) {
      fs.writeFileSync(`${cache}.tmp${process.pid}`, JSON.stringify(run));
      fs.renameSync(`${cache}.tmp${process.pid}`, cache);
    }
    return run;
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

async function recordOnce(v: StackVariant): Promise<RecordedResource[]> {
  const overrides = JSON.stringify(v.overrides ?? {});
  const run = await cachedRun(["tests/helpers/record-stack.ts", v.stack, overrides]);
  if (run.status !== 0) throw new Error(`recording ${v.label} failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/**
 * Records each variant in a child process (the Pulumi runtime keeps global state), two at a time,
 * cached in the temp folder until a source changes, so several test files share one recording.
 */
export async function recordVariants(
  variants: StackVariant[],
): Promise<Map<string, RecordedResource[]>> {
  const out = new Map<string, RecordedResource[]>();
  const queue = [...variants];
  const worker = async () => {
    for (let v = queue.shift(); v; v = queue.shift()) out.set(v.label, await recordOnce(v));
  };
  await Promise.all([worker(), worker()]);
  return out;
}

/**
 * The JSON plan of each stack, each in its own process as a user runs it, two at a time, cached in
 * the temp folder until a source changes, so the test files that read plans share one run.
 */
export async function planJsonRuns(stacks: string[]): Promise<Map<string, PlanRun>> {
  return planRuns(stacks, "--json");
}

/** `npm run plan -- <stack> <flag>` of each stack, two at a time, cached like `planJsonRuns`. */
export async function planRuns(stacks: string[], flag: string): Promise<Map<string, PlanRun>> {
  const out = new Map<string, PlanRun>();
  const queue = [...stacks];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift())
      out.set(s, await cachedRun(["plan/cli.ts", s, flag]));
  };
  await Promise.all([worker(), worker()]);
  return out;
}
