/**
 * The failover cloud's warm standby (tiers document, Enterprise: "Primary cloud + failover
 * cloud"; docs/disaster-recovery.md, "Failing over to the second cloud"). The primary copies its
 * whole backup bucket off site every hour into this stack's backup bucket, laid out
 * `<backup bucket>/<primary's backup bucket>/...` (offsiteScript). Once a day this component
 * restores the primary's newest dump from there into this stack's own database and compares the
 * rows with the dump's manifest; every hour it mirrors the primary's media copy into this stack's
 * media bucket. On promotion (`multiRegion.role: primary`) it is not registered: the apps then
 * write to this database.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Role } from "../../config";
import { restrictedPod } from "../apps/pod";
import { POSTGRES_IMAGES } from "../database/cnpg";
import {
  DNS_EGRESS,
  OWN_EGRESS_LABEL,
  containerResources,
  placement,
  podPolicy,
  tcpPorts,
} from "../k8s";
import type { S3Target } from "../storage/target";
import type { BackupDatabase } from "./index";
import {
  POSTGRES_IMAGE_UID,
  SCRATCH,
  compareRowsCommand,
  fetchDumpScript,
  shellQuote,
  ROW_COUNT_SQL,
} from "./restore-check";
import { FILES_PREFIX, MC_IMAGE } from "./retention";
import { ANYWHERE_BUT_METADATA, scriptContainer, storeEgress } from "./job-parts";

/** Newest dump a refresh accepts: the primary dumps daily, so one older than this means its dump or copy stopped. */
export const MAX_DUMP_AGE_HOURS = 26;

/**
 * The fetch (the store's client): the primary's newest daily dump and its manifest from the
 * off-site copy in this stack's backup bucket, and the dump's name. Variables: TARGET_URL,
 * BACKUP_BUCKET (`<own backup bucket>/<primary's backup bucket>`) and the store's keys.
 */
export function standbyFetchScript(dir = SCRATCH): string {
  return [fetchDumpScript("mc", "dump", dir), `echo "\${newest##*/}" > ${dir}/NAME`].join("\n");
}

/**
 * The refresh (the database's Postgres image): checks the dump is a whole gzip file and at most
 * MAX_DUMP_AGE_HOURS old (its manifest's `#time`), restores it over the standby's database in one
 * transaction (`pg_restore --clean --if-exists --single-transaction --exit-on-error`: a failed
 * restore leaves yesterday's data, never half of today's), then compares every table's rows with
 * the manifest. The last line is `standby-refresh result=<ok|stale|failed> seconds=<n> dump=<name>`,
 * also written to the termination message. Variables: PGHOST, PGPORT, PGDATABASE, PGUSER,
 * PGPASSWORD, PGSSLMODE, PG_BIN, MAX_DUMP_AGE_HOURS, TERMINATION_LOG.
 */
export function standbyRefreshScript(dir = SCRATCH): string {
  return [
    "set -eu",
    'PATH="${PG_BIN:+$PG_BIN:}$PATH"',
    `scratch=${dir}`,
    'started="$(cat "$scratch/STARTED" 2>/dev/null || date +%s)"',
    'dump="$(cat "$scratch/NAME" 2>/dev/null || echo unknown)"',
    "result=failed",
    "finish() {",
    "  code=$?",
    '  if [ "$code" -ne 0 ] && [ "$result" = ok ]; then result=failed; fi',
    '  line="standby-refresh result=$result seconds=$(( $(date +%s) - started )) dump=$dump"',
    '  echo "$line"',
    '  if [ -w "${TERMINATION_LOG:-/dev/termination-log}" ]; then echo "$line" > "${TERMINATION_LOG:-/dev/termination-log}"; fi',
    '  exit "$code"',
    "}",
    "trap finish EXIT",
    'if ! gzip -t "$scratch/dump.gz"; then echo "the dump is not a whole gzip file" >&2; exit 1; fi',
    `taken="$(awk -F '\\t' '$1 == "#time" { print $2 }' "$scratch/dump.counts")"`,
    // psql substitutes :'taken' as a quoted literal from stdin, never from -c.
    `age="$(echo "SELECT floor(extract(epoch FROM now() - :'taken'::timestamptz) / 3600)::int" | psql -X -qAt -v ON_ERROR_STOP=1 -v taken="$taken")"`,
    'if [ "$age" -gt "${MAX_DUMP_AGE_HOURS:-' + MAX_DUMP_AGE_HOURS + '}" ]; then',
    '  result=stale; echo "the newest dump is $age hours old: the primary\'s dump or its off-site copy stopped" >&2; exit 1',
    "fi",
    'grep -v "^#" "$scratch/dump.counts" | LC_ALL=C sort > "$scratch/expected.counts"',
    'gzip -dc "$scratch/dump.gz" | pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error -d "$PGDATABASE"',
    'echo "restored $dump ($age hours old) into $PGDATABASE"',
    `psql -X -qAt -v ON_ERROR_STOP=1 -c ${shellQuote(ROW_COUNT_SQL)} | LC_ALL=C sort > "$scratch/restored.counts"`,
    compareRowsCommand('"$scratch/expected.counts"', '"$scratch/restored.counts"', "0"),
    "result=ok",
  ].join("\n");
}

