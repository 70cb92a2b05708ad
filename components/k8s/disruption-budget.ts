import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/**
 * A PodDisruptionBudget that lets voluntary evictions (node drains, upgrades) take one pod of a
 * replicated workload at a time, so the others keep serving. Only `maxUnavailable` is set: a budget
 * takes it or `minAvailable`, never both.
 */
export function disruptionBudget(
  resourceName: string,
  args: {
    /** Name of the budget, usually the workload's. @example "valkey" */
    name: pulumi.Input<string>;
    namespace: pulumi.Input<string>;
    /** Labels of the budget itself, and its pod selector unless `selector` is given. */
    labels: Record<string, string>;
    /** Labels of the pods it guards. @default labels */
    selector?: Record<string, string>;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.policy.v1.PodDisruptionBudget {
  return new k8s.policy.v1.PodDisruptionBudget(
    resourceName,
    {
      metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
      spec: { maxUnavailable: 1, selector: { matchLabels: args.selector ?? args.labels } },
    },
    opts,
  );
}
