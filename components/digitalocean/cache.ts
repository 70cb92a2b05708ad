import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import type { ManagedCache } from "../contract";
import { CACHE_MAINTENANCE } from "./maintenance-windows";

/** DigitalOcean's Valkey major version. */
export const VALKEY_VERSION = "8";

export interface ValkeyArgs {
  /** Physical name prefix. @example "platform-production-do" */
  prefix: string;
  /** DigitalOcean region, the cluster's. @example "nyc3" */
  region: string;
  /** Size slug from the catalog (`resolveManagedCache`). @example "db-s-1vcpu-2gb" */
  size: string;
  /** Nodes: the primary and up to two standbys. @example 3 */
  nodes: number;
  /** The stack's VPC (Network component). */
  vpcId: pulumi.Input<string>;
  /** The Kubernetes cluster, the only trusted source. */
  kubernetesClusterId: pulumi.Input<string>;
}

/**
 * DigitalOcean managed Valkey (the Redis-compatible engine DigitalOcean replaced Managed Caching
 * with in 2025) in the stack's VPC, reachable from the Kubernetes cluster only, TLS and password
 * on. The tiers document's allkeys-lru eviction is set; of its "AOF + RDB" persistence DigitalOcean
 * offers RDB only. Cost: the size's price for every node.
 */
export class Valkey extends pulumi.ComponentResource {
  public readonly connection: ManagedCache;
  public readonly clusterId: pulumi.Output<string>;

  constructor(name: string, args: ValkeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:digitalocean:Valkey", name, args, opts);
    const parent = { parent: this };
    const cluster = new digitalocean.DatabaseCluster(
      `${name}-cluster`,
      {
        name: `${args.prefix}-valkey`,
        engine: "valkey",
        version: VALKEY_VERSION,
        size: args.size,
        region: args.region,
        nodeCount: args.nodes,
        privateNetworkUuid: args.vpcId,
        maintenanceWindows: [{ ...CACHE_MAINTENANCE }],
      },
      { ...parent, protect: true },
    );

    new digitalocean.DatabaseFirewall(
      `${name}-firewall`,
      { clusterId: cluster.id, rules: [{ type: "k8s", value: args.kubernetesClusterId }] },
      parent,
    );

    new digitalocean.DatabaseValkeyConfig(
      `${name}-config`,
      {
        clusterId: cluster.id,
        valkeyMaxmemoryPolicy: "allkeys-lru",
        persistence: "rdb",
        ssl: true,
      },
      parent,
    );

    this.connection = {
      host: cluster.privateHost,
      port: cluster.port,
      password: pulumi.secret(cluster.password),
    };
    this.clusterId = cluster.id;
    this.registerOutputs({ host: this.connection.host, password: this.connection.password });
  }
}
