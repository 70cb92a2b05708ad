/**
 * Rewrites docs/diagrams.md from `npm run plan -- <stack> --diagram` of every shipped stack.
 * usage: node -r ./plan/register.js scripts/diagrams.ts
 */
import * as fs from "fs";
import * as path from "path";
import { diagramsDocument } from "../plan/diagram";
import { shippedStacks } from "../plan/stack";
import { planRuns } from "../tests/helpers/recorded";

async function main() {
  const stacks = shippedStacks();
  const runs = await planRuns(stacks, "--diagram");
  const blocks = stacks.map((s): [string, string] => {
    const run = runs.get(s)!;
    if (run.status !== 0) throw new Error(`plan ${s} --diagram failed: ${run.stderr}`);
    return [s, run.stdout];
  });
  fs.writeFileSync(path.resolve(__dirname, "../docs/diagrams.md"), diagramsDocument(blocks));
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
