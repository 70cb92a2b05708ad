import { createHash } from "crypto";
import type * as cloudflare from "@pulumi/cloudflare";
import type { Provider } from "../../catalog/types";
import type { StackConfig } from "../../config";
import { retentionPlan } from "../backups/retention";

// Pure planning for Cloudflare R2 as the stack's managed object store (./r2.ts): where the buckets
// live, what their lifecycle and lock rules say, and how an API token becomes S3 keys.

type BucketConfig = StackConfig["objectStorage"]["buckets"][number];
type LifecycleRule = cloudflare.types.input.R2BucketLifecycleRule;
type LockRule = cloudflare.types.input.R2BucketLockRule;

const DAY_SECONDS = 86_400;

/** The S3 region of every R2 bucket (https://developers.cloudflare.com/r2/api/s3/api/). */
export const R2_REGION = "auto";

/**
 * "Workers R2 Storage Bucket Item Write": object read, write and list in the buckets a token's
 * policy names. The id is Cloudflare's, listed by GET /accounts/{account_id}/tokens/permission_groups
 * (https://developers.cloudflare.com/fundamentals/api/reference/permissions/).
 */
export const R2_BUCKET_ITEM_WRITE = "2efd5506f9c8494dacb1fa10a3e7d5b6";

/**
 * Location hints near the stack's region (https://developers.cloudflare.com/r2/reference/data-location/):
 * Hetzner's German sites are Western Europe, Helsinki the nearer of the two European hints to it.
 * A region not listed (an existing cluster's own label) gets none: R2 then places the bucket near
 * the request that creates it.
 */
const LOCATION_HINTS: Partial<Record<Provider, Record<string, string>>> = {
  hetzner: { fsn1: "weur", nbg1: "weur", hel1: "eeur" },
};

/** The R2 location hint for a stack's region, or undefined where none is near. */
export function r2LocationHint(provider: Provider, region: string): string | undefined {
  return LOCATION_HINTS[provider]?.[region];
}

/** The account's S3 API endpoint (https://developers.cloudflare.com/r2/api/tokens/). */
export function r2Endpoint(accountId: string): string {
  return `https://${accountId}.r2.cloudflarestorage.com`;
}

/**
 * A token policy's resource for one bucket: `<account>_<jurisdiction>_<bucket>` under R2's own
 * namespace, not the account's (buckets here use the default jurisdiction).
 */
export function r2BucketResource(accountId: string, bucket: string): string {
  return `com.cloudflare.edge.r2.bucket.${accountId}_default_${bucket}`;
}

/** The resources JSON of a token that reaches `buckets` and nothing else. */
export function r2TokenResources(accountId: string, buckets: readonly string[]): string {
  return JSON.stringify(
    Object.fromEntries(buckets.map((b) => [r2BucketResource(accountId, b), "*"])),
  );
}

/**
 * The S3 secret access key of an R2 API token: the SHA-256 hex digest of the token's value; the
 * access key id is the token's id (https://developers.cloudflare.com/r2/api/tokens/).
 */
export function r2SecretAccessKey(tokenValue: string): string {
  return createHash("sha256").update(tokenValue).digest("hex");
}

/**
 * The documents' retention where R2 can express it: incomplete multipart uploads aborted after 7
 * days; objects moved to Infrequent Access after `archiveAfterDays` (Retention Policies: archive
 * after a year); on the backup bucket each dump period expired after its lifetime
 * (components/backups/retention.ts). R2 keeps no object versions, so `noncurrentVersionDays` has
 * nothing to expire here: the backup bucket's lock (`r2LockRules`) stands in for versioning.
 */
export function r2LifecycleRules(
  bucket: BucketConfig,
  backups: StackConfig["backups"],
): LifecycleRule[] {
  const all = { prefix: "" };
  const rules: LifecycleRule[] = [
    {
      id: "abort-multipart",
      enabled: true,
      conditions: all,
      abortMultipartUploadsTransition: { condition: { type: "Age", maxAge: 7 * DAY_SECONDS } },
    },
  ];
  if (bucket.archiveAfterDays > 0)
    rules.push({
      id: "archive",
      enabled: true,
      conditions: all,
      storageClassTransitions: [
        {
          condition: { type: "Age", maxAge: bucket.archiveAfterDays * DAY_SECONDS },
          storageClass: "InfrequentAccess",
        },
      ],
    });
  if (bucket.purpose === "backup")
    for (const period of retentionPlan(backups))
      rules.push({
        id: `dumps-${period.period}`,
        enabled: true,
        conditions: { prefix: period.prefix },
        deleteObjectsTransition: {
          condition: { type: "Age", maxAge: period.expireDays * DAY_SECONDS },
        },
      });
  return rules;
}

/**
 * The backup bucket's lock, R2's stand-in for the versioning it lacks: no dump can be deleted or
 * overwritten before its period's lifetime ends, after which the lifecycle rule expires it. The
 * WAL archive and the media mirror delete and overwrite by design (barman's retention, `mc mirror
 * --remove`), so they stay unlocked (https://developers.cloudflare.com/r2/buckets/bucket-locks/).
 */
export function r2LockRules(backups: StackConfig["backups"]): LockRule[] {
  return retentionPlan(backups).map((period) => ({
    id: `dumps-${period.period}`,
    enabled: true,
    prefix: period.prefix,
    condition: { type: "Age", maxAgeSeconds: period.expireDays * DAY_SECONDS },
  }));
}
