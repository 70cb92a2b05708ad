import * as pulumi from "@pulumi/pulumi";

/**
 * The in-cluster data services (Postgres, Valkey, MinIO) stand in for a managed one only when
 * their config section says `self-hosted`; the composition never builds them otherwise.
 */
export function requireSelfHosted(section: string, mode: string, service: string): void {
  if (mode !== "self-hosted")
    throw new pulumi.InputPropertyError({
      propertyPath: `${section}.mode`,
      reason: `is "${mode}"; the in-cluster ${service} is built only for "self-hosted"`,
    });
}
