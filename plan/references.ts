import { spawnSync } from "child_process";
import * as path from "path";

/**
 * Stack references offline: a stack that reads another's outputs (a secondary region its primary,
 * a primary its edge peers) gets the outputs the offline plan of that stack computes, as
 * `pulumi up` would read them from the referenced stack's last deployment. Each referenced stack is
 * planned in a process of its own (the Pulumi runtime keeps global state). The outputs travel with
 * their offline values, secrets included: offline, every secret is a stack file's placeholder or a
 * mock's, and they stay between the two processes.
 */

/** Environment variable carrying the stacks being planned for a reference, outermost first. */
const CHAIN = "PLAN_REFERENCE_CHAIN";

/** One referenced stack's outputs, and which of them are secret. */
export interface ReferencedOutputs {
  outputs: Record<string, unknown>;
  secretOutputNames: string[];
}

/** The last path segment of a qualified stack name (`org/project/stack`). */
export const bareStack = (name: string): string => name.split("/").pop() ?? name;

/**
 * Plans each referenced stack and returns its outputs. A reference back to a stack already being
 * planned (a primary and its secondary read each other) gets no outputs, as a stack not deployed
 * yet has none; a referenced stack whose plan fails is a problem of this stack's config.
 */
export function planReferences(
  stack: string,
  referenced: string[],
  root: string,
): { resolved: Record<string, ReferencedOutputs>; problems: string[] } {
  const chain = (process.env[CHAIN] ?? "").split(",").filter(Boolean);
  const resolved: Record<string, ReferencedOutputs> = {};
  const problems: string[] = [];
  for (const ref of referenced) {
    const name = bareStack(ref);
    if (name === stack || chain.includes(name)) {
      resolved[name] = { outputs: {}, secretOutputNames: [] };
      continue;
    }
    const run = spawnSync(
      process.execPath,
      [
        "-r",
        path.join(__dirname, "register.js"),
        path.join(__dirname, "cli.ts"),
        name,
        "--reference-outputs",
      ],
      {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, PLAN_ROOT: root, [CHAIN]: [...chain, stack].join(",") },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (run.status !== 0 && run.status !== 1) {
      const why = (run.stderr || run.stdout || "").trim().split("\n")[0] ?? "";
      problems.push(`platform:multiRegion: the offline plan of stack ${name} failed: ${why}`);
      continue;
    }
    resolved[name] = JSON.parse(run.stdout) as ReferencedOutputs;
  }
  return { resolved, problems };
}
