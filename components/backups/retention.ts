/**
 * Pure planning for the backup jobs: what is kept how long, under which prefix, and the shell each
 * job runs. No resources are created here.
 */
import type { StackConfig } from "../../config";
import { postgresImages, type PostgresMajor } from "../database/cnpg";
import { ROW_COUNT_SQL, shellQuote } from "./row-counts";

export type BackupsConfig = StackConfig["backups"];

/** Postgres client images, one per server major (pg_dump must be at least the server's version). */
export const POSTGRES_CLIENT_IMAGES = postgresImages((minor) => `postgres:${minor}-alpine`);
export type { PostgresMajor };

/**
 * MinIO client, from quay.io: Docker Hub stopped serving minio/mc in 2026. Self-hosted §3.1/§3.2
 * use `mc` for the MinIO copies, and `mc rm --older-than` prunes where no lifecycle rule does.
 */
export const MC_IMAGE = "quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z";

/** AWS CLI, for stores reached through an IAM role (IRSA): `mc` cannot assume web-identity roles. */
export const AWS_CLI_IMAGE = "public.ecr.aws/aws-cli/aws-cli:2.32.23";

/**
 * rclone, for the off-site copy out of a store reached through an IAM role: one process that reads
 * S3 with the pod's web-identity role (`env_auth`, "run rclone in an EKS pod with an IAM role that is
 * associated with a service account": rclone/rclone docs/content/s3.md, Authentication) and writes
 * to another provider's endpoint with static keys, which neither `mc` nor the AWS CLI can do.
 */
export const RCLONE_IMAGE = "rclone/rclone:1.75.1";

/** Key prefix of the dumps in the backup bucket, apart from CloudNativePG's base backups under postgres/. */
export const DUMP_PREFIX = "pg_dump";
/** Object key prefix of the media mirror inside the backup bucket. */
export const FILES_PREFIX = "files";

/** One retention period of the database dumps: its prefix, how many copies, and their lifetime. */
export interface RetentionPeriod {
  period: BackupPeriod;
  /** Key prefix inside the backup bucket, with a trailing slash. @example "pg_dump/daily/" */
  prefix: string;
  /** Copies the tiers document keeps (7 daily, 4 weekly, 12 monthly). */
  keep: number;
  /** Days a copy lives before it is deleted (bucket lifecycle rule or `mc rm --older-than`). */
  expireDays: number;
}

/** The backup periods, each with its own prefix and number of copies. */
export type BackupPeriod = "daily" | "weekly" | "monthly";

/** Longest gap between two copies of a period: a day, a week, the longest month. */
export const PERIOD_DAYS = { daily: 1, weekly: 7, monthly: 31 } as const;

/**
 * Tiers document, Backup Strategy: daily full backups kept 7 days, weekly 4 weeks, monthly 12
 * months. Every dump goes under `daily/`, Sunday's also under `weekly/`, the 1st's also under
 * `monthly/`. A copy lives `keep` periods, so `keep` copies exist at every moment even
 * when the newest is a whole period old (one more right after a new copy lands): 7 days, 28 days,
 * 372 days. Self-hosted §3.1 keeps every dump RETENTION_DAYS (30) days, so no period expires sooner
 * than `databaseRetentionDays`: the daily period then holds 30 copies, which includes the 7.
 * A period with `keep` 0 (staging: daily only) writes nothing.
 */
export function retentionPlan(backups: BackupsConfig): RetentionPeriod[] {
  const periods = (["daily", "weekly", "monthly"] as const).map((period) => ({
    period,
    prefix: `${DUMP_PREFIX}/${period}/`,
    keep: backups[period],
    expireDays: Math.max(backups[period] * PERIOD_DAYS[period], backups.databaseRetentionDays),
  }));
  return periods.filter((t) => t.keep > 0);
}

/** Whether a dump taken on `date` (UTC) is also written to `period`. */
export function periodApplies(period: BackupPeriod, date: Date): boolean {
  switch (period) {
    case "daily":
      return true;
    case "weekly":
      return date.getUTCDay() === 0;
    case "monthly":
      return date.getUTCDate() === 1;
  }
}

