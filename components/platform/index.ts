import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../../config";
import type { App } from "../apps";
import type { Valkey } from "../cache";
import type { ClusterFacts } from "../contract";
import { isProgressive, type Delivery } from "../delivery";
import type { PgBouncer, Postgres } from "../database";
import type { Monitoring } from "../monitoring";
import type { Gateway } from "../gateway";
import { appTier } from "./apps";
import { dataPlacement, dataTier } from "./data";
import { dmz } from "./dmz";
import { backups, management } from "./management";
import { platformNamespaces, type PlatformScope } from "./namespaces";

export { sharedDatabaseNode } from "./data";
export { metricSources } from "./management";

export interface PlatformArgs {
  config: StackConfig;
  cluster: ClusterFacts;
}

/**
 * The provider-agnostic platform layer: everything that runs inside the cluster, written once for
 * every provider, composed of its tiers (dmz.ts, data.ts, management.ts, apps.ts). Cost: the
 * cluster it runs on (priced by the cloud layer).
 */
export class Platform extends pulumi.ComponentResource {
  public readonly namespaces: Record<"apps" | "gateway" | "data" | "monitoring", string>;
  public readonly apps: App[];
  public readonly gateway: Gateway;
  public readonly monitoring: Monitoring;
  /** The self-hosted database and cache, where the config runs them in the cluster. */
  public readonly postgres?: Postgres;
  public readonly valkey?: Valkey;
  /** PgBouncer in front of a managed database, where the tier asks for one. */
  public readonly pooler?: PgBouncer;
  /** The progressive-delivery controller, where an app releases blue-green or canary. */
  public readonly delivery?: Delivery;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:platform:Platform", name, {}, { ...opts, providers: [args.cluster.provider] });
    const { config, cluster } = args;
    const progressive = config.apps.some((app) => isProgressive(app.release));
    const placement = dataPlacement(config, cluster);
    const scope: PlatformScope = {
      parent: this,
      name,
      config,
      cluster,
      placement,
      progressive,
      ...platformNamespaces(this, name, config, placement, args.cluster.serverNetworks),
    };
    this.namespaces = scope.names;
    this.gateway = dmz(scope);
    const { monitoring, delivery } = management(scope);
    const data = dataTier(scope, { certManager: this.gateway.certManager, monitoring });
    backups(scope, data);
    this.apps = appTier(scope, { endpoints: data.endpoints, monitoring, delivery });
    this.monitoring = monitoring;
    this.delivery = delivery;
    this.postgres = data.postgres;
    this.valkey = data.valkey;
    this.pooler = data.pooler;
    this.registerOutputs({});
  }
}
