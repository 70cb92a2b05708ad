import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import {
  Namespace,
  apiServerEgressArgs,
  chartRelease,
  fromNamespace,
  networkPolicy,
  tcpPorts,
} from "../k8s";
import { BARMAN_PLUGIN_CHART, CNPG_CHART, type ContainerResources } from "./cnpg";

/** The values we set on the cloudnative-pg chart (see its values.yaml). */
export interface CnpgOperatorValues {
  replicaCount: number;
  resources: ContainerResources;
  crds: { create: boolean };
  monitoring: { podMonitorEnabled: boolean; grafanaDashboard: { create: boolean } };
}

/** The values we set on the plugin-barman-cloud chart (see its values.yaml). */
export interface BarmanPluginValues {
  replicaCount: number;
  resources: ContainerResources;
  crds: { create: boolean };
}

export interface CnpgOperatorArgs {
  /** Namespace of the operator and the Barman Cloud plugin. @default "cnpg-system" */
  namespace?: string;
  /** Namespace of the monitoring stack, admitted to the operator's metrics port. @example "monitoring" */
  monitoringNamespace: string;
  /**
   * Resources the plugin must wait for: cert-manager, which issues the certificates between the
   * operator and the plugin (the plugin chart creates a self-signed Issuer and Certificates).
   * @example [certManagerRelease]
   */
  certManager?: pulumi.Resource[];
}

const OPERATOR_METRICS_PORT = 8080;
const WEBHOOK_PORT = 9443;
const PLUGIN_PORT = 9090;

/**
 * The CloudNativePG operator and its Barman Cloud plugin, in their own namespace with default-deny
 * network policies plus what they need. Cost: two small pods (0.2 CPU / 384 MiB requested).
 */
export class CnpgOperator extends pulumi.ComponentResource {
  public readonly namespace: string;
  /** The two Releases; CRD instances (Cluster, ObjectStore, Pooler...) depend on them. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: CnpgOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:CnpgOperator", name, {}, opts);
    const parent = { parent: this };
    this.namespace = args.namespace ?? "cnpg-system";
    const ns = new Namespace(`${name}-ns`, { name: this.namespace }, parent);

    const small: ContainerResources = {
      requests: { cpu: "100m", memory: "192Mi" },
      limits: { cpu: "500m", memory: "512Mi" },
    };
    const operatorValues: CnpgOperatorValues = {
      // One replica with leader election: a restart only delays reconciliation, never the databases.
      replicaCount: 1,
      resources: small,
      crds: { create: true },
      // The PodMonitor CRD belongs to the monitoring stack, which may be installed after this chart.
      monitoring: { podMonitorEnabled: false, grafanaDashboard: { create: false } },
    };
    const operator = chartRelease(
      `${name}-operator`,
      { name: "cnpg", chart: CNPG_CHART, namespace: ns.name, values: operatorValues },
      { ...parent, dependsOn: [ns] },
    );
    const pluginValues: BarmanPluginValues = {
      replicaCount: 1,
      resources: small,
      crds: { create: true },
    };
    const plugin = chartRelease(
      `${name}-barman-cloud`,
      {
        name: "barman-cloud",
        chart: BARMAN_PLUGIN_CHART,
        namespace: ns.name,
        values: pluginValues,
      },
      { ...parent, dependsOn: [operator, ...(args.certManager ?? [])] },
    );

    // Every pod of this namespace: the API server calls the operator's admission webhooks (from the
    // control plane, not from a pod), the operator calls the plugin over mTLS, monitoring scrapes.
    networkPolicy(
      `${name}-ingress`,
      {
        name: "cnpg-ingress",
        namespace: ns.name,
        podSelector: {},
        ingress: [
          { ports: tcpPorts(WEBHOOK_PORT) },
          { from: [{ podSelector: {} }], ports: tcpPorts(PLUGIN_PORT) },
          {
            from: [fromNamespace(args.monitoringNamespace)],
            ports: tcpPorts(OPERATOR_METRICS_PORT),
          },
        ],
      },
      parent,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-apiserver-egress`,
      apiServerEgressArgs("cnpg-apiserver-egress", ns.name, {}, [6443]),
      parent,
    );
    this.ready = [operator, plugin];
    this.registerOutputs({ namespace: this.namespace });
  }
}