/**
 * `mc rm --older-than` value for a period: half a day short of its lifetime, so the copy taken the
 * same hour `expireDays` ago is removed even when today's run started a few minutes earlier.
 */
export function olderThan(period: RetentionPeriod): string {
  return `${period.expireDays * 24 - 12}h`;
}

/** How the jobs reach the backup store: `mc` (static keys) or the AWS CLI (IAM role). */
export type StoreTool = "mc" | "aws";

/** Exports the dump's snapshot; the WAL insert position and the time are read right after it. */
const SNAPSHOT_SQL =
  "SELECT pg_export_snapshot() || E'\\t' || CASE WHEN pg_is_in_recovery() THEN '' ELSE pg_current_wal_insert_lsn()::text END || E'\\t' || clock_timestamp();";

/**
 * The dump step (first container): pg_dump in custom format, compressed with gzip as in self-hosted
 * §3.1, so `pg_restore` can restore single tables. Connection settings come from PG* variables.
 * Beside the dump it writes `<name>.counts`, the rows of every table (ROW_COUNT_SQL) counted in the
 * very snapshot pg_dump reads (one psql session exports it and stays open: `pg_dump --snapshot`),
 * headed by the WAL insert position and the time read right after the export, which the monthly
 * restore check (./restore-check.ts) compares a restore with. TMPDIR holds the session's pipe.
 */
export function dumpScript(dir = "/backup"): string {
  return [
    "set -eu",
    // One reading of the clock: the name and the tiers agree even if the dump runs past midnight.
    'now="$(date -u +%Y%m%d_%H%M%S:%u:%d)"',
    'stamp="${now%%:*}"',
    `echo "\${now#*:}" | cut -d: -f1 > ${dir}/WEEKDAY`,
    `echo "\${now#*:}" | cut -d: -f2 > ${dir}/MONTHDAY`,
    `file="${dir}/\${PGDATABASE}_\${stamp}.dump.gz"`,
    `counts="${dir}/\${PGDATABASE}_\${stamp}.counts"`,
    'session_in="${TMPDIR:-/tmp}/snapshot-session"',
    'rm -f "$session_in" && mkfifo "$session_in"',
    `psql -X -q -At -v ON_ERROR_STOP=1 < "$session_in" > ${dir}/SNAPSHOT &`,
    "session=$!",
    'exec 3> "$session_in"',
    "printf '%s\\n' 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;' >&3",
    // A standby has no insert position: its dumps can still be checked, not replayed to.
    `printf '%s\\n' ${shellQuote(SNAPSHOT_SQL)} >&3`,
    "waited=0",
    `until [ -s ${dir}/SNAPSHOT ]; do`,
    '  if ! kill -0 "$session" 2>/dev/null || [ "$waited" -ge 120 ]; then echo "no snapshot from psql" >&2; exit 1; fi',
    "  sleep 1; waited=$((waited + 1))",
    "done",
    `tab="$(printf '\\t')"`,
    `IFS="$tab" read -r snapshot lsn at < ${dir}/SNAPSHOT`,
    // -Z0: pg_dump's own compression off; gzip does it, so the file is an ordinary .gz.
    // pipefail is not POSIX: the exit status of pg_dump is checked through a marker file instead.
    `{ pg_dump --format=custom --compress=0 --no-password --snapshot="$snapshot" || echo failed > ${dir}/DUMP_FAILED; } | gzip -6 > "$file"`,
    `if [ -e ${dir}/DUMP_FAILED ]; then echo "pg_dump failed" >&2; exit 1; fi`,
    'gzip -t "$file"',
    `printf '%s\\n' '\\o ${dir}/COUNTS' >&3`,
    `printf '%s;\\n' ${shellQuote(ROW_COUNT_SQL)} >&3`,
    "printf '%s\\n' 'COMMIT;' >&3",
    "exec 3>&-",
    'wait "$session"',
    `printf '#lsn\\t%s\\n#time\\t%s\\n' "$lsn" "$at" | cat - ${dir}/COUNTS > "$counts"`,
    `basename "$file" > ${dir}/NAME`,
  ].join("\n");
}

