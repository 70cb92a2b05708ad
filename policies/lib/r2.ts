import * as cloudflare from "@pulumi/cloudflare";
import type { PolicyResource } from "@pulumi/policy";
import { ofType, refersTo } from "./stack";

/**
 * The stack's R2 backup bucket(s). R2 buckets carry no tags, so the purpose is read from the
 * resource name: components/edge/r2.ts names each bucket `<component>-<purpose>`.
 */
export function r2BackupBuckets(resources: PolicyResource[]): PolicyResource[] {
  return ofType(resources, cloudflare.R2Bucket).filter((b) => b.name.endsWith("-backup"));
}

/** True when `companion`'s `bucketName` names `bucket` (by dependency or by the bucket's name). */
export function namesBucket(companion: PolicyResource, bucket: PolicyResource): boolean {
  return refersTo(companion, "bucketName", bucket, ["name"]);
}
