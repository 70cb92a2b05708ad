import * as cloudflare from "@pulumi/cloudflare";
import type { StackValidation, StackValidationPolicy } from "@pulumi/policy";
import { whenKnown } from "../lib/props";
import { namesBucket, r2BackupBuckets } from "../lib/r2";
import { describe, ofType } from "../lib/stack";

/** Reports each R2 backup bucket without a lock that has an enabled rule. */
const requireBackupLock: StackValidation = (args, report) => {
  const locks = ofType(args.resources, cloudflare.R2BucketLock);
  for (const bucket of r2BackupBuckets(args.resources)) {
    const mine = locks.filter((l) => namesBucket(l, bucket));
    const rules = (l: (typeof mine)[number]) =>
      whenKnown(
        () => ((l.props.rules ?? []) as { enabled?: boolean }[]).some((r) => r.enabled),
        true,
      );
    if (mine.length === 0)
      report(
        `${describe(bucket)} has no bucket lock: R2 keeps no versions, so nothing stops a backup being deleted or overwritten.`,
        bucket.urn,
      );
    else if (!mine.some(rules))
      report(`${describe(bucket)}: its bucket lock has no enabled rule.`, bucket.urn);
  }
};

export const stackR2RequireBackupLock: StackValidationPolicy = {
  name: "stack-r2-require-backup-lock",
  description:
    "Infrastructure recommendations, File Storage Backups (versioning enabled, so deleted or overwritten backups stay recoverable): R2 keeps no object versions, so the versioning policies (stack-s3-require-versioning, digitalocean-spaces-require-versioning) do not apply to it; instead an R2 backup bucket has a bucket lock with at least one enabled rule, so its backups cannot be deleted or overwritten before their retention ends.",
  validateStack: requireBackupLock,
};