/**
 * The upload step (second container): copies the dump to `daily/`, on Sundays also `weekly/`, on
 * the 1st also `monthly/`, then prunes each period unless the bucket's lifecycle rules expire them.
 * Variables: TARGET_URL (endpoint), BACKUP_BUCKET, and the tool's credentials.
 */
export function uploadScript(
  periods: RetentionPeriod[],
  tool: StoreTool,
  prune: boolean,
  dir = "/backup",
): string {
  const lines = [
    "set -eu",
    `name="$(cat ${dir}/NAME)"`,
    'counts="${name%.dump.gz}.counts"',
    `weekday="$(cat ${dir}/WEEKDAY)"`,
    `monthday="$(cat ${dir}/MONTHDAY)"`,
  ];
  if (tool === "mc")
    lines.push(
      'mc alias set target "$TARGET_URL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" --api S3v4 >/dev/null',
    );
  const copyOne = (prefix: string, file: string) =>
    tool === "mc"
      ? `mc cp --quiet "${dir}/${file}" "target/$BACKUP_BUCKET/${prefix}${file}"`
      : `aws s3 cp --only-show-errors --endpoint-url "$TARGET_URL" "${dir}/${file}" "s3://$BACKUP_BUCKET/${prefix}${file}"`;
  // The row-count manifest first: a dump is only ever listed with its manifest beside it.
  const copy = (prefix: string) => `${copyOne(prefix, "$counts")} && ${copyOne(prefix, "$name")}`;
  for (const t of periods) {
    const condition =
      t.period === "weekly"
        ? '[ "$weekday" = 7 ]'
        : t.period === "monthly"
          ? '[ "$monthday" = 01 ]'
          : "";
    lines.push(condition ? `if ${condition}; then ${copy(t.prefix)}; fi` : copy(t.prefix));
  }
  if (prune) {
    if (tool !== "mc")
      throw new RangeError(
        "pruning by the job needs mc; S3 buckets expire dumps with lifecycle rules",
      );
    for (const t of periods)
      lines.push(
        `mc rm --recursive --force --older-than ${olderThan(t)} "target/$BACKUP_BUCKET/${t.prefix}"`,
      );
  }
  lines.push('echo "uploaded $name"');
  return lines.join("\n");
}

/**
 * The media mirror (self-hosted §3.2: `mc mirror` hourly, file storage RPO 1 hour). Deletions
 * propagate (`--remove`, `--delete`), so the copy holds what the media bucket holds; the backup
 * bucket is versioned and expires noncurrent versions after its `noncurrentVersionDays` (30), so a
 * file deleted from the media bucket stays restorable from the copy for 30 days and is then gone
 * (tiers document, File Storage Backups: "Deleted files: 30 days (soft delete)").
 * Variables: SOURCE_URL, MEDIA_BUCKET, TARGET_URL, BACKUP_BUCKET and the credentials of both.
 */
export function mirrorScript(tool: StoreTool): string {
  if (tool === "aws")
    return [
      "set -eu",
      // One endpoint for both buckets: the AWS CLI cannot copy between two endpoints.
      `aws s3 sync --delete --only-show-errors --endpoint-url "$TARGET_URL" "s3://$MEDIA_BUCKET/" "s3://$BACKUP_BUCKET/${FILES_PREFIX}/$MEDIA_BUCKET/"`,
      'echo "mirrored $MEDIA_BUCKET"',
    ].join("\n");
  return [
    "set -eu",
    'mc alias set source "$SOURCE_URL" "$SOURCE_ACCESS_KEY_ID" "$SOURCE_SECRET_ACCESS_KEY" --api S3v4 >/dev/null',
    'mc alias set target "$TARGET_URL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" --api S3v4 >/dev/null',
    `mc mirror --overwrite --remove --quiet "source/$MEDIA_BUCKET" "target/$BACKUP_BUCKET/${FILES_PREFIX}/$MEDIA_BUCKET"`,
    'echo "mirrored $MEDIA_BUCKET"',
  ].join("\n");
}

