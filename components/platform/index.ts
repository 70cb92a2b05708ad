import * as pulumi from "@pulumi/pulumi";
import { environmentOf, StackConfig } from "../../config";
import { App } from "../apps";
import type { ClusterFacts } from "../cluster";
import { Gateway } from "../gateway";
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
  public readonly gateway: Gateway;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:platform:Platform", name, {}, { ...opts, providers: [args.cluster.provider] });
    const parent = { parent: this };
    const { config, cluster } = args;
    const environment = environmentOf(config.tier);
    this.namespaces = {
      apps: config.kubernetes.namespace,
      gateway: "gateway",
      data: "data",
      monitoring: "monitoring",
    };

    const appsNs = new Namespace(`${name}-apps`, { name: this.namespaces.apps }, parent);
    const gatewayNs = new Namespace(`${name}-gateway`, { name: this.namespaces.gateway }, parent);

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

    // DMZ tier: the only entry from outside the cluster.
    this.gateway = new Gateway(
      `${name}-gateway`,
      {
        domain: config.domain,
        apps: config.apps.map((app, i) => ({
          name: app.name,
          host: app.host,
          pathPrefix: app.pathPrefix,
          public: app.public,
          backends: this.apps[i].backends,
          port: this.apps[i].port,
          cacheDynamic: app.cacheDynamic,
        })),
        pools: cluster.pools,
        environment,
        acmeEmail: config.tls.acmeEmail || `hostmaster@${config.domain}`,
        gatewayNamespace: this.namespaces.gateway,
        appsNamespace: this.namespaces.apps,
        monitoringNamespace: this.namespaces.monitoring,
        serviceAnnotations: cluster.gatewayServiceAnnotations,
      },
      { ...parent, dependsOn: [gatewayNs] },
    );
    this.registerOutputs({});
  }
}
