import { CATALOG, CLOUDS, type Cloud } from "../catalog";
import { PROFILES } from "../catalog/profiles";
import { environmentOf, StackConfig } from "../config";
import type { PlatformPolicyConfig } from "../policies/config";

/**
 * The sizes of the machine types a node pool of `clouds` may run, for the pack's `machineTypes`:
 * the pack keeps no catalog of its own so that it publishes without the program.
 */
export function machineTypesOf(clouds: readonly Cloud[]): PlatformPolicyConfig["machineTypes"] {
  return Object.fromEntries(
    clouds.map((cloud) => [
      cloud,
      Object.fromEntries(
        CATALOG[cloud].machines.map((t) => [t.name, { vcpu: t.vcpu, memoryGb: t.memoryGb }]),
      ),
    ]),
  );
}

const isCloud = (p: string): p is Cloud => (CLOUDS as readonly string[]).includes(p);

/** The config every policy of the pack receives for a stack: its admin networks, tier and minimums. */
export function policyConfig(config: StackConfig): PlatformPolicyConfig {
  const nodeProfiles: PlatformPolicyConfig["nodeProfiles"] = {};
  for (const [role, pool] of Object.entries(config.nodePools)) {
    const p = PROFILES[pool.profile];
    nodeProfiles[role] = { vcpu: p.vcpu, memoryGb: p.memoryGb };
  }
  const production = environmentOf(config.tier) === "production";
  const hpa = config.apps.find((a) => a.autoscaling)?.autoscaling;
  return {
    adminCidrs: config.adminCidrs,
    environment: environmentOf(config.tier),
    tier: config.tier,
    nodeProfiles,
    machineTypes: machineTypesOf(isCloud(config.provider) ? [config.provider] : []),
    backupRetentionDays: config.database.backupRetentionDays,
    // Scaling Strategy: min 3 in production, max 50, CPU 70 %.
    hpa: {
      minReplicas: production ? 3 : Math.min(hpa?.minReplicas ?? 1, 3),
      maxReplicas: 50,
      cpuPercent: 70,
    },
    // A secondary region on CloudFront is answered by its primary's distribution
    // (config/region-schema.ts).
    frontedBy:
      config.edge.provider === "cloudfront" && config.multiRegion.role === "secondary"
        ? (config.multiRegion.primaryStack ?? "")
        : "",
  };
}

/**
 * The `--policy-pack-config` file of a stack for `pulumi preview --policy-pack policies`: every
 * policy's enforcement level for this stack, and of the shared config the keys its schema declares.
 */
export function packConfigFile(
  policies: readonly { name: string; configSchema?: unknown; enforcementLevel?: string }[],
  config: StackConfig,
): Record<string, object> {
  const shared = policyConfig(config);
  const out: Record<string, object> = {};
  for (const p of policies) {
    const level =
      config.policies.overrides[p.name] ?? p.enforcementLevel ?? config.policies.enforcement;
    const keys = Object.keys(schemaProperties(p.configSchema));
    const own = Object.fromEntries(Object.entries(shared).filter(([key]) => keys.includes(key)));
    out[p.name] = { enforcementLevel: level, ...own };
  }
  return out;
}

const schemaProperties = (schema: unknown): object =>
  (schema as { properties?: object } | undefined)?.properties ?? {};
