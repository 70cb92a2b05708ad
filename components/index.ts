import type { StackConfig } from "../config";
import type { ClusterFacts } from "./contract";
import { awsCluster } from "./aws";
import { digitaloceanCluster } from "./digitalocean";
import { withEdgeFacts } from "./edge";
import { existingCluster } from "./existing";
import { hetznerCluster } from "./hetzner";

/**
 * The cloud layer chosen by `platform:provider`; each exposes the same cluster facts, with what
 * the gateway must know of the stack's edge (components/edge).
 */
export function cloudLayer(config: StackConfig): ClusterFacts {
  return withEdgeFacts(config, cloud(config));
}

function cloud(config: StackConfig): ClusterFacts {
  switch (config.provider) {
    case "existing":
      return existingCluster(config);
    case "aws":
      return awsCluster(config);
    case "digitalocean":
      return digitaloceanCluster(config);
    case "hetzner":
      return hetznerCluster(config);
  }
}
