import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/** The least a node of one role must have, in the documents' units. */
export interface NodeProfile {
  vcpu: number;
  memoryGb: number;
}

/**
 * The one configuration shape every policy of the pack reads. A stack passes it per policy with
 * `pulumi preview --policy-pack policies --policy-pack-config <file>`; the offline plan passes it
 * directly. Anything left out takes the production value from `DEFAULT_POLICY_CONFIG`.
 */
export interface PlatformPolicyConfig {
  /** CIDRs that may reach SSH and admin endpoints; empty means SSH is allowed from nowhere public. */
  adminCidrs: string[];
  /** Rules that only bind production (multi-AZ, replicas, HA control plane) read this. */
  environment: "production" | "staging" | "development";
  /** The stack's tier preset, named in messages. @example "medium" */
  tier: string;
  /** Documented hardware profile per node role (the `platform/role` label). */
  nodeProfiles: Record<string, NodeProfile>;
  /**
   * The machine types a node pool may run, per cloud (`aws`, `digitalocean`, `hetzner`) and type
   * name, with their size. The pack keeps no catalog of its own, so that it runs without the
   * program: the planner writes the stack's cloud from `catalog/`.
   */
  machineTypes: Record<string, Record<string, NodeProfile>>;
  /** Least database backup retention in days (self-hosted deployment §3.1: RETENTION_DAYS=30). */
  backupRetentionDays: number;
  /** Documented HPA bounds (infrastructure recommendations, Scaling Strategy). */
  hpa: { minReplicas: number; maxReplicas: number; cpuPercent: number };
  /**
   * The stack whose CloudFront distribution answers this stack's hosts (a secondary region of a
   * group: CloudFront gives an alias to one distribution only). The policies then take the
   * gateway's hosts as fronted when its NLB admits the web from prefix lists alone. Empty: the
   * stack's own resources must show its edge.
   */
  frontedBy: string;
}

/** Production values: a stack that passes no config is judged as production. */
export const DEFAULT_POLICY_CONFIG: PlatformPolicyConfig = {
  adminCidrs: [],
  environment: "production",
  tier: "medium",
  // Self-hosted deployment §1.1, recommended production setup (catalog/profiles.ts holds the same
  // numbers with their disks; tests/policies/publish.test.ts keeps the two equal).
  nodeProfiles: {
    lb: { vcpu: 4, memoryGb: 8 },
    app: { vcpu: 8, memoryGb: 16 },
    db: { vcpu: 16, memoryGb: 64 },
    storage: { vcpu: 8, memoryGb: 32 },
    monitoring: { vcpu: 4, memoryGb: 8 },
  },
  machineTypes: {},
  backupRetentionDays: 30,
  hpa: { minReplicas: 3, maxReplicas: 50, cpuPercent: 70 },
  frontedBy: "",
};

/** Anything that hands out policy config: resource and stack validation args alike. */
interface ConfigSource {
  getConfig<T extends object>(): T;
}

/** The policy's config with every missing key filled from the production defaults. */
export function readConfig(args: ConfigSource): PlatformPolicyConfig {
  const given = args.getConfig<Partial<PlatformPolicyConfig>>() ?? {};
  return {
    ...DEFAULT_POLICY_CONFIG,
    ...given,
    hpa: { ...DEFAULT_POLICY_CONFIG.hpa, ...(given.hpa ?? {}) },
  };
}

const profileSchema: PolicyConfigJSONSchema = {
  type: "object",
  properties: { vcpu: { type: "number", minimum: 1 }, memoryGb: { type: "number", minimum: 1 } },
  required: ["vcpu", "memoryGb"],
};

/** JSON Schema of each key, so the CLI rejects a malformed `--policy-pack-config` file. */
export const CONFIG_PROPERTIES: Record<keyof PlatformPolicyConfig, PolicyConfigJSONSchema> = {
  adminCidrs: {
    type: "array",
    description: "CIDRs allowed to reach SSH and admin endpoints.",
    items: { type: "string", pattern: "^[0-9A-Fa-f:.]+/[0-9]{1,3}$" },
    default: DEFAULT_POLICY_CONFIG.adminCidrs,
  },
  environment: {
    type: "string",
    enum: ["production", "staging", "development"],
    default: DEFAULT_POLICY_CONFIG.environment,
  },
  tier: { type: "string", default: DEFAULT_POLICY_CONFIG.tier },
  nodeProfiles: {
    type: "object",
    description: "Least vCPU and memory per node role (label platform/role).",
    additionalProperties: profileSchema,
    default: DEFAULT_POLICY_CONFIG.nodeProfiles,
  },
  machineTypes: {
    type: "object",
    description: "Machine types a node pool may run, per cloud and type name, with their size.",
    additionalProperties: { type: "object", additionalProperties: profileSchema },
    default: DEFAULT_POLICY_CONFIG.machineTypes,
  },
  backupRetentionDays: {
    type: "integer",
    minimum: 1,
    default: DEFAULT_POLICY_CONFIG.backupRetentionDays,
  },
  hpa: {
    type: "object",
    properties: {
      minReplicas: { type: "integer", minimum: 1 },
      maxReplicas: { type: "integer", minimum: 1 },
      cpuPercent: { type: "integer", minimum: 1, maximum: 100 },
    },
    default: DEFAULT_POLICY_CONFIG.hpa,
  },
  frontedBy: {
    type: "string",
    description: "The stack whose CloudFront distribution answers this stack's hosts; empty: none.",
    default: DEFAULT_POLICY_CONFIG.frontedBy,
  },
};

/** The config schema a policy declares: the shared shape, limited to the keys it reads. */
export function configSchema(...keys: (keyof PlatformPolicyConfig)[]): PolicyConfigSchema {
  return { properties: Object.fromEntries(keys.map((k) => [k, CONFIG_PROPERTIES[k]])) };
}
