/** Tier presets. `local` is a laptop cluster; `staging` is the documents' staging environment. */
export const TIERS = ["local", "staging", "small", "medium", "large", "enterprise"] as const;
export type Tier = (typeof TIERS)[number];

/** Node pool roles, after the documents' tiers: DMZ (gateway), app, data, storage, management. */
export const ROLES = ["gateway", "app", "db", "storage", "monitoring"] as const;
export type Role = (typeof ROLES)[number];

export type Environment = "production" | "staging" | "development";

/** Production rules (mandatory policies, HPA floor 3, multi-AZ) apply to every tier but staging and local. */
export function environmentOf(tier: Tier): Environment {
  return tier === "local" ? "development" : tier === "staging" ? "staging" : "production";
}
