import * as pulumi from "@pulumi/pulumi";
import { isFailoverStandby } from "../../config/region-schema";
import { backupSecretName, scratchSizeGb, type BackupDatabase } from "../backups";
import { StandbyRefresh } from "../backups/standby-refresh";
import { primarySource, type ReplicationSource } from "../region";
import type { DataTier } from "./data";
import type { PlatformScope } from "./namespaces";

/**
 * Why the primary's off-site copy does not feed this failover standby, or undefined when it does:
 * the primary (another cloud) must copy its backup bucket into this stack's backup bucket, same
 * endpoint host and bucket name (offsiteScript's layout `<bucket>/<primary's backup bucket>/`).
 */
export function offsiteMismatch(
  source: Pick<ReplicationSource, "provider" | "offsite" | "buckets">,
  own: { provider: string; endpoint: string; bucket: string },
  primaryStack: string,
): string | undefined {
  const host = (url: string) => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  };
  if (source.provider === own.provider)
    return `platform:multiRegion.primaryStack: a failover standby's primary is on another cloud; ${primaryStack} is on ${own.provider} too`;
  for (const purpose of ["backup", "media"])
    if (!source.buckets.some((b) => b.purpose === purpose))
      return `platform:multiRegion.primaryStack: ${primaryStack} has no ${purpose} bucket to feed this failover standby`;
  const want = `{endpoint: ${own.endpoint}, bucket: ${own.bucket}}`;
  const got = source.offsite;
  if (!got || host(got.endpoint) !== host(own.endpoint) || got.bucket !== own.bucket)
    return `platform:backups.offsite of stack ${primaryStack}: must be ${want}, this failover standby's backup bucket, which its copy feeds (got ${got ? `{endpoint: ${got.endpoint}, bucket: ${got.bucket}}` : "none"})`;
  return undefined;
}

/**
 * On a failover standby (a secondary on another cloud, config/region-schema.ts), the daily refresh
 * of its database and media from the primary's off-site copy. Not registered once the stack is
 * promoted (`multiRegion.role: primary`): its apps then write to its database.
 */
export function standbyRefresh(
  scope: PlatformScope,
  data: DataTier,
  database: BackupDatabase,
  opts: pulumi.ComponentResourceOptions,
): StandbyRefresh | undefined {
  const { name, config, cluster, names, placement } = scope;
  const primary = primarySource(config);
  if (!isFailoverStandby(config) || !primary || !data.backup || !data.media) return undefined;
  const primaryStack = config.multiRegion.primaryStack!;
  // Checked where it is used: a mismatch fails the deployment (and the offline plan) in one line.
  const buckets = pulumi
    .all([primary.source, data.backup.endpoint, data.backup.bucket])
    .apply(([source, endpoint, bucket]) => {
      const why = offsiteMismatch(
        source,
        { provider: config.provider, endpoint, bucket },
        primaryStack,
      );
      if (why) throw new pulumi.RunError(why);
      const named = (purpose: string) => source.buckets.find((b) => b.purpose === purpose)!.name;
      return { backup: named("backup"), media: named("media") };
    });
  return new StandbyRefresh(
    `${name}-standby-refresh`,
    {
      namespace: names.data,
      target: data.backup,
      media: data.media,
      primaryBackupBucket: buckets.backup,
      primaryMediaBucket: buckets.media,
      database,
      credentialsSecret: backupSecretName("platform"),
      storeInCluster: placement.objectStorage.mode === "self-hosted",
      schedule: config.backups.standbyRefreshSchedule,
      pools: cluster.pools,
      storageClass: cluster.storageClass,
      scratchGb: scratchSizeGb(config.database.storageGb),
    },
    opts,
  );
}
