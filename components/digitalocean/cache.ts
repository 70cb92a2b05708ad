import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import type { ManagedCache } from "../contract";
import { CACHE_MAINTENANCE } from "./maintenance-windows";
import { managedCluster, type ManagedClusterPlacement } from "./managed-cluster";

/** DigitalOcean's Valkey major version. */
export const VALKEY_VERSION = "8";

export interface ValkeyArgs extends ManagedClusterPlacement {
  /** Nodes: the primary and up to two standbys. @example 3 */
  nodes: number;
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
    const cluster = managedCluster(name, this, args, {
      engine: "valkey",
      suffix: "valkey",
      version: VALKEY_VERSION,
      nodeCount: args.nodes,
      maintenance: CACHE_MAINTENANCE,
    });

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
