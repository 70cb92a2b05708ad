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
  for (const d of ["components", "config", "catalog", "plan"]) walk(path.join(ROOT, d));
  newest = Math.max(newest, fs.statSync(path.join(__dirname, "record-stack.ts")).mtimeMs);
  for (const f of fs.readdirSync(ROOT))
    if (/^(Pulumi\..*yaml|index\.ts)$/.test(f))
      newest = Math.max(newest, fs.statSync(path.join(ROOT, f)).mtimeMs);
  return String(newest);
}

function recordOnce(v: StackVariant): Promise<RecordedResource[]> {
  const overrides = JSON.stringify(v.overrides ?? {});
  const key = createHash("sha256")
    .update(`${v.stack}\0${overrides}\0${sourcesStamp()}`)
    .digest("hex");
  const cache = path.join(os.tmpdir(), `platform-recorded-${key.slice(0, 16)}.json`);
  if (fs.existsSync(cache)) return Promise.resolve(JSON.parse(fs.readFileSync(cache, "utf8")));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", "./plan/register.js", "tests/helpers/record-stack.ts", v.stack, overrides],
      { cwd: ROOT },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => {
      if (status !== 0) return reject(new Error(`recording ${v.label} failed: ${stderr}`));
      fs.writeFileSync(`${cache}.tmp${process.pid}`, stdout);
      fs.renameSync(`${cache}.tmp${process.pid}`, cache);
      resolve(JSON.parse(stdout));
    });
  });
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
