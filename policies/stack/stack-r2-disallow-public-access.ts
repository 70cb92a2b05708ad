import * as cloudflare from "@pulumi/cloudflare";
import { StackValidationPolicy } from "@pulumi/policy";
import { whenKnown } from "../lib/props";
import { namesBucket, r2BackupBuckets } from "../lib/r2";
import { describe, ofType } from "../lib/stack";

export const stackR2DisallowPublicAccess: StackValidationPolicy = {
  name: "stack-r2-disallow-public-access",
  description:
    "Self-hosted deployment §2.2 (least privilege) and infrastructure recommendations, Storage Strategy (private buckets, media by presigned URL or the CDN): R2 buckets are private unless a domain serves them, so no bucket has its r2.dev managed domain enabled, and no custom domain serves the backup bucket.",
  validateStack: (args, report) => {
    for (const d of ofType(args.resources, cloudflare.R2ManagedDomain))
      if (whenKnown(() => d.props.enabled !== false, true))
        report(
          `${describe(d)} enables public access to bucket ${String(d.props.bucketName)} at r2.dev: serve media through a custom domain behind the edge, or by presigned URL.`,
          d.urn,
        );
    const custom = ofType(args.resources, cloudflare.R2CustomDomain);
    for (const bucket of r2BackupBuckets(args.resources))
      for (const d of custom.filter((c) => namesBucket(c, bucket)))
        if (whenKnown(() => d.props.enabled !== false, true))
          report(
            `${describe(d)} serves the backup bucket ${describe(bucket)} publicly at ${String(d.props.domain)}.`,
            d.urn,
          );
  },
};
