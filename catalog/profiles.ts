import { Profile } from "./types";

const selfHosted = "self-hosted-deployment.md §1.1";
const tiers = "infrastructure-recommendations.md";

/**
 * Every hardware profile the two documents name. A node pool, server or managed instance is sized
 * by naming one of these; `resolveProfile` turns it into the cheapest type that meets it.
 */
export const PROFILES = {
  // Self-hosted design, recommended production setup.
  lb: { vcpu: 4, memoryGb: 8, diskGb: 100, doc: `${selfHosted}, load balancer node` },
  app: { vcpu: 8, memoryGb: 16, diskGb: 500, doc: `${selfHosted}, application node (2x)` },
  db: { vcpu: 16, memoryGb: 64, diskGb: 2000, doc: `${selfHosted}, database node (NVMe)` },
  storage: { vcpu: 8, memoryGb: 32, diskGb: 8000, doc: `${selfHosted}, storage node` },
  monitoring: { vcpu: 4, memoryGb: 8, diskGb: 1000, doc: `${selfHosted}, monitoring node` },
  // Self-hosted design, minimum production: 8 cores, 32 GB, 1 TB NVMe + 4 TB HDD.
  "minimum-production": {
    vcpu: 8,
    memoryGb: 32,
    diskGb: 5000,
    doc: `${selfHosted}, minimum production`,
  },
  // Tiers document.
  "dev-workstation": { vcpu: 4, memoryGb: 16, diskGb: 50, doc: `${tiers}, local development` },
  "staging-server": { vcpu: 4, memoryGb: 8, diskGb: 160, doc: `${tiers}, staging single server` },
  "k8s-staging-node": { vcpu: 2, memoryGb: 4, diskGb: 0, doc: `${tiers}, staging Kubernetes node` },
  "small-vps": {
    vcpu: 2,
    memoryGb: 8,
    diskGb: 0,
    doc: `${tiers}, small production single VPS (CX31)`,
  },
  "medium-app": { vcpu: 4, memoryGb: 16, diskGb: 0, doc: `${tiers}, medium node pool 1 (apps)` },
  "medium-db": { vcpu: 8, memoryGb: 32, diskGb: 0, doc: `${tiers}, medium node pool 2 (database)` },
  "large-app": { vcpu: 8, memoryGb: 32, diskGb: 0, doc: `${tiers}, large app nodes` },
  "large-db": { vcpu: 16, memoryGb: 64, diskGb: 0, doc: `${tiers}, large database nodes` },
  "large-managed-db": {
    vcpu: 16,
    memoryGb: 64,
    diskGb: 1000,
    doc: `${tiers}, large managed primary database`,
  },
  "small-db": {
    vcpu: 2,
    memoryGb: 8,
    diskGb: 0,
    doc: `${tiers}, small/medium PostgreSQL (8 GB server)`,
  },
  cache: { vcpu: 2, memoryGb: 8, diskGb: 0, doc: `${tiers}, Redis memory 2-8 GB (upper bound)` },
} as const satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];
