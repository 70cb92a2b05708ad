import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { EnforcementLevel } from "@pulumi/policy";
import { TIER_BUDGETS } from "../catalog";
import { ConfigError, environmentOf, loadStackConfig, StackConfig } from "../config";
import { collisionProblems, collisions } from "./collisions";
import { policyConfig } from "./policy-config";
import { priceStack, CostReport } from "./cost";
import { Recorder, Registered } from "./mocks";
import { outputValues, PlanOutput, resolveOutputs } from "./outputs";
import { planReferences, type ReferencedOutputs } from "./references";
import { referencedStacks } from "../components/region";
import { evaluatePolicies, Violation } from "./policy";
import { MissingConfigError, readStack, ROOT, StackFileError, type StackFiles } from "./stack";
import { Placement, placementViolations, planPlacement } from "./placement";
import { Requests, sumRequests } from "./requests";
import { stackWorkloads, vendoredChartDefaults } from "./workloads";
import "./pricers";

export interface PlanResult {
  stack: string;
  status: "clean" | "violations" | "invalid-config" | "error";
  /** Config problems (invalid-config) or the program's error message (error). */
  problems: string[];
  resources: Registered[];
  violations: Violation[];
  cost: CostReport & { budget: { min: number; max: number | null; doc: string } | null };
  /** What the stack's workloads ask the cluster to reserve. */
  requests: Requests;
  /**
   * Every pod placed on the node pools at their minimum size, pool by pool, and the pods that
   * cannot be; null on an existing cluster, which is not ours to size.
   */
  placement: Placement | null;
  /** The stack outputs by name; a secret one without its value. */
  outputs: Record<string, PlanOutput>;
  /** With `keepSecretOutputs`: the outputs as another stack's StackReference reads them. */
  referenceOutputs?: ReferencedOutputs;
  config?: StackConfig;
}

/** A plan that stopped before policies and cost: invalid config, or a failing program. */
function stopped(
  stack: string,
  status: "invalid-config" | "error",
  problems: string[],
  resources: Registered[],
): PlanResult {
  return {
    stack,
    status,
    problems,
    resources,
    violations: [],
    cost: { monthlyUsd: 0, byComponent: {}, floorUsd: 0, ceilingUsd: 0, lines: [], budget: null },
    requests: { cpu: 0, memoryGi: 0, perNode: { cpu: 0, memoryGi: 0 }, byPool: {} },
    placement: null,
    outputs: {},
  };
}

/**
 * The stop a Hetzner stack makes before its first kubeconfig exists (components/hetzner,
 * KubeconfigMissingError; docs/hetzner.md, First deployment): the servers are registered, then the
 * program stops saying how to fetch the kubeconfig. A documented state, reported as the line that
 * names the key, not as a failing program. The error reaches the plan through every registration
 * that waited for the kubeconfig, wrapped in their serialization messages.
 */
function documentedStop(failures: unknown[]): string | undefined {
  const stop = failures.find((f) => (f as Error)?.name === "KubeconfigMissingError") as Error;
  if (!stop) return undefined;
  const message = stop.message.replace(/^(error serializing property "[^"]*": )+/, "");
  return message.replace(
    /^kubernetes:kubeconfig is not set\./,
    "kubernetes:kubeconfig: is not set.",
  );
}

/**
 * Runs the program of one stack offline: its config into the Pulumi runtime, `index.ts` under mocks,
 * the policy pack over what it registered, and the catalog over what it costs. One stack per process:
 * the Pulumi runtime keeps global state.
 */
export async function runPlan(
  stack: string,
  root = ROOT,
  opts: { keepSecretOutputs?: boolean } = {},
): Promise<PlanResult> {
  let files: StackFiles;
  try {
    files = readStack(stack, root);
  } catch (e) {
    if (e instanceof MissingConfigError) return stopped(stack, "invalid-config", [e.message], []);
    if (e instanceof StackFileError) return stopped(stack, "invalid-config", e.lines, []);
    throw e;
  }
  pulumi.runtime.setAllConfig(files.config, files.secretKeys);
  let config: StackConfig;
  try {
    config = loadStackConfig();
  } catch (e) {
    if (e instanceof ConfigError) return stopped(stack, "invalid-config", e.problems, []);
    throw e;
  }
  // The stacks this one reads through StackReferences, planned first (plan/references.ts).
  const references = planReferences(stack, referencedStacks(config), root);
  if (references.problems.length) return stopped(stack, "invalid-config", references.problems, []);
  const recorder = new Recorder(files.project, stack, undefined, references.resolved);
  const failures: unknown[] = [];
  let exported: Record<string, unknown> = {};
  let outputs: Record<string, PlanOutput> = {};
  let referenceOutputs: ReferencedOutputs | undefined;
  const onRejection = (e: unknown) => failures.push(e);
  process.on("unhandledRejection", onRejection);
  try {
    await recorder.record(() => (exported = require(path.join(root, "index"))));
    outputs = await resolveOutputs(exported);
    if (opts.keepSecretOutputs) {
      const values = await outputValues(exported);
      referenceOutputs = {
        outputs: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.value])),
        secretOutputNames: Object.keys(values).filter((k) => values[k].secret),
      };
    }
  } catch (e) {
    if (e instanceof ConfigError) return stopped(stack, "invalid-config", e.problems, []);
    const stop = documentedStop([e, ...failures]);
    if (stop) return stopped(stack, "invalid-config", [stop], recorder.resources);
    return stopped(stack, "error", [(e as Error).message], recorder.resources);
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  const stop = documentedStop(failures);
  if (stop) return stopped(stack, "invalid-config", [stop], recorder.resources);
  if (failures.length) {
    const problems = failures.map((f) => (f as Error).message ?? String(f));
    return stopped(stack, "error", problems, recorder.resources);
  }
  // Two registrations of one object: refused like a bad config, before policies and cost.
  const clashes = collisions(recorder.resources);
  if (clashes.length)
    return stopped(stack, "invalid-config", collisionProblems(clashes, config), recorder.resources);

  const { policies } = await import("../policies/list");
  const violations = await evaluatePolicies(policies, recorder.resources, {
    config: policyConfig(config),
    // The schema keeps this mandatory on production tiers.
    enforcement: config.policies.enforcement,
    overrides: config.policies.overrides as Record<string, EnforcementLevel>,
    stackTags: { environment: environmentOf(config.tier), tier: config.tier },
  });
  const cost = {
    ...priceStack(recorder.resources, config.provider, config.cost.usage),
    budget: TIER_BUDGETS[config.tier] ?? null,
  };
  const workloads = stackWorkloads(recorder.resources, vendoredChartDefaults(ROOT));
  const placement = planPlacement(config, workloads);
  // A pod that cannot be scheduled fails a production plan like a mandatory policy.
  violations.push(...placementViolations(placement, config));
  const mandatory = violations.some((v) => v.enforcementLevel === "mandatory");
  const requests = sumRequests(workloads);
  return {
    stack,
    status: mandatory ? "violations" : "clean",
    problems: [],
    resources: recorder.resources,
    violations,
    cost,
    requests,
    placement,
    outputs,
    referenceOutputs,
    config,
  };
}
