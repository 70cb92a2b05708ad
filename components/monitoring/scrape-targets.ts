import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { PROXY_LABELS } from "../gateway/network";

/** A PodMonitor's spec (monitoring.coreos.com/v1), as far as this program sets it. */
export interface PodMonitorSpec {
  selector: { matchLabels: Record<string, string> };
  podMetricsEndpoints: { port: string; path?: string }[];
}

/** One scrape target: the PodMonitor's name and namespace, and what it selects. */
export interface ScrapeTarget {
  name: string;
  namespace: string;
  spec: PodMonitorSpec;
}

export interface ScrapeTargetsArgs {
  /** Namespace of the gateway: Envoy Gateway's proxies and cert-manager. @example "gateway" */
  gatewayNamespace: string;
  /** Namespace of the self-hosted data services. @example "data" */
  dataNamespace: string;
  /** The cert-manager release's name, which its pods carry as their instance. @default "cert-manager" */
  certManagerRelease?: string;
  /** The in-cluster Valkey runs (its exporter sidecar answers on `metrics`). */
  valkey: boolean;
  /** MinIO runs in the cluster (its metrics answer on the API port). */
  minio: boolean;
}

/**
 * The pods the platform runs whose metrics endpoints no chart or operator hands to the Prometheus
 * Operator: Envoy Gateway's proxies (the HTTP alerts), cert-manager's controller (certificate
 * expiry), the self-hosted Valkey's exporter (cache unavailable) and MinIO (self-hosted §4.1
 * scrapes it). Annotations such as `prometheus.io/scrape` mean nothing to kube-prometheus-stack.
 */
export function scrapeTargets(args: ScrapeTargetsArgs): ScrapeTarget[] {
  const targets: ScrapeTarget[] = [
    {
      // Envoy Gateway labels every proxy pod so and names its stats port `metrics` (19001), served at
      // /stats/prometheus (envoyproxy/gateway internal/infrastructure/kubernetes/proxy/resource.go).
      name: "envoy-proxies",
      namespace: args.gatewayNamespace,
      spec: {
        selector: { matchLabels: { ...PROXY_LABELS } },
        podMetricsEndpoints: [{ port: "metrics", path: "/stats/prometheus" }],
      },
    },
    {
      // The chart's controller pods and their `http-metrics` port (cert-manager v1.21.1,
      // deploy/charts/cert-manager/templates/deployment.yaml); certificate expiry is the controller's.
      name: "cert-manager",
      namespace: args.gatewayNamespace,
      spec: {
        selector: {
          matchLabels: {
            "app.kubernetes.io/name": "cert-manager",
            "app.kubernetes.io/instance": args.certManagerRelease ?? "cert-manager",
            "app.kubernetes.io/component": "controller",
          },
        },
        podMetricsEndpoints: [{ port: "http-metrics", path: "/metrics" }],
      },
    },
  ];
  if (args.valkey)
    targets.push({
      // The redis_exporter sidecar of every Valkey server (components/cache).
      name: "valkey",
      namespace: args.dataNamespace,
      spec: {
        selector: {
          matchLabels: {
            "app.kubernetes.io/name": "valkey",
            "app.kubernetes.io/component": "server",
          },
        },
        podMetricsEndpoints: [{ port: "metrics" }],
      },
    });
  if (args.minio)
    targets.push({
      // MinIO's cluster metrics, public (MINIO_PROMETHEUS_AUTH_TYPE) on the API port (components/storage;
      // MinIO documentation, "Monitoring and Alerting using Prometheus", /minio/v2/metrics/cluster).
      name: "minio",
      namespace: args.dataNamespace,
      spec: {
        selector: { matchLabels: { "app.kubernetes.io/name": "minio" } },
        podMetricsEndpoints: [{ port: "api", path: "/minio/v2/metrics/cluster" }],
      },
    });
  return targets;
}

/**
 * PodMonitors for the platform's own metrics endpoints (`scrapeTargets`), so that every alert rule
 * has a series to read. The namespaces' ingress policies already admit the monitoring namespace to
 * each of these ports. Cost: none beyond Prometheus' storage.
 */
export class ScrapeTargets extends pulumi.ComponentResource {
  constructor(
    name: string,
    args: ScrapeTargetsArgs & { monitoring: pulumi.Resource[] },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("platform:observability:ScrapeTargets", name, {}, opts);
    for (const t of scrapeTargets(args))
      new k8s.apiextensions.CustomResource(
        `${name}-${t.name}`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PodMonitor",
          metadata: {
            name: t.name,
            namespace: t.namespace,
            labels: { "app.kubernetes.io/part-of": "platform" },
          },
          spec: t.spec,
        },
        { parent: this, dependsOn: args.monitoring },
      );
    this.registerOutputs({});
  }
}
