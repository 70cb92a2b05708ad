/** What DigitalOcean's managed Kubernetes fixes: its reserved ranges and its release slugs. */

/**
 * Ranges DigitalOcean reserves for DOKS networking (pods, services, internal addresses of
 * clusters without VPC-native networking); a VPC that overlaps one is refused.
 */
export const DOKS_RESERVED_RANGES = ["10.244.0.0/16", "10.245.0.0/16", "10.246.0.0/24"] as const;

/**
 * The DOKS version slug for a Kubernetes minor ("1.33" → "1.33.1-do.0"): the newest the API
 * offers. The offline plan's mocks answer the lookup with its own inputs (no `validVersions`),
 * so there the minor itself stands in; against the API an empty list means DigitalOcean no
 * longer offers that minor, which is an error worth stopping for.
 */
export function doksVersion(
  minor: string,
  found: { latestVersion?: string; validVersions?: string[] } | undefined,
): string {
  if (found?.latestVersion) return found.latestVersion;
  if (!Array.isArray(found?.validVersions)) return minor;
  throw new Error(
    `kubernetes.version: DigitalOcean offers no ${minor}.x release; pick a supported minor`,
  );
}
