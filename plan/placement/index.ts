/**
 * The plan's scheduler: every pod replica of a stack placed on its node pools at their minimum
 * size, by the rules kube-scheduler filters with (kubernetes/kubernetes
 * pkg/scheduler/framework/plugins: nodeaffinity, tainttoleration, interpodaffinity,
 * podtopologyspread, noderesources/fit.go). Scoring (preferred rules, ScheduleAnyway spreads,
 * balancing) decides where a pod goes in a real cluster, never whether it can go: it is left out.
 * Pure functions.
 */
import { environmentOf, type StackConfig } from "../../config";
import type { Violation } from "../policy";
import type { Workload } from "../workloads";
import { clusterNodes } from "./nodes";
import { placePods, type Placement, type PlacementOptions } from "./scheduler";

export {
  HOSTNAME,
  ZONE,
  REGION,
  SYSTEM_RESERVED,
  clusterNodes,
  type Taint,
  type PlannedNode,
} from "./nodes";
export { selects, nodeMatches, tolerates, untoleratedTaint } from "./filters";
export {
  placePods,
  type NodePlacement,
  type PoolPlacement,
  type UnschedulablePod,
  type Placement,
  type PlacementOptions,
} from "./scheduler";

/**
 * Every pod of a stack (`stackWorkloads`) placed on its pools at their minimum; null on an
 * existing cluster, whose nodes the stack does not know.
 */
export function planPlacement(
  config: StackConfig,
  workloads: Workload[],
  options?: PlacementOptions,
): Placement | null {
  const nodes = clusterNodes(config);
  if (!nodes) return null;
  return placePods(nodes, workloads, options);
}

/** Policy name of an unschedulable pod in the plan's report. */
export const SCHEDULABLE_POLICY = "plan-require-schedulable-pods";

/**
 * One violation per pod that cannot be scheduled: mandatory on production tiers (a pod stuck in
 * Pending is an outage waiting to happen), advisory elsewhere.
 */
export function placementViolations(placement: Placement | null, config: StackConfig): Violation[] {
  const level = environmentOf(config.tier) === "production" ? "mandatory" : "advisory";
  return (placement?.unschedulable ?? []).map((u) => ({
    policy: SCHEDULABLE_POLICY,
    enforcementLevel: level,
    resource: u.urn,
    message: `${u.workload} replica ${u.replica} cannot be scheduled: ${u.reason}`,
  }));
}
