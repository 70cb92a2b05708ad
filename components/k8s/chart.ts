import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/**
 * A Helm chart at the version the project pins: its values are typed from that version's
 * values.yaml, which the upstream-schema test reads. @example LOKI_CHART
 */
export interface PinnedChart {
  readonly repo: string;
  readonly chart: string;
  readonly version: string;
}

export interface ChartReleaseArgs {
  /** Name of the Helm release. @example "loki" */
  name: string;
  /** The chart and its pinned version. @example LOKI_CHART */
  chart: PinnedChart;
  /** Namespace the release installs into. @example "monitoring" */
  namespace: pulumi.Input<string>;
  /** Our values, merged by Helm over the chart's defaults (STYLE.md, Chart values). */
  values: pulumi.Input<object>;
  /** Seconds Helm waits for the release's workloads. @default Helm's (300) */
  timeout?: number;
  /** Revisions Helm keeps for rollback. @default Helm's (unbounded) */
  maxHistory?: number;
}

/**
 * A Helm release of a pinned chart that waits for its workloads (`skipAwait: false`): what depends
 * on it (instances of its CRDs, agents pushing to it) is created only once it serves.
 */
export function chartRelease(
  resourceName: string,
  args: ChartReleaseArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  const { chart, timeout, maxHistory } = args;
  return new k8s.helm.v3.Release(
    resourceName,
    {
      name: args.name,
      chart: chart.chart,
      version: chart.version,
      repositoryOpts: { repo: chart.repo },
      namespace: args.namespace,
      values: args.values,
      skipAwait: false,
      ...(timeout === undefined ? {} : { timeout }),
      ...(maxHistory === undefined ? {} : { maxHistory }),
    },
    opts,
  );
}
