import { forEachScaled } from "../requests";
import { CHART_DEFAULTS, chartName } from "./chart-defaults";
import { chartPod, helmMerge, renderTemplates, resourcesUnder, type ChartPod } from "./chart-pods";
import { CHARTS } from "./chart-table";
import {
  isObj,
  podShape,
  type ChartDefaults,
  type Obj,
  type Recorded,
  type Workload,
} from "./pods";

/** Pods of a Helm release; a chart without an entry is read the generic way (see below). */
export function release(r: Recorded, defaults: ChartDefaults | undefined): Workload[] {
  const chart = chartName(String(r.inputs.chart ?? ""));
  const version = String(r.inputs.version ?? "");
  const rel = String(r.inputs.name ?? r.name);
  const namespace = String(r.inputs.namespace ?? "default");
  const base = defaults?.(chart, version) ?? CHART_DEFAULTS[chart] ?? {};
  const merged = helmMerge(base, r.inputs.values ?? {}) as Obj;
  const values = renderTemplates(merged, rel, String(merged.nameOverride ?? chart)) as Obj;
  const read = CHARTS[chart];
  const pods = read ? read(values, rel) : genericChart(values, rel);
  return pods.map((p) => {
    const spec = {
      nodeSelector: p.settings?.nodeSelector,
      tolerations: [...(p.settings?.tolerations ?? []), ...(p.extraTolerations ?? [])],
      affinity: p.settings?.affinity,
      topologySpreadConstraints: p.settings?.topologySpreadConstraints,
      containers: p.resources.flatMap(resourcesUnder).map((resources) => ({ resources })),
    };
    return {
      kind: p.kind,
      namespace,
      name: p.name,
      replicas: p.kind === "DaemonSet" ? 0 : p.replicas,
      daemon: p.kind === "DaemonSet",
      transient: p.kind === "Job",
      urn: r.urn,
      pod: podShape(spec, p.labels),
    };
  });
}

/**
 * A chart the plan has no entry for: every `resources` with requests is a Deployment of the
 * nearest enclosing replica count, placed by the selectors and tolerations beside it. Labels are
 * unknown, so no affinity between its pods can be judged.
 */
export function genericChart(values: Obj, rel: string): ChartPod[] {
  const pods: ChartPod[] = [];
  forEachScaled(values, (o, { count }) => {
    if (!isObj(o.resources) || !("requests" in o.resources || "limits" in o.resources)) return [];
    pods.push(chartPod("Deployment", `${rel}-${pods.length + 1}`, o, count, [o.resources], {}));
    return ["resources"];
  });
  return pods;
}
