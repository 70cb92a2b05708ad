import { isObj, type Obj, type Toleration } from "./pods";

// How the chart tables read a Helm release: its merged values, and the pods they describe.

/**
 * Helm's merge of user values over a chart's defaults (helm/helm pkg/chart/v2/util/coalesce.go):
 * maps merge key by key, anything else replaces, and a null removes the default's key.
 */
export function helmMerge(defaults: unknown, values: unknown): unknown {
  if (!isObj(defaults) || !isObj(values)) return values === undefined ? defaults : values;
  const out: Obj = { ...defaults };
  for (const [k, v] of Object.entries(values)) {
    if (v === null) delete out[k];
    else out[k] = helmMerge(defaults[k], v);
  }
  return out;
}

/** Strings the charts template in their values: the release's and the chart's names. */
export function renderTemplates(value: unknown, release: string, chartName: string): unknown {
  if (typeof value === "string")
    return value
      .replace(/\{\{-?\s*\$?\.Release\.Name\s*-?\}\}/g, release)
      .replace(/\{\{-?\s*include\s+"[^"]+\.name"\s+[.$]\s*-?\}\}/g, chartName);
  if (Array.isArray(value)) return value.map((v) => renderTemplates(v, release, chartName));
  if (isObj(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, renderTemplates(v, release, chartName)]),
    );
  return value;
}

/** Every resources object under `node` (one container's, or a map of them per container). */
export function resourcesUnder(node: unknown): Obj[] {
  if (!isObj(node)) return [];
  if ("requests" in node || "limits" in node) return [node];
  return Object.values(node).flatMap(resourcesUnder);
}

export interface ChartPod {
  kind: "Deployment" | "StatefulSet" | "DaemonSet" | "Job";
  /** Workload name as the chart would render it (close enough for a report). */
  name: string;
  replicas: number;
  /** Where `nodeSelector`, `tolerations`, `affinity` and `topologySpreadConstraints` sit. */
  settings: Obj | undefined;
  /** Resources objects of its containers (each `{requests, limits}` or a per-container map). */
  resources: unknown[];
  labels: Record<string, string>;
  /** Tolerations the chart's template adds whatever the values say. */
  extraTolerations?: Toleration[];
}

export const on = (v: unknown, byDefault = true) => (v === undefined ? byDefault : v !== false);

export function chartPod(
  kind: ChartPod["kind"],
  name: string,
  settings: Obj | undefined,
  replicas: unknown,
  resources: unknown[],
  labels: Record<string, string>,
): ChartPod {
  return {
    kind,
    name,
    replicas: typeof replicas === "number" ? replicas : 1,
    settings,
    resources,
    labels,
  };
}

/** A chart whose one Deployment reads its settings from the top of the values. */
export function root(v: Obj, rel: string, name: string, replicas: unknown): ChartPod {
  return chartPod("Deployment", rel, v, replicas, [v.resources], {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/instance": rel,
  });
}
