import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { SavedPlan } from "./cost-review";

/** A JSON plan saved earlier with `npm run plan -- <stack> --json > base.json`. */
export function readPlanFile(file: string): SavedPlan {
  // `npm run` prints its own banner before the plan unless run with --silent.
  const text = fs.readFileSync(file, "utf8");
  const start = text.search(/^\{/m);
  const plan = JSON.parse(start > 0 ? text.slice(start) : text);
  if (!plan?.cost || !Array.isArray(plan.cost.lines))
    throw new Error(`${file}: not a JSON plan (no cost.lines); save one with --json`);
  return plan;
}

/**
 * The JSON plan of `stack` as the program stood at git `ref`: checked out in a temporary worktree
 * beside the shared node_modules (linked, never installed), planned there, and the worktree
 * removed again whatever happened.
 */
export function planAtRef(ref: string, stack: string, root: string): SavedPlan {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-base-"));
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  git("worktree", "add", "--detach", dir, ref);
  try {
    fs.symlinkSync(
      fs.realpathSync(path.join(root, "node_modules")),
      path.join(dir, "node_modules"),
    );
    const out = execFileSync(
      process.execPath,
      ["-r", "./plan/register.js", "plan/cli.ts", stack, "--json"],
      // The plan exits 1 on a violation and still prints its JSON.
      {
        cwd: dir,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    return JSON.parse(out);
  } catch (e) {
    const stdout = (e as { stdout?: string }).stdout;
    if (stdout?.trim().startsWith("{")) return JSON.parse(stdout);
    throw e;
  } finally {
    git("worktree", "remove", "--force", dir);
  }
}

/** `--base <file or git ref>`: a saved JSON plan when the file exists, otherwise a git ref. */
export function readBasePlan(arg: string, stack: string, root: string): SavedPlan {
  return fs.existsSync(arg) ? readPlanFile(arg) : planAtRef(arg, stack, root);
}
