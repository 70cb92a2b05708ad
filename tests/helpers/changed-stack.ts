import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";

const ROOT = path.resolve(__dirname, "../..");

/**
 * A scratch project whose only stack, `changed`, is a shipped stack's file with `edit` applied to
 * its config; its index.ts is the real program. Plan it with `planChanged`.
 */
export function changedStack(
  stack: string,
  edit: (config: Record<string, any>) => void,
  prefix = "changed-",
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  // The shipped stacks too: the changed stack may reference one (multiRegion.primaryStack).
  for (const f of fs.readdirSync(ROOT))
    if (/^Pulumi\..+\.yaml$/.test(f)) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  fs.writeFileSync(
    path.join(dir, "index.ts"),
    `export * from ${JSON.stringify(path.join(ROOT, "index"))};\n`,
  );
  // The shipped stacks stay beside it, so that its stack references (a secondary's primary)
  // resolve to their offline plans as in the project itself.
  for (const f of fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+(\.[^.]+)*\.yaml$/.test(f)))
    if (f !== "Pulumi.yaml") fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  edit(file.config);
  fs.writeFileSync(path.join(dir, "Pulumi.changed.yaml"), stringify(file));
  return dir;
}

/** `npm run plan -- changed <args>` on a `changedStack` folder, as a user runs it. */
export function planChanged(dir: string, args: string[]) {
  return spawnSync(
    process.execPath,
    ["-r", "./plan/register.js", "plan/cli.ts", "changed", ...args],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, PLAN_ROOT: dir } },
  );
}
