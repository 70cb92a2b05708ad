/** Spaces buckets: their global names, lifecycle rules and S3 endpoint. */
import { type StackConfig } from "../../config";
import { retentionPlan } from "../backups/retention";
import { physicalName } from "../kit/naming";

/**
 * Spaces bucket names are global across every DigitalOcean customer: the stack's domain (which
 * only its owner controls), the stack and the bucket's config name make one nobody else takes.
 */
export function spacesBucketName(domain: string, stack: string, bucket: string): string {
  return physicalName([domain.replace(/\./g, "-"), stack, bucket], 63);
}

type BucketConfig = StackConfig["objectStorage"]["buckets"][number];

export interface LifecycleRule {
  id: string;
  enabled: true;
  prefix?: string;
  abortIncompleteMultipartUploadDays?: number;
  expiration?: { days?: number; expiredObjectDeleteMarker?: boolean };
  noncurrentVersionExpiration?: { days: number };
}

/**
 * Lifecycle of a bucket. Every bucket: previous versions and deleted files kept
 * `noncurrentVersionDays` (tiers document, File Storage Backups: 30 days), delete markers with
 * nothing behind them removed, unfinished multipart uploads dropped after 7 days. The backup
 * bucket also expires each dump tier at its lifetime (components/backups/retention.ts), so the backup
 * jobs need not prune. Spaces has no colder storage class, so `archiveAfterDays` has no rule here.
 */
export function bucketLifecycle(
  bucket: BucketConfig,
  backups: StackConfig["backups"],
): LifecycleRule[] {
  const rules: LifecycleRule[] = [
    {
      id: "versions",
      enabled: true,
      abortIncompleteMultipartUploadDays: 7,
      expiration: { expiredObjectDeleteMarker: true },
      noncurrentVersionExpiration: { days: bucket.noncurrentVersionDays },
    },
  ];
  if (bucket.purpose === "backup")
    for (const tier of retentionPlan(backups).filter((t) => t.keep > 0))
      rules.push({
        id: `dumps-${tier.period}`,
        enabled: true,
        prefix: tier.prefix,
        expiration: { days: tier.expireDays },
      });
  return rules;
}

/** Spaces' S3 endpoint of a region. */
export function spacesEndpoint(region: string): string {
  return `https://${region}.digitaloceanspaces.com`;
}
