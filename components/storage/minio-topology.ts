/**
 * Pure planning functions for the in-cluster MinIO: images, layout, server command line, access
 * policies and the bucket set-up script. No resources are created here.
 */
import type { StackConfig } from "../../config";

/**
 * Upstream stopped publishing MinIO binaries and images in 2025; this is the last published
 * community release (and the client's). See docs/minio.md for swapping in a managed store.
 */
export const MINIO_IMAGE = "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z";
export const MC_IMAGE = "quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z";

export const MINIO_API_PORT = 9000;
export const MINIO_CONSOLE_PORT = 9001;
/** Names of the in-cluster objects. */
export const MINIO_NAMES = {
  statefulSet: "minio",
  headless: "minio-hl",
  service: "minio",
  root: "minio-root",
  app: "minio-app",
  backup: "minio-backup",
  appPolicy: "app-media",
  backupPolicy: "backup-writer",
} as const;

export type Bucket = StackConfig["objectStorage"]["buckets"][number];

/** Volume of each server: the configured raw capacity spread evenly over the servers. */
export function minioVolumeGb(storageGb: number, servers: number): number {
  return Math.ceil(storageGb / servers);
}

/**
 * MinIO's default parity for an erasure set of `drives` drives (one drive per server here):
 * none for 1, EC:1 for 2-3, EC:2 for 4-5, EC:3 for 6-7, EC:4 from 8.
 */
export function minioParity(drives: number): number {
  if (drives <= 1) return 0;
  if (drives <= 3) return 1;
  if (drives <= 5) return 2;
  if (drives <= 7) return 3;
  return 4;
}

/** Capacity left for objects once parity is set aside; `storageGb` is raw capacity. */
export function minioUsableGb(storageGb: number, servers: number): number {
  const volume = minioVolumeGb(storageGb, servers);
  return volume * (servers - minioParity(servers));
}

/**
 * `minio server` arguments: one local drive for a single server (local, small), otherwise every
 * server of the StatefulSet by its stable DNS name with MinIO's `{0...N-1}` expansion.
 */
export function minioServerArgs(
  servers: number,
  namespace: string,
  clusterDomain: string,
): string[] {
  if (!Number.isInteger(servers) || servers < 1)
    throw new RangeError(`servers must be a positive whole number, got ${servers}`);
  const drives =
    servers === 1
      ? "/data"
      : `http://${MINIO_NAMES.statefulSet}-{0...${servers - 1}}.${MINIO_NAMES.headless}.${namespace}.svc.${clusterDomain}/data`;
  return [
    "server",
    "--address",
    `:${MINIO_API_PORT}`,
    "--console-address",
    `:${MINIO_CONSOLE_PORT}`,
    // The root filesystem is read-only; MinIO's default certificate directory is under $HOME.
    "--certs-dir",
    "/tmp/certs",
    drives,
  ];
}

export interface IamPolicy {
  Version: "2012-10-17";
  Statement: { Effect: "Allow"; Action: string[]; Resource: string[] }[];
}

/** An IAM policy: read and write on `readWrite` buckets, read only on `readOnly` ones. */
export function bucketPolicy(readWrite: string[], readOnly: string[] = []): IamPolicy {
  const arns = (names: string[]) =>
    names.flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]);
  const statements: IamPolicy["Statement"] = [];
  if (readWrite.length)
    statements.push({
      Effect: "Allow",
      Action: [
        "s3:GetBucketLocation",
        "s3:ListBucket",
        "s3:ListBucketMultipartUploads",
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:ListMultipartUploadParts",
        "s3:AbortMultipartUpload",
      ],
      Resource: arns(readWrite),
    });
  if (readOnly.length)
    statements.push({
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:GetObject"],
      Resource: arns(readOnly),
    });
  if (!statements.length) throw new RangeError("a policy needs at least one bucket");
  return { Version: "2012-10-17", Statement: statements };
}

/** Buckets of a purpose, by name. */
export function bucketsFor(buckets: readonly Bucket[], purpose: Bucket["purpose"]): string[] {
  return buckets.filter((b) => b.purpose === purpose).map((b) => b.name);
}

/**
 * The bucket set-up script, run by a Job with `mc`. Every step can run again: buckets are made only
 * when missing, lifecycle rules are replaced, users and policies are updated in place.
 * - Versioning on every bucket (tiers document, File Storage Backups: "Versioning enabled").
 * - Noncurrent versions expire after `noncurrentVersionDays` (30: "Previous versions: 30 days",
 *   "Deleted files: 30 days (soft delete)"), and delete markers left alone are removed.
 * - `archiveAfterDays` (archive after a year) is not applied: this MinIO has no colder tier to move
 *   objects to, and expiring them instead would delete current files. See docs/minio.md.
 * - No bucket quota: the documented quotas (1 GB free, 10 GB pro) are per user, which the
 *   application enforces; a MinIO quota is per bucket and would stop every user at once.
 * Expects the `minio` alias in MC_HOST_minio, policies in /config, and the users' keys in
 * APP_ACCESS_KEY / APP_SECRET_KEY / BACKUP_ACCESS_KEY / BACKUP_SECRET_KEY.
 */
export function bucketJobScript(buckets: readonly Bucket[]): string {
  for (const b of buckets)
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b.name))
      throw new RangeError(`not an S3 bucket name: ${b.name}`);
  const lines = [
    "set -eu",
    "tries=0",
    `until mc ls minio >/dev/null 2>&1; do`,
    `  tries=$((tries + 1)); [ "$tries" -lt 60 ] || { echo "MinIO not ready" >&2; exit 1; }; sleep 5`,
    "done",
  ];
  for (const b of buckets) {
    const target = `minio/${b.name}`;
    lines.push(
      `mc mb --ignore-existing ${target}`,
      `mc version enable ${target}`,
      // Replace the rules rather than add to them, so a second run does not duplicate them.
      `mc ilm rule rm --all --force ${target} >/dev/null 2>&1 || true`,
      `mc ilm rule add --noncurrent-expire-days ${b.noncurrentVersionDays} ${target}`,
      `mc ilm rule add --expire-delete-marker ${target}`,
    );
  }
  const user = (policy: string, key: string, secret: string) => [
    `mc admin policy create minio ${policy} /config/${policy}.json`,
    `mc admin user add minio "$${key}" "$${secret}"`,
    // Attaching a policy that is already attached is an error; the check below is what counts.
    `mc admin policy attach minio ${policy} --user "$${key}" >/dev/null 2>&1 || true`,
    `mc admin user info minio "$${key}" | grep -q ${policy}`,
  ];
  lines.push(
    ...user(MINIO_NAMES.appPolicy, "APP_ACCESS_KEY", "APP_SECRET_KEY"),
    ...user(MINIO_NAMES.backupPolicy, "BACKUP_ACCESS_KEY", "BACKUP_SECRET_KEY"),
  );
  return `${lines.join("\n")}\n`;
}

export interface MinioResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/**
 * A single server sharing its node (laptop, small VPS) is small; servers with a storage node of
 * their own, or distributed ones, get a storage node's share: the self-hosted design's one storage
 * node (8 cores, 32 GB) runs one server with its whole disk.
 */
export function minioResources(servers: number, storageNode = false): MinioResources {
  return servers === 1 && !storageNode
    ? { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "2Gi" } }
    : { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "4", memory: "16Gi" } };
}
