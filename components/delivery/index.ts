import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Role } from "../../config";
import { fromNamespace, Namespace } from "../k8s";
import {
  ARGO_ROLLOUTS_CHART,
  ARGO_ROLLOUTS_RELEASE,
  argoRolloutsValues,
  CONTROLLER_LABELS,
  CONTROLLER_METRICS_PORT,
} from "./values";

export * from "./rollout";
export * from "./values";

/** Port of the kube-prometheus-stack Prometheus (its Service and pods). */
const PROMETHEUS_PORT = 9090;
/** Label the Prometheus pods carry (prometheus-operator), as monitoring's own policies use it. */
const PROMETHEUS_POD = { "app.kubernetes.io/name": "prometheus" };

export interface DeliveryArgs {
  /** Namespace created for the controller (restricted, default deny). @default "delivery" */
  namespace?: string;
  /** Roles with a dedicated node pool; the controller runs on the `monitoring` pool if any. */
  pools: readonly Role[];
  /** Two controllers and a disruption budget, as production needs. @example true */
  production: boolean;
  /** Namespace of Prometheus, which the analyses query and which scrapes the controller. */
  monitoringNamespace: string;
  /** The monitoring stack: its ServiceMonitor CRD must exist before the chart's ServiceMonitor. */
  monitoring: pulumi.Input<pulumi.Resource>[];
}

/**
 * The progressive-delivery controller (Argo Rollouts with its Gateway API plugin): it runs each
 * app's documented blue-green or canary flow, moving the weights of the app's HTTPRoute and
 * reading the error rate from Prometheus. Installed only where an app uses one of the two.
 * Cost: two 50m / 128Mi controllers on the management pool.
 */
export class Delivery extends pulumi.ComponentResource {
  /** The chart release; Rollouts and AnalysisTemplates depend on its CRDs. */
  public readonly release: k8s.helm.v3.Release;
  public readonly namespace: string;

  constructor(name: string, args: DeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:delivery:Delivery", name, {}, opts);
    const parent = { parent: this };
    const namespace = args.namespace ?? "delivery";
    const labels = { "app.kubernetes.io/part-of": "platform" };
    this.namespace = namespace;

    const ns = new Namespace(`${name}-namespace`, { name: namespace }, parent);
    this.release = new k8s.helm.v3.Release(
      `${name}-controller`,
      {
        name: ARGO_ROLLOUTS_RELEASE,
        chart: ARGO_ROLLOUTS_CHART.chart,
        version: ARGO_ROLLOUTS_CHART.version,
        repositoryOpts: { repo: ARGO_ROLLOUTS_CHART.repo },
        namespace,
        createNamespace: false,
        values: argoRolloutsValues(args.pools, args.production),
        skipAwait: false,
        timeout: 600,
        maxHistory: 5,
      },
      { ...parent, dependsOn: [ns, ...args.monitoring] },
    );

    // Prometheus scrapes the controller's metrics...
    new k8s.networking.v1.NetworkPolicy(
      `${name}-metrics-ingress`,
      {
        metadata: { name: "rollouts-metrics-ingress", namespace, labels },
        spec: {
          podSelector: { matchLabels: CONTROLLER_LABELS },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [fromNamespace(args.monitoringNamespace)],
              ports: [{ protocol: "TCP", port: CONTROLLER_METRICS_PORT }],
            },
          ],
        },
      },
      { ...parent, dependsOn: [ns] },
    );
    // ...and the controller queries Prometheus, whose namespace admits only its own pods.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-prometheus-queries`,
      {
        metadata: {
          name: "rollouts-analysis-queries",
          namespace: args.monitoringNamespace,
          labels,
        },
        spec: {
          podSelector: { matchLabels: PROMETHEUS_POD },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
                  podSelector: { matchLabels: CONTROLLER_LABELS },
                },
              ],
              ports: [{ protocol: "TCP", port: PROMETHEUS_PORT }],
            },
          ],
        },
      },
      parent,
    );
    this.registerOutputs({ namespace: this.namespace });
  }
}
