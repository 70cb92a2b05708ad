import { runPlan } from "./run";
import { json, markdown, text } from "./render";
import { packConfigFile } from "./policy-config";
import { diagramBlock } from "./diagram";
import { readBasePlan } from "./base-plan";
import { reviewCost, reviewMarkdown, reviewText, type SavedPlan } from "./cost-review";
import { ROOT } from "./stack";
import { groupText, planGroup } from "./group";

/** Exit codes: 0 clean, 1 a mandatory policy is violated, 2 the stack config is invalid, 3 the program failed. */
const EXIT = { clean: 0, violations: 1, "invalid-config": 2, error: 3 } as const;

async function main() {
  const args = process.argv.slice(2);
  // `--group <name>`: every stack of a group of regions, priced against the tier's total.
  const groupAt = args.indexOf("--group");
  if (groupAt >= 0) {
    const name = args[groupAt + 1];
    if (!name) {
      process.stderr.write("usage: npm run plan -- --group <name>\n");
      process.exit(2);
    }
    const report = planGroup(name, process.env.PLAN_ROOT || ROOT);
    if (report.members.length === 0) {
      process.stderr.write(`plan: no shipped stack has platform:multiRegion.group ${name}\n`);
      process.exit(2);
    }
    process.stdout.write(
      `${args.includes("--json") ? JSON.stringify(report, null, 2) : groupText(report)}\n`,
    );
    const worst = Math.max(...report.members.map((m) => EXIT[m.status as keyof typeof EXIT] ?? 3));
    process.exit(worst === 0 && report.position === "above" ? 1 : worst);
  }
  // `--base <file or git ref>`: the plan's cost against a base plan, for review.
  const baseAt = args.indexOf("--base");
  const baseArg = baseAt >= 0 ? args[baseAt + 1] : undefined;
  const stack = args.find((a, i) => !a.startsWith("--") && (baseAt < 0 || i !== baseAt + 1));
  if (!stack || (baseAt >= 0 && !baseArg)) {
    process.stderr.write(
      "usage: npm run plan -- <stack> [--json | --markdown | --policy-config | --diagram] [--base <plan.json | git ref>]\n       npm run plan -- --group <name> [--json]\n",
    );
    process.exit(2);
  }
  let result: Awaited<ReturnType<typeof runPlan>> | undefined;
  // A stopped program leaves registrations that fail after the plan has its result (everything
  // that waited for what stopped it): the plan reports the stop, they must not crash the process.
  // Anything failing late after a clean run is a failed program.
  process.on("unhandledRejection", (e) => {
    if (!result || result.status === "invalid-config" || result.status === "error") return;
    process.stderr.write(`plan ${stack}: ${(e as Error)?.message ?? String(e)}\n`);
    process.exit(3);
  });
  const forReference = args.includes("--reference-outputs");
  try {
    result = await runPlan(stack, process.env.PLAN_ROOT || undefined, {
      keepSecretOutputs: forReference,
    });
  } catch (e) {
    process.stderr.write(`plan ${stack}: ${(e as Error).message}\n`);
    process.exit(3);
  }
  // For another stack's plan (plan/references.ts): the outputs a StackReference reads.
  if (forReference) {
    if (result.status === "invalid-config" || result.status === "error") {
      process.stderr.write(`${result.problems.join("; ")}\n`);
      process.exit(EXIT[result.status]);
    }
    process.stdout.write(JSON.stringify(result.referenceOutputs ?? {}));
    process.exitCode = 0;
    setTimeout(() => process.exit(process.exitCode), 1000).unref();
    return;
  }
  if (args.includes("--policy-config") && result.config) {
    const { policies } = await import("../policies/list");
    process.stdout.write(`${JSON.stringify(packConfigFile(policies, result.config), null, 2)}\n`);
    process.exit(0);
  }
  if (args.includes("--diagram") && result.config) {
    process.stdout.write(`${diagramBlock(result)}\n`);
    process.exit(0);
  }
  if (baseArg && result.status !== "invalid-config" && result.status !== "error") {
    let base: SavedPlan;
    try {
      base = readBasePlan(baseArg, stack, process.env.PLAN_ROOT || ROOT);
    } catch (e) {
      process.stderr.write(`plan ${stack}: base ${baseArg}: ${(e as Error).message}\n`);
      process.exit(3);
    }
    const review = reviewCost(base, JSON.parse(json(result)));
    process.stdout.write(
      `${args.includes("--markdown") ? reviewMarkdown(review) : reviewText(review)}\n`,
    );
    process.exitCode = EXIT[result.status];
    setTimeout(() => process.exit(process.exitCode), 1000).unref();
    return;
  }
  const out = args.includes("--json")
    ? json(result)
    : args.includes("--markdown")
      ? markdown(result)
      : text(result);
  const toStderr =
    !args.includes("--json") && (result.status === "invalid-config" || result.status === "error");
  (toStderr ? process.stderr : process.stdout).write(`${out}\n`);
  process.exitCode = EXIT[result.status];
  // Exit on our own only if something keeps the process alive: ending naturally lets the
  // transpiler finish writing its cache, which makes the next plan a fifth faster.
  setTimeout(() => process.exit(process.exitCode), 1000).unref();
}

void main();
