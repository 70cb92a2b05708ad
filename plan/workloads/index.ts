/**
 * The pods a stack keeps running, read from what the program registered: Kubernetes workloads,
 * CloudNativePG clusters and poolers, Elastic resources, the Envoy proxies of the gateway, and the
 * workloads of the Helm charts as far as their values (merged over the chart's defaults) tell.
 * Pure functions: the plan's scheduler (`plan/placement`) places what this returns.
 */
import {
  argoRollout,
  BUILT_IN,
  cnpgCluster,
  cnpgPooler,
  eck,
  envoyProxies,
  hpaFloors,
  KIND_OF,
  nameOf,
  namespaceOf,
} from "./kinds";
import { podShape, type ChartDefaults, type Recorded, type Workload } from "./pods";
import { release } from "./releases";

export {
  podRequests,
  podShape,
  type Requirement,
  type LabelSelector,
  type Toleration,
  type PodAffinityTerm,
  type SpreadConstraint,
  type PodRequests,
  type PodShape,
  type Workload,
  type ChartDefaults,
  type Recorded,
} from "./pods";
export { helmMerge } from "./chart-pods";
export { CHART_DEFAULTS, vendoredChartDefaults, chartName } from "./chart-defaults";

/**
 * Every workload of a stack. Jobs and CronJobs are marked transient: they run to completion at
 * their hours, so they are checked one at a time against the long-running pods rather than
 * reserving room beside them and beside each other.
 */
export function stackWorkloads(registered: Recorded[], defaults?: ChartDefaults): Workload[] {
  const floors = hpaFloors(registered);
  const gateways = registered.filter(
    (r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  ).length;
  const out: Workload[] = [];
  for (const r of registered) {
    if (r.custom === false || !r.type.startsWith("kubernetes:")) continue;
    const kind = KIND_OF(r.type);
    const group = r.type.split(":")[1] ?? "";
    if (r.type === "kubernetes:helm.sh/v3:Release") {
      out.push(...release(r, defaults));
    } else if (group.startsWith("postgresql.cnpg.io/") && kind === "Cluster") {
      out.push(cnpgCluster(r));
    } else if (group.startsWith("postgresql.cnpg.io/") && kind === "Pooler") {
      out.push(cnpgPooler(r));
    } else if (/^(elasticsearch|kibana|beat)\.k8s\.elastic\.co\//.test(group)) {
      out.push(...eck(r, kind));
    } else if (group.startsWith("gateway.envoyproxy.io/") && kind === "EnvoyProxy") {
      out.push(...envoyProxies(r, gateways));
    } else if (group.startsWith("argoproj.io/") && kind === "Rollout") {
      const w = argoRollout(r, registered, floors);
      if (w) out.push(w);
    } else if (/^(apps|batch)\//.test(group) && BUILT_IN[kind]) {
      const read = BUILT_IN[kind](r.inputs.spec ?? {});
      if (!read?.template) continue;
      const namespace = namespaceOf(r);
      const name = nameOf(r);
      const floor = floors.get(`${kind}/${namespace}/${name}`) ?? 0;
      out.push({
        kind,
        namespace,
        name,
        replicas: Math.max(read.replicas, floor),
        daemon: kind === "DaemonSet",
        transient: kind === "Job" || kind === "CronJob",
        urn: r.urn,
        pod: podShape(read.template.spec ?? {}, read.template.metadata?.labels ?? {}),
      });
    }
  }
  return out;
}
