import * as pulumi from "@pulumi/pulumi";
import * as cloudflare from "@pulumi/cloudflare";
import type { StackConfig } from "../../config";
import type { ManagedObjectStorage } from "../contract";
import { physicalName } from "../kit/naming";
import {
  r2Endpoint,
  r2LifecycleRules,
  r2LockRules,
  r2SecretAccessKey,
  r2TokenResources,
  R2_BUCKET_ITEM_WRITE,
  R2_REGION,
} from "./r2-rules";

type BucketConfig = StackConfig["objectStorage"]["buckets"][number];

export interface R2StorageArgs {
  /** The Cloudflare account that owns the buckets and tokens (edge.accountId). @example "023e105f4ecef8ad9ca31a8372d0c353" */
  accountId: string;
  /** Start of every bucket's and token's name, unique within the account. @example "platform-production" */
  prefix: string;
  /** Buckets by purpose (objectStorage.buckets). @example [{ name: "media", purpose: "media", ... }] */
  buckets: BucketConfig[];
  /** Dump periods of the backup bucket, expired by lifecycle and locked for their lifetime. */
  backups: StackConfig["backups"];
  /** Location hint near the stack's region (r2-rules.ts `r2LocationHint`); none lets R2 choose. @example "weur" */
  location?: string;
  /** Data expected in the buckets, GB, for the estimate beyond the free 10 GB. @example 500 */
  storageGb: number;
}

/**
 * Cloudflare R2 as the stack's managed object store, where the cloud has none: a private bucket
 * per purpose near the stack's region, with the documents' lifecycle (abort stale multipart
 * uploads, archive to Infrequent Access, expire each dump period); a lock on the backup bucket's
 * dumps, since R2 has no object versioning to keep what is deleted or overwritten; and two
 * account API tokens as S3 keys, one for the backup writers scoped to these buckets and one for
 * the apps scoped to the media bucket. No r2.dev or custom domain: the buckets stay private.
 * Cost: $0.015 per GB-month of Standard storage beyond the free 10 GB, egress free
 * (catalog/cloudflare.ts `r2`); operations are not estimated.
 */
export class R2Storage extends pulumi.ComponentResource {
  public readonly storage: ManagedObjectStorage;

  constructor(name: string, args: R2StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    // What the buckets cost is what they hold (plan/pricers/cloudflare.ts).
    super("platform:edge:R2Storage", name, { storageGb: args.storageGb }, opts);
    const parent = { parent: this };
    const accountId = args.accountId;

    const buckets = args.buckets.map((bucket) => {
      // Named by purpose: the policy pack finds the backup bucket by its `-backup` name
      // (policies/lib/r2.ts).
      const resource = new cloudflare.R2Bucket(
        `${name}-${bucket.purpose}`,
        {
          accountId,
          // R2 bucket names: 3-63 of a-z, 0-9 and -, unique within the account.
          name: physicalName([args.prefix, bucket.name], 63),
          location: args.location,
          storageClass: "Standard",
        },
        // R2 refuses to delete a bucket that holds objects; protect keeps the stack from trying.
        // Name and location are fixed when the bucket is made (the location only then honoured).
        { ...parent, protect: true, ignoreChanges: ["name", "location"] },
      );
      new cloudflare.R2BucketLifecycle(
        `${name}-${bucket.purpose}-lifecycle`,
        { accountId, bucketName: resource.name, rules: r2LifecycleRules(bucket, args.backups) },
        parent,
      );
      if (bucket.purpose === "backup")
        new cloudflare.R2BucketLock(
          `${name}-${bucket.purpose}-lock`,
          { accountId, bucketName: resource.name, rules: r2LockRules(args.backups) },
          { ...parent, protect: true },
        );
      return { bucket, resource };
    });

    // Least privilege (self-hosted §2.2): each token reaches its buckets and nothing else.
    const token = (role: string, scoped: cloudflare.R2Bucket[]) => {
      const t = new cloudflare.AccountToken(
        `${name}-${role}-token`,
        {
          accountId,
          name: `${args.prefix}-${role}`,
          policies: [
            {
              effect: "allow",
              permissionGroups: [{ id: R2_BUCKET_ITEM_WRITE }],
              resources: pulumi
                .all(scoped.map((b) => b.name))
                .apply((names) => r2TokenResources(accountId, names)),
            },
          ],
        },
        parent,
      );
      return {
        kind: "keys" as const,
        accessKeyId: t.id,
        secretAccessKey: pulumi.secret(t.value.apply(r2SecretAccessKey)),
      };
    };
    const media = buckets.find((b) => b.bucket.purpose === "media");

    this.storage = {
      endpoint: r2Endpoint(accountId),
      region: R2_REGION,
      buckets: Object.fromEntries(buckets.map((b) => [b.bucket.purpose, b.resource.name])),
      credentials: token(
        "platform",
        buckets.map((b) => b.resource),
      ),
      // The apps' own token reaches the media bucket only: an app can never touch the backups.
      appCredentials: media && token("apps", [media.resource]),
    };
    this.registerOutputs({ endpoint: this.storage.endpoint });
  }
}