/**
 * The off-site copy (self-hosted §3.1, "upload to remote storage"; tiers document, Backup Strategy,
 * "Secondary: Different cloud provider"): the whole backup bucket, i.e. the dumps, CloudNativePG's
 * base backups and WAL, and the media mirror, copied to a bucket at another site. Deletions follow
 * the backup bucket's own retention (`--remove`, `rclone sync`), so the copy does not grow without
 * bound; the off-site bucket's versioning keeps what was removed for a while. With static keys on
 * both sides `mc mirror` copies; out of S3 reached through an IAM role, rclone (RCLONE_IMAGE).
 * Variables: TARGET_URL, BACKUP_BUCKET, AWS_REGION, OFFSITE_URL, OFFSITE_REGION, OFFSITE_BUCKET,
 * the off-site keys and, with `mc`, the target's keys.
 */
export function offsiteScript(tool: StoreTool = "mc"): string {
  if (tool === "aws")
    return [
      "set -eu",
      // Remotes from the environment (rclone's RCLONE_CONFIG_<NAME>_<OPTION>), no config file.
      "export RCLONE_CONFIG_BACKUP_TYPE=s3 RCLONE_CONFIG_BACKUP_PROVIDER=AWS RCLONE_CONFIG_BACKUP_ENV_AUTH=true",
      'export RCLONE_CONFIG_BACKUP_REGION="$AWS_REGION" RCLONE_CONFIG_BACKUP_ENDPOINT="$TARGET_URL"',
      // SSE-KMS objects carry an ETag that is no MD5; rclone must not check it as one.
      "export RCLONE_CONFIG_BACKUP_SERVER_SIDE_ENCRYPTION=aws:kms",
      "export RCLONE_CONFIG_OFFSITE_TYPE=s3 RCLONE_CONFIG_OFFSITE_PROVIDER=Other RCLONE_CONFIG_OFFSITE_ENV_AUTH=false",
      'export RCLONE_CONFIG_OFFSITE_ENDPOINT="$OFFSITE_URL" RCLONE_CONFIG_OFFSITE_REGION="$OFFSITE_REGION"',
      'export RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID="$OFFSITE_ACCESS_KEY_ID" RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY="$OFFSITE_SECRET_ACCESS_KEY"',
      // The bucket exists (made with its keys, outside this program): no CreateBucket needed.
      "export RCLONE_CONFIG_OFFSITE_NO_CHECK_BUCKET=true",
      'rclone sync --fast-list --stats-log-level NOTICE "backup:$BACKUP_BUCKET" "offsite:$OFFSITE_BUCKET/$BACKUP_BUCKET"',
      'echo "copied $BACKUP_BUCKET off site"',
    ].join("\n");
  return [
    "set -eu",
    'mc alias set target "$TARGET_URL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" --api S3v4 >/dev/null',
    'mc alias set offsite "$OFFSITE_URL" "$OFFSITE_ACCESS_KEY_ID" "$OFFSITE_SECRET_ACCESS_KEY" --api S3v4 >/dev/null',
    'mc mirror --overwrite --remove --quiet "target/$BACKUP_BUCKET" "offsite/$OFFSITE_BUCKET/$BACKUP_BUCKET"',
    'echo "copied $BACKUP_BUCKET off site"',
  ].join("\n");
}

/** A Kubernetes name of at most `max` characters that still ends in "-backup". */
export function backupJobName(prefix: string, what: string, max = 52): string {
  const suffix = `-${what}-backup`;
  const head = prefix.slice(0, Math.max(1, max - suffix.length)).replace(/-+$/, "");
  return `${head}${suffix}`;
}

/** The backup jobs' Secret (store keys, a managed database's password); the restore check reads it too. */
export const backupSecretName = (prefix: string) => `${prefix}-backup-credentials`;
