import type { Provider } from "../catalog/types";
import type { StackConfig } from "../config";
import type { ClusterFacts } from "./contract";
import { awsLayer } from "./aws";
import { digitaloceanLayer } from "./digitalocean";
import { withEdgeFacts, withR2Storage } from "./edge";
import { existingLayer } from "./existing";
import { hetznerLayer } from "./hetzner";
import type { CloudLayer } from "./kit/cloud-layer";

/**
 * Every provider's cloud layer (components/kit/cloud-layer.ts): where a new cloud plugs in. The
 * program builds on the one `platform:provider` names; the offline plan registers every layer's
 * pricers and mock outputs (plan/pricers/index.ts, plan/mocks.ts).
 */
export const CLOUD_LAYERS: Readonly<Record<Provider, CloudLayer>> = {
  aws: awsLayer,
  digitalocean: digitaloceanLayer,
  hetzner: hetznerLayer,
  existing: existingLayer,
};

/**
 * The cloud layer chosen by `platform:provider`; each exposes the same cluster facts, with what
 * the gateway must know of the stack's edge and, where the stack asks for it, the edge's R2 as
 * the managed object store (components/edge).
 */
export function cloudLayer(config: StackConfig): ClusterFacts {
  const cluster = CLOUD_LAYERS[config.provider].build(config);
  return withEdgeFacts(config, withR2Storage(config, cluster));
}
