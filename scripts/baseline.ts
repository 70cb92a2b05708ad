/**
 * Rewrites tests/baseline/<stack>.json for every shipped stack (or those named) from the current
 * program, and prints what changed. Run it only for a deliberate change and say why in the commit.
 * usage: npm run baseline [-- <stack>...]
 */
import * as fs from "fs";
import { shippedStacks } from "../plan/stack";
import {
  BASELINE_DIR,
  baselineDiff,
  baselineFile,
  currentBaselines,
  formatBaseline,
  readBaseline,
} from "../tests/helpers/baseline";

async function main() {
  const named = process.argv.slice(2);
  const stacks = named.length ? named : shippedStacks();
  fs.mkdirSync(BASELINE_DIR, { recursive: true });
  const current = await currentBaselines(stacks);
  for (const [stack, b] of current) {
    const before = readBaseline(stack);
    const diff = before ? baselineDiff(before, b) : ["new baseline"];
    fs.writeFileSync(baselineFile(stack), formatBaseline(b));
    process.stdout.write(`${stack}: ${diff.length ? `\n  ${diff.join("\n  ")}` : "unchanged"}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
