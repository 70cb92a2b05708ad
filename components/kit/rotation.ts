import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as time from "@pulumiverse/time";

/**
 * How often generated secrets are replaced (tiers document, Secrets Management "Rotation":
 * database passwords every 90 days, API keys every 180 days).
 */
export interface RotationPeriods {
  /** Days a database or data-store password lives. @default 90 */
  databaseDays: number;
  /** Days a generated API key (object-store keys, app signing keys) lives. @default 180 */
  apiKeyDays: number;
}

/** The documented periods, for a component whose caller gives none. */
export const DOCUMENTED_ROTATION: RotationPeriods = { databaseDays: 90, apiKeyDays: 180 };

/** Which of the documented periods a secret follows. */
export type SecretKind = "database" | "apiKey";

/** Days a secret of `kind` lives under `periods`. */
export function rotationDays(kind: SecretKind, periods: RotationPeriods): number {
  return kind === "database" ? periods.databaseDays : periods.apiKeyDays;
}

/**
 * A generated password that an update after its period replaces. A `time.Rotating` holds the date:
 * once it has passed, reading the resource drops it from state and the update creates it again
 * with a new date (https://registry.terraform.io/providers/hashicorp/time/latest/docs/resources/rotating).
 * Pulumi reads a resource's state only on a refresh, so the expiry is seen by `pulumi up --refresh`
 * (or a `pulumi refresh` before the update). The password keeps the date as a keeper, and a changed
 * keeper replaces a RandomPassword (pulumi-random `keepers`: "Arbitrary map of values that, when
 * changed, will trigger recreation of resource").
 *
 * Consumers read the password from a Kubernetes Secret whose data changes in place, so the
 * protected StatefulSets and clusters that mount it are updated, never replaced.
 */
export function rotatingPassword(
  name: string,
  args: { kind: SecretKind; periods: RotationPeriods; length: number },
  opts: pulumi.CustomResourceOptions,
): random.RandomPassword {
  const rotation = new time.Rotating(
    `${name}-rotation`,
    { rotationDays: rotationDays(args.kind, args.periods) },
    opts,
  );
  return new random.RandomPassword(
    name,
    { length: args.length, special: false, keepers: { rotation: rotation.rotationRfc3339 } },
    opts,
  );
}

/** Annotation of a pod template whose environment comes from a Secret that rotates. */
export const SECRET_CHECKSUM = "platform/secret-sha256";

/**
 * SHA-256 of a Secret's values, for a pod template's `SECRET_CHECKSUM` annotation: pods read a
 * Secret's env only at start, so a rotated value must roll them (a rolling update keeps replicas
 * serving). The digest is kept secret: it is derived from secret values.
 */
export function secretChecksum(
  data: pulumi.Input<Record<string, pulumi.Input<string>>>,
): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.output(data).apply((values) =>
      createHash("sha256")
        .update(JSON.stringify(Object.entries(values).sort(([a], [b]) => a.localeCompare(b))))
        .digest("hex"),
    ),
  );
}
