import type { Provider } from "./types";

/**
 * What each provider's cloud layer can build, read by the config gate (config/stack-rules.ts,
 * config/providers.ts, config/edge.ts, config/load.ts) and by the catalog's resolvers: one answer
 * to "does this cloud manage X". A new cloud adds its row here (tests/providers/checklist.test.ts
 * holds every row to a registered cloud layer).
 */
export interface Capabilities {
  /** It sells machines, so the catalog prices its types and node pools resolve to them. */
  machines: boolean;
  /** Managed PostgreSQL: the most standbys it keeps beside the primary, or null without one. */
  managedPostgres: { maxStandbys: number } | null;
  /** A managed Redis-compatible cache (Valkey). */
  managedCache: boolean;
  /** A managed S3-compatible object store (S3, Spaces). */
  managedObjectStore: boolean;
  /**
   * The cloud's own CDN: in front of every public host (CloudFront, an edge of its own), in front
   * of the managed media bucket only (the Spaces CDN), or none.
   */
  cdn: "hosts" | "media-bucket" | null;
  /** The stack learns the gateway's load balancer address (an edge's records can point at it). */
  gatewayAddress: boolean;
}

export const CAPABILITIES = {
  aws: {
    machines: true,
    // RDS Multi-AZ: one standby.
    managedPostgres: { maxStandbys: 1 },
    managedCache: true,
    managedObjectStore: true,
    cdn: "hosts",
    gatewayAddress: true,
  },
  digitalocean: {
    machines: true,
    // DigitalOcean Managed Databases: up to two standby nodes.
    managedPostgres: { maxStandbys: 2 },
    managedCache: true,
    managedObjectStore: true,
    cdn: "media-bucket",
    gatewayAddress: true,
  },
  hetzner: {
    machines: true,
    managedPostgres: null,
    managedCache: false,
    managedObjectStore: false,
    cdn: null,
    gatewayAddress: true,
  },
  existing: {
    machines: false,
    managedPostgres: null,
    managedCache: false,
    managedObjectStore: false,
    cdn: null,
    gatewayAddress: false,
  },
} as const satisfies Record<Provider, Capabilities>;

type Table = typeof CAPABILITIES;

/** Providers with a managed PostgreSQL and a managed cache. */
export type ManagedCloud = {
  [P in Provider]: Table[P]["managedPostgres"] extends null ? never : P;
}[Provider];

/** The capabilities of a provider. */
export function capabilitiesOf(provider: Provider): Capabilities {
  return CAPABILITIES[provider];
}