/**
 * The media mirror: the primary's media, as its hourly mirror and off-site copy left them in this
 * stack's backup bucket, into this stack's media bucket. Variables: TARGET_URL, BACKUP_BUCKET (as
 * above), PRIMARY_MEDIA_BUCKET, MEDIA_URL, MEDIA_BUCKET and the keys of both stores.
 */
export function standbyMediaScript(): string {
  return [
    "set -eu",
    'mc alias set target "$TARGET_URL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" --api S3v4 >/dev/null',
    'mc alias set media "$MEDIA_URL" "$SOURCE_ACCESS_KEY_ID" "$SOURCE_SECRET_ACCESS_KEY" --api S3v4 >/dev/null',
    `mc mirror --overwrite --remove --quiet "target/$BACKUP_BUCKET/${FILES_PREFIX}/$PRIMARY_MEDIA_BUCKET" "media/$MEDIA_BUCKET"`,
    'echo "mirrored $PRIMARY_MEDIA_BUCKET into $MEDIA_BUCKET"',
  ].join("\n");
}

export interface StandbyRefreshArgs {
  /** Namespace the jobs run in, beside the backup jobs. @example "data" */
  namespace: pulumi.Input<string>;
  /** This stack's backup bucket, where the primary's off-site copy lands. */
  target: S3Target;
  /** This stack's media bucket. */
  media: S3Target;
  /** The primary's backup bucket: the folder of its copy in `target`. @example "platform-backup-a1b2" */
  primaryBackupBucket: pulumi.Input<string>;
  /** The primary's media bucket: `files/<it>/` of its copy. @example "platform-media-a1b2" */
  primaryMediaBucket: pulumi.Input<string>;
  /** This stack's database, restored over. */
  database: BackupDatabase;
  /** The backup jobs' Secret: the stores' keys (AWS_*, SOURCE_*) and a managed database's PGPASSWORD. */
  credentialsSecret: string;
  /** The store is the in-cluster MinIO (port 9000). @example false */
  storeInCluster: boolean;
  /** When the dump is restored. @default "0 4 * * *" (after the primary's 02:00 dump and its :30 copy) */
  schedule?: string;
  /** When the media is mirrored. @default "45 * * * *" (after the primary's hourly copy at :30) */
  mediaSchedule?: string;
  /** Roles with a dedicated node pool; the jobs run on the management (`monitoring`) pool if any. */
  pools: readonly Role[];
  /** Storage class of the scratch volume; the default class when empty. @example "" */
  storageClass: string;
  /** Size of the scratch volume (the compressed dump). @example scratchSizeGb(config.database.storageGb) */
  scratchGb: number;
}

/** CronJob names: never "backup" (BackupFailed) nor "restore-check" (RestoreCheckFailed). */
export const STANDBY_REFRESH_JOB = "platform-standby-refresh";
export const STANDBY_MEDIA_JOB = "platform-standby-media";

const RESOURCES = {
  fetch: containerResources("100m", "128Mi", "1", "512Mi"),
  restore: containerResources("250m", "256Mi", "2", "1Gi"),
};

/**
 * A daily CronJob that restores the primary's newest dump into the standby's database and an
 * hourly one that mirrors the primary's media into the standby's bucket. A failed refresh raises
 * StandbyRefreshFailed, one that has not succeeded in 26 hours StandbyRefreshMissed.
 * Cost: two short pods a day and an hour, a scratch volume of the compressed dump's size.
 */
export class StandbyRefresh extends pulumi.ComponentResource {
  /** Names of the CronJobs. */
  public readonly cronJobNames: string[];

