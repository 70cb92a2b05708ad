import { z } from "zod";
import { PROVIDERS } from "../catalog/types";
import { AppSchema } from "./app-schema";
import { adminCidr, kubernetes, network, nodePool, sshPublicKey } from "./cluster-schema";
import { backups, cache, database, objectStorage, secrets } from "./data-schema";
import { cdn, edge, gateway, tls } from "./edge-schema";
import { cost } from "./cost-schema";
import { multiRegion } from "./region-schema";
import { hostname } from "./fields";
import { logging, monitoring } from "./monitoring-schema";
import { stackRules } from "./stack-rules";
import { ROLES, TIERS } from "./tiers";

export { isPinnedImage } from "./image";
export type { CostUsage } from "./cost-schema";
export { REGION_ROLES, type RegionRole, type MultiRegion } from "./region-schema";
export { TIERS, ROLES, environmentOf, type Tier, type Role, type Environment } from "./tiers";
export { cpuCores, memoryMi } from "./fields";
export {
  ACCESS_LEVELS,
  ADMIN_PREFIX_MIN,
  isAnywhere,
  type AccessGrant,
  type AccessLevel,
  type NodePoolConfig,
} from "./cluster-schema";
export { ENV_MAX_BYTES, AppSchema, type AppConfig } from "./app-schema";
export {
  EDGE_PROVIDERS,
  CLOUDFLARE_PLANS,
  TLS_VERSIONS,
  type EdgeProvider,
  type CloudflarePlan,
} from "./edge-schema";

export const StackConfigSchema = z
  .strictObject({
    provider: z.enum(PROVIDERS),
    tier: z.enum(TIERS),
    /** Checked against the provider's regions by the provider rules (config/providers.ts). */
    region: z.string().min(1).max(63),
    domain: hostname,
    /** The only sources allowed to reach SSH and admin endpoints. */
    adminCidrs: z.array(adminCidr),
    sshPublicKey,
    kubernetes,
    network,
    tls,
    gateway,
    nodePools: z.partialRecord(z.enum(ROLES), nodePool),
    database,
    cache,
    objectStorage,
    cdn,
    edge,
    monitoring,
    logging,
    backups,
    cost,
    multiRegion,
    secrets,
    apps: z.array(AppSchema),
    policies: z.strictObject({
      enforcement: z.enum(["mandatory", "advisory"]),
      overrides: z.record(z.string(), z.enum(["mandatory", "advisory", "disabled"])),
    }),
  })
  .superRefine(stackRules);

export type StackConfig = z.infer<typeof StackConfigSchema> & {
  /**
   * Top-level keys whose values came from `secure:` (only `apps` may: config/secrets.ts); the
   * components keep what they read from them Pulumi secrets.
   */
  secretKeys?: readonly string[];
};
