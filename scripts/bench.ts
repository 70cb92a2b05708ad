import { spawnSync } from "child_process";
import * as path from "path";
import { shippedStacks } from "../plan/stack";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function time(args: string[]): { ms: number; status: number | null } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["-r", "./plan/register.js", ...args], {
    cwd: ROOT,
    stdio: "ignore",
  });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: r.status };
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)] };
}

/** Wall time of the plan of every shipped stack, beside the time to merely load the SDKs. */
function main() {
  const load = "-e";
  const sdkOnly = Array.from(
    { length: RUNS },
    () =>
      time([
        load,
        "require('@pulumi/pulumi');require('@pulumi/kubernetes');require('@pulumi/aws');require('@pulumi/digitalocean');require('@pulumi/hcloud');require('@pulumi/policy')",
      ]).ms,
  );
  const s = stats(sdkOnly);
  const rows = [
    `load SDKs only`.padEnd(28) + `min ${s.min.toFixed(0)} ms  median ${s.median.toFixed(0)} ms`,
  ];
  for (const stack of shippedStacks(ROOT)) {
    const runs = Array.from({ length: RUNS }, () => time(["plan/cli.ts", stack, "--json"]));
    const t = stats(runs.map((r) => r.ms));
    rows.push(
      `plan ${stack}`.padEnd(28) +
        `min ${t.min.toFixed(0)} ms  median ${t.median.toFixed(0)} ms  ratio ${(t.median / s.median).toFixed(2)}  exit ${runs[0].status}`,
    );
  }
  process.stdout.write(
    `${RUNS} runs each on ${require("os").cpus().length} cores\n${rows.join("\n")}\n`,
  );
}

main();
