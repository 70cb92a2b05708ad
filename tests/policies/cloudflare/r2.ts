/** A compliant R2 object store, as components/edge/r2.ts builds it: private buckets, a locked backup bucket. */
import type { Fixture } from "../harness";

export const R2 = {
  bucket: "cloudflare:index/r2Bucket:R2Bucket",
  lock: "cloudflare:index/r2BucketLock:R2BucketLock",
  managedDomain: "cloudflare:index/r2ManagedDomain:R2ManagedDomain",
  customDomain: "cloudflare:index/r2CustomDomain:R2CustomDomain",
} as const;

const ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353";

export function r2Stack(): Fixture[] {
  return [
    { type: R2.bucket, name: "r2-media", props: { accountId: ACCOUNT, name: "p-media" } },
    { type: R2.bucket, name: "r2-backup", props: { accountId: ACCOUNT, name: "p-backup" } },
    {
      type: R2.lock,
      name: "r2-backup-lock",
      props: {
        accountId: ACCOUNT,
        bucketName: "p-backup",
        rules: [
          {
            id: "dumps-daily",
            enabled: true,
            prefix: "pg_dump/daily/",
            condition: { type: "Age", maxAgeSeconds: 2592000 },
          },
        ],
      },
      refs: { bucketName: ["r2-backup"] },
    },
  ];
}

/** A domain of `type` serving bucket `bucket` (a fixture name of r2Stack). */
export function r2Domain(
  type: string,
  bucket: string,
  props: Record<string, unknown> = {},
): Fixture {
  return {
    type,
    name: `${bucket}-domain`,
    props: {
      accountId: ACCOUNT,
      bucketName: `p-${bucket.replace("r2-", "")}`,
      enabled: true,
      ...props,
    },
    refs: { bucketName: [bucket] },
  };
}
