/** What the managed Postgres and Valkey share: a database cluster in the VPC, and its firewall. */
import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";

/** Where a managed data cluster runs and who reaches it. */
export interface ManagedClusterPlacement {
  /** Physical name prefix. @example "platform-production-do" */
  prefix: string;
  /** DigitalOcean region, the cluster's. @example "nyc3" */
  region: string;
  /** The stack's VPC (Network component). */
  vpcId: pulumi.Input<string>;
  /** The Kubernetes cluster, the only trusted source. */
  kubernetesClusterId: pulumi.Input<string>;
  /** Size slug from the catalog (`resolveManagedDatabase` or `resolveManagedCache`). */
  size: string;
}

/** The engine of a cluster: named `<prefix>-<suffix>`, with its nodes and maintenance window. */
export interface ManagedEngine {
  engine: "pg" | "valkey";
  /** @example "pg" */
  suffix: string;
  version: string;
  nodeCount: number;
  maintenance: { day: string; hour: string };
}

/**
 * The cluster `${name}-cluster`, protected, and its firewall `${name}-firewall`, which trusts the
 * Kubernetes cluster only. Both are children of `parent`.
 */
export function managedCluster(
  name: string,
  parent: pulumi.Resource,
  placement: ManagedClusterPlacement,
  engine: ManagedEngine,
): digitalocean.DatabaseCluster {
  const cluster = new digitalocean.DatabaseCluster(
    `${name}-cluster`,
    {
      name: `${placement.prefix}-${engine.suffix}`,
      engine: engine.engine,
      version: engine.version,
      size: placement.size,
      region: placement.region,
      nodeCount: engine.nodeCount,
      privateNetworkUuid: placement.vpcId,
      maintenanceWindows: [{ ...engine.maintenance }],
    },
    // DigitalOcean has no deletion lock for database clusters: protect is the only guard.
    { parent, protect: true },
  );

  // Without trusted sources a DigitalOcean database accepts connections from any address.
  new digitalocean.DatabaseFirewall(
    `${name}-firewall`,
    { clusterId: cluster.id, rules: [{ type: "k8s", value: placement.kubernetesClusterId }] },
    { parent },
  );
  return cluster;
}
