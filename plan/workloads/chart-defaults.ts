import * as fs from "fs";
import * as path from "path";
import { helmMerge } from "./chart-pods";
import type { ChartDefaults, Obj } from "./pods";

/**
 * The chart defaults that decide placement, where no vendored values.yaml is at hand: replica
 * counts, default resources and affinities, each read from the chart at its pinned version.
 */
export const CHART_DEFAULTS: Record<string, Obj> = {
  // deploy/charts/cert-manager/values.yaml (v1.21.1): one replica each, Linux nodes.
  "cert-manager": {
    replicaCount: 1,
    nodeSelector: { "kubernetes.io/os": "linux" },
    webhook: { replicaCount: 1, nodeSelector: { "kubernetes.io/os": "linux" } },
    cainjector: { enabled: true, replicaCount: 1, nodeSelector: { "kubernetes.io/os": "linux" } },
    startupapicheck: { enabled: true, nodeSelector: { "kubernetes.io/os": "linux" } },
  },
  // charts/gateway-helm/values.tmpl.yaml (v1.9): one controller replica, 100m / 256Mi.
  "gateway-helm": {
    deployment: {
      replicas: 1,
      envoyGateway: { resources: { requests: { cpu: "100m", memory: "256Mi" } } },
    },
  },
  // production/helm/loki/values.yaml (helm-loki-6.55.0): every target carries a required
  // anti-affinity against its own pods by hostname; the gateway, the canary and both caches are on.
  loki: (() => {
    const hard = (component: string) => ({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: {
              matchLabels: {
                "app.kubernetes.io/component": component,
                "app.kubernetes.io/name": '{{ include "loki.name" . }}',
                "app.kubernetes.io/instance": "{{ .Release.Name }}",
              },
            },
            topologyKey: "kubernetes.io/hostname",
          },
        ],
      },
    });
    return {
      deploymentMode: "SimpleScalable",
      singleBinary: { replicas: 0, affinity: hard("single-binary") },
      write: { replicas: 3, affinity: hard("write") },
      read: { replicas: 3, affinity: hard("read") },
      backend: { replicas: 3, affinity: hard("backend") },
      gateway: { enabled: true, replicas: 1, affinity: hard("gateway") },
      lokiCanary: { enabled: true },
      chunksCache: { enabled: true, replicas: 1, allocatedMemory: 8192, allocatedCPU: "500m" },
      resultsCache: { enabled: true, replicas: 1, allocatedMemory: 1024, allocatedCPU: "500m" },
    };
  })(),
  // charts/prometheus-node-exporter/values.yaml: runs on every Linux node, tolerating NoSchedule.
  "kube-prometheus-stack": {
    "prometheus-node-exporter": {
      nodeSelector: { "kubernetes.io/os": "linux" },
      tolerations: [{ effect: "NoSchedule", operator: "Exists" }],
    },
  },
  // chart/values.yaml (v2.18.3): the node plugin avoids Robot (dedicated) servers.
  "hcloud-csi": {
    node: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  {
                    key: "instance.hetzner.cloud/is-root-server",
                    operator: "NotIn",
                    values: ["true"],
                  },
                  {
                    key: "instance.hetzner.cloud/provided-by",
                    operator: "NotIn",
                    values: ["robot"],
                  },
                ],
              },
            ],
          },
        },
      },
    },
  },
  // chart/values.yaml (v1.28.0): one replica requesting 100m / 50Mi.
  "hcloud-cloud-controller-manager": {
    replicaCount: 1,
    resources: { requests: { cpu: "100m", memory: "50Mi" } },
  },
  // eks-charts aws-load-balancer-controller values.yaml: two replicas.
  "aws-load-balancer-controller": { replicaCount: 2 },
};

/** An entry of vendor/charts/index.json (written by scripts/vendor-charts.ts). */
export interface VendoredChart {
  chart: string;
  version: string;
  dir: string;
  /** The pinned version an older vendored release stands for, where the pinned one is not at hand. */
  standsFor?: { version: string };
  dependencies?: { key: string; vendored?: { dir: string } }[];
}

/**
 * Chart defaults from the vendored values.yaml files under `vendor/charts` (each subchart's under
 * its key, as Helm nests them); a chart not vendored there falls back to `CHART_DEFAULTS`.
 */
export function vendoredChartDefaults(root: string): ChartDefaults {
  const dir = path.join(root, "vendor/charts");
  let index: VendoredChart[] = [];
  try {
    index = JSON.parse(fs.readFileSync(path.join(dir, "index.json"), "utf8"));
  } catch {
    return () => undefined;
  }
  const read = (d: string) => JSON.parse(fs.readFileSync(path.join(dir, d, "values.json"), "utf8"));
  const cache = new Map<string, Obj | undefined>();
  return (chart, version) => {
    const key = `${chart}@${version}`;
    if (!cache.has(key)) {
      const entry =
        index.find((e) => e.chart === chart && e.version === version) ??
        index.find((e) => e.chart === chart && e.standsFor?.version === version);
      let values: Obj | undefined;
      if (entry) {
        values = read(entry.dir) as Obj;
        for (const dep of entry.dependencies ?? [])
          if (dep.vendored)
            values[dep.key] = helmMerge(read(dep.vendored.dir), values[dep.key] ?? {});
      }
      cache.set(key, values);
    }
    return cache.get(key);
  };
}

/** A chart's name from a Release's `chart` input: `oci://docker.io/envoyproxy/gateway-helm` → `gateway-helm`. */
export const chartName = (chart: string) => chart.split("/").pop() ?? chart;