  constructor(name: string, args: StandbyRefreshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:StandbyRefresh", name, {}, opts);
    const parent = { parent: this };
    const namespace = args.namespace;
    if (args.target.credentials.kind !== "keys" || args.media.credentials.kind !== "keys")
      throw new pulumi.InputPropertiesError({
        message: "invalid standby refresh arguments",
        errors: [
          {
            propertyPath: "target.credentials",
            reason: "a failover standby's stores are reached with static keys (Spaces, MinIO)",
          },
        ],
      });
    const part = {
      "app.kubernetes.io/part-of": "platform",
      "app.kubernetes.io/component": "standby-refresh",
    };
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-account`,
      {
        metadata: { name: "platform-standby-refresh", namespace, labels: part },
        automountServiceAccountToken: false,
      },
      parent,
    );
    const fromSecret = (key: string) => ({
      name: key,
      valueFrom: { secretKeyRef: { name: args.credentialsSecret, key } },
    });
    const storeEnv = [
      { name: "TARGET_URL", value: args.target.endpoint },
      {
        name: "BACKUP_BUCKET",
        value: pulumi.interpolate`${args.target.bucket}/${args.primaryBackupBucket}`,
      },
      { name: "HOME", value: "/tmp" },
      fromSecret("AWS_ACCESS_KEY_ID"),
      fromSecret("AWS_SECRET_ACCESS_KEY"),
    ];
    const pw = args.database.password;
    const db = args.database;
    const dbEnv = [
      { name: "PGHOST", value: db.host },
      { name: "PGPORT", value: pulumi.output(db.port).apply(String) },
      { name: "PGDATABASE", value: db.database },
      { name: "PGUSER", value: db.user },
      { name: "PGSSLMODE", value: db.sslMode ?? "require" },
      "value" in pw
        ? fromSecret("PGPASSWORD")
        : { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: pw.secretName, key: pw.key } } },
      { name: "PG_BIN", value: `/usr/lib/postgresql/${db.version}/bin` },
      { name: "MAX_DUMP_AGE_HOURS", value: String(MAX_DUMP_AGE_HOURS) },
      { name: "HOME", value: "/tmp" },
    ];

    // Least privilege: DNS, the store, and the database's port; nothing reaches the pods.
    podPolicy(
      `${name}-egress`,
      {
        name: "platform-standby-refresh-egress",
        namespace,
        labels: part,
        podSelector: part,
        egress: [
          DNS_EGRESS,
          storeEgress(args.storeInCluster),
          { to: [ANYWHERE_BUT_METADATA], ports: tcpPorts(db.port) },
        ],
      },
      parent,
    );

    const cronJob = (
      what: "db" | "media",
      cronName: string,
      schedule: string,
      deadline: number,
      spec: Pick<k8s.types.input.core.v1.PodSpec, "initContainers" | "containers" | "volumes">,
    ) => {
      const labels = { ...part, "app.kubernetes.io/name": cronName, [OWN_EGRESS_LABEL]: "own" };
      new k8s.batch.v1.CronJob(
        `${name}-${what}`,
        {
          metadata: { name: cronName, namespace, labels },
          spec: {
            schedule,
            timeZone: "Etc/UTC",
            concurrencyPolicy: "Forbid",
            startingDeadlineSeconds: 3600,
            successfulJobsHistoryLimit: 1,
            // Failed Jobs stay until newer ones failed too: kube_job_status_failed keeps the alert up.
            failedJobsHistoryLimit: 2,
            jobTemplate: {
              metadata: { labels },
              spec: {
                backoffLimit: 1,
                activeDeadlineSeconds: deadline,
                template: {
                  metadata: { labels },
                  spec: {
                    restartPolicy: "Never",
                    serviceAccountName: account.metadata.name,
                    automountServiceAccountToken: false,
                    securityContext: restrictedPod(POSTGRES_IMAGE_UID),
                    ...placement("monitoring", args.pools),
                    ...spec,
                  },
                },
              },
            },
          },
        },
        parent,
      );
      return cronName;
    };
    const scratchVolume = {
      name: "scratch",
      ephemeral: {
        volumeClaimTemplate: {
          metadata: { labels: part },
          spec: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: `${args.scratchGb}Gi` } },
            ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
          },
        },
      },
    };
    const tmp = { name: "tmp", emptyDir: { sizeLimit: "256Mi" } };
    this.cronJobNames = [
      cronJob("db", STANDBY_REFRESH_JOB, args.schedule ?? "0 4 * * *", 4 * 3600, {
        initContainers: [
          scriptContainer("fetch", MC_IMAGE, standbyFetchScript(), storeEnv, RESOURCES.fetch),
        ],
        containers: [
          scriptContainer(
            "restore",
            POSTGRES_IMAGES[db.version],
            standbyRefreshScript(),
            dbEnv,
            RESOURCES.restore,
          ),
        ],
        volumes: [scratchVolume, tmp],
      }),
      cronJob("media", STANDBY_MEDIA_JOB, args.mediaSchedule ?? "45 * * * *", 3300, {
        containers: [
          scriptContainer(
            "mirror",
            MC_IMAGE,
            standbyMediaScript(),
            [
              ...storeEnv,
              { name: "PRIMARY_MEDIA_BUCKET", value: args.primaryMediaBucket },
              { name: "MEDIA_URL", value: args.media.endpoint },
              { name: "MEDIA_BUCKET", value: args.media.bucket },
              fromSecret("SOURCE_ACCESS_KEY_ID"),
              fromSecret("SOURCE_SECRET_ACCESS_KEY"),
            ],
            RESOURCES.fetch,
            [{ name: "tmp", mountPath: "/tmp" }],
          ),
        ],
        volumes: [tmp],
      }),
    ];
    this.registerOutputs({ cronJobNames: this.cronJobNames });
  }
}
