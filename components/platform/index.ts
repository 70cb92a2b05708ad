import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config";
import { App } from "../apps";
import type { ClusterFacts } from "../cluster";
import { Namespace } from "./namespace";

export interface PlatformArgs {
  config: StackConfig;
  cluster: ClusterFacts;
}

/**
 * The provider-agnostic platform layer: everything that runs inside the cluster, written once for
 * every provider. Cost: the cluster it runs on (priced by the cloud layer).
 */
export class Platform extends pulumi.ComponentResource {
  public readonly namespaces: Record<"apps" | "gateway" | "data" | "monitoring", string>;
  public readonly apps: App[];

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:platform:Platform", name, {}, { ...opts, providers: [args.cluster.provider] });
    const parent = { parent: this };
    const { config, cluster } = args;
    this.namespaces = {
      apps: config.kubernetes.namespace,
      gateway: "gateway",
      data: "data",
      monitoring: "monitoring",
    };

    const appsNs = new Namespace(`${name}-apps`, { name: this.namespaces.apps }, parent);
    this.apps = config.apps.map(
      (app) =>
        new App(
          `${name}-${app.name}`,
          {
            app,
            namespace: appsNs.name,
            pools: cluster.pools,
            gatewayNamespace: this.namespaces.gateway,
            monitoringNamespace: this.namespaces.monitoring,
          },
          parent,
        ),
    );
    this.registerOutputs({});
  }
}
