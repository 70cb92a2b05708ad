import type { Provider } from "../../catalog/types";
import type { StackConfig } from "../../config";
import type { Pricer } from "../../plan/cost";
import type { ClusterFacts } from "../contract";

/**
 * The seam every provider plugs into: one `CloudLayer` per provider, listed in components/index.ts
 * (CLOUD_LAYERS). The program asks it for a cluster; the offline plan asks it for the prices and the
 * mock outputs of what it registers; the policy pack has a folder for it. A new cloud implements
 * this, adds its row to catalog/capabilities.ts, and tests/providers/checklist.test.ts says what
 * is still missing.
 */
export interface CloudLayer {
  provider: Provider;
  /**
   * Builds the network tiers, firewalls, the cluster with a node pool per role and, where the
   * config says `managed`, the data services (`ClusterFacts.managed`): all the platform layer sees.
   */
  build(config: StackConfig): ClusterFacts;
  /** Package prefixes of the resource types it registers (`"aws:"`), Kubernetes add-ons aside. */
  packages: readonly string[];
  /** Offline plan: the list price of each resource type it registers that costs anything. */
  pricers: Readonly<Record<string, Pricer>>;
  /** Offline plan: the other types it registers, each with why the plan leaves it unpriced. */
  unpriced: Readonly<Record<string, string>>;
  /** Offline plan: how a volume its CSI driver makes from a claim of a storage class is billed. */
  volumeRate(storageClass: string | undefined): VolumeRate;
  /** Offline plan: the outputs the provider would compute for its types, and the gateway's address. */
  mocks: LayerMocks;
  /** Its folder of the policy pack: policies/<folder> (existing clusters: "kubernetes"). */
  policies: string;
}

/** What the offline plan prices of a layer: its pricers, the types it leaves out, its volumes. */
export type LayerPricing = Pick<CloudLayer, "pricers" | "unpriced" | "volumeRate">;

/**
 * A cloud layer from its parts: its types are the provider package's (`aws:`) and its own
 * components' (`platform:aws:`); its policies folder is named for the provider unless given.
 */
export function defineCloudLayer(
  provider: Provider,
  build: CloudLayer["build"],
  seams: { package?: string; pricing: LayerPricing; mocks: LayerMocks; policies?: string },
): CloudLayer {
  return {
    provider,
    build,
    packages: [...(seams.package ? [`${seams.package}:`] : []), `platform:${provider}:`],
    ...seams.pricing,
    mocks: seams.mocks,
    policies: seams.policies ?? provider,
  };
}

/** How a provider bills a volume of a storage class: per GB-month, or not by itself (and why). */
export type VolumeRate = { perGbMonthUsd: number; minGb?: number; what: string } | { free: string };

export interface LayerMocks {
  /**
   * Outputs of a resource of one of its types that dependants read (endpoints, addresses, keys),
   * each filled in where the inputs leave it unset; undefined for a type that needs none.
   */
  outputs(type: string, name: string, inputs: Record<string, any>): Record<string, any> | undefined;
  /** What its data sources (invokes) answer where echoing the inputs is not enough. */
  invoke?(token: string, inputs: Record<string, any>): Record<string, any> | undefined;
  /** The address its load balancer reports on the Gateway's status (Envoy copies it there). */
  gatewayAddress(name: string): { type: "Hostname" | "IPAddress"; value: string };
}

/** A documentation address (RFC 5737, 198.51.100.0/24) that stays the same for a name. */
export function mockIp(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `198.51.100.${(h % 254) + 1}`;
}

/** The gateway address of a cloud whose load balancers have an IP address. */
export const ipGatewayAddress = (name: string) => ({
  type: "IPAddress" as const,
  value: mockIp(name),
});
