import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Role } from "../../config";
import { restrictedContainer, restrictedPod } from "../apps/pod";
import { placement, podPolicy, stringSecret, tcpPorts } from "../k8s";
import type { S3Target } from "../storage/target";
import {
  AWS_CLI_IMAGE,
  BackupsConfig,
  MC_IMAGE,
  POSTGRES_CLIENT_IMAGES,
  RCLONE_IMAGE,
  PostgresMajor,
  RetentionPeriod,
  StoreTool,
  backupJobName,
  backupSecretName,
  dumpScript,
  mirrorScript,
  offsiteScript,
  retentionPlan,
  uploadScript,
} from "./retention";

export * from "./retention";
export * from "./restore-check";
export * from "./restore-check-job";

/** A secret value handed over directly, or a key of a Secret that already exists in the namespace. */
export type SecretValue =
  { value: pulumi.Input<string> } | { secretName: pulumi.Input<string>; key: string };

/** How to reach the database to dump, whether self-hosted (CloudNativePG) or managed. */
export interface BackupDatabase {
  /** Host name of the primary (or its read-write service). @example "postgres-rw.data.svc" */
  host: pulumi.Input<string>;
  /** @example 5432 */
  port: pulumi.Input<number>;
  /** Database to dump. @example "app" */
  database: pulumi.Input<string>;
  /** Role with read access to every table. @example "app" */
  user: pulumi.Input<string>;
  /** The role's password. @example { secretName: "postgres-app", key: "password" } */
  password: SecretValue;
  /** Server major version: pg_dump must be at least as new as the server. @example "16" */
  version: PostgresMajor;
  /** libpq sslmode; both our Postgres (hostssl only) and managed ones require TLS. @default "require" */
  sslMode?: "require" | "verify-ca" | "verify-full";
}

export interface BackupsArgs {
  /** Namespace the backup jobs run in. @example "data" */
  namespace: pulumi.Input<string>;
  /** Schedules and retention, `backups` of the stack config. @example config.backups */
  backups: BackupsConfig;
  /** Database the daily dump reads. */
  database: BackupDatabase;
  /** Bucket the dumps and the media mirror are written to. */
  target: S3Target;
  /**
   * True when the target bucket's own lifecycle rules expire the dumps (S3, Spaces: the cloud layer
   * turns `retentionPlan(config.backups)` into one rule per prefix); false makes the job prune them
   * with `mc rm --older-than` (MinIO). @example false
   */
  lifecycleRules: boolean;
  /** Media bucket mirrored into the target every `backups.fileSyncSchedule`; none skips the mirror. */
  media?: S3Target;
  /**
   * Bucket at another site the whole target is copied to every `backups.offsite.schedule`
   * (self-hosted §3.1; tiers document, "Secondary: Different cloud provider"), reached with static
   * keys; the target may use keys (`mc`) or an IAM role (rclone). @example offsiteS3Target(config.backups.offsite)
   */
  offsite?: S3Target;
  /** Roles with a dedicated node pool; the jobs run on the management (`monitoring`) pool if any. */
  pools: readonly Role[];
  /** Storage class of the scratch volume a dump is written to; the default class when empty. @example "" */
  storageClass: string;
  /** Size of that scratch volume. @example scratchSizeGb(config.database.storageGb) */
  scratchGb: number;
  /** Prefix of the Kubernetes names (CronJobs `<prefix>-db-backup`, `<prefix>-files-backup`). @default "platform" */
  jobPrefix?: string;
  /** Longest a dump and its upload may run. @default 7200 (self-hosted §3.2: database RTO 30 min) */
  dumpDeadlineSeconds?: number;
  /** Longest one mirror run may take. @default 3300 (file storage RPO 1 hour: a run must end within it) */
  mirrorDeadlineSeconds?: number;
}

/** Scratch space for one compressed dump: half the database volume (indexes are not dumped), at least 2 GB. */
export function scratchSizeGb(databaseStorageGb: number): number {
  return Math.max(2, Math.ceil(databaseStorageGb / 2));
}

/** Which client reaches the backup store, and whether the combination can work. */
export function storeTool(
  args: Pick<BackupsArgs, "target" | "media" | "lifecycleRules" | "offsite">,
): StoreTool {
  const errors: { propertyPath: string; reason: string }[] = [];
  const tool: StoreTool = args.target.credentials.kind === "role" ? "aws" : "mc";
  if (tool === "aws" && !args.lifecycleRules)
    errors.push({
      propertyPath: "lifecycleRules",
      reason:
        "a store reached through an IAM role is S3: expire the dumps with bucket lifecycle rules",
    });
  if (args.offsite && args.offsite.credentials.kind !== "keys")
    errors.push({
      propertyPath: "offsite.credentials",
      reason: "the off-site bucket is at another provider, reached with static keys",
    });
  if (args.media && args.media.credentials.kind !== args.target.credentials.kind)
    errors.push({
      propertyPath: "media.credentials",
      reason: `the mirror copies with one client; media uses ${args.media.credentials.kind}, the target ${args.target.credentials.kind}`,
    });
  if (errors.length > 0)
    throw new pulumi.InputPropertiesError({ message: "invalid backup arguments", errors });
  return tool;
}

const RESOURCES = {
  dump: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  upload: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
  mirror: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
};

/**
 * Self-hosted §3.1 and the tiers document's backup strategy as CronJobs: a daily pg_dump at
 * 02:00 UTC kept 7 daily / 4 weekly / 12 monthly (and never less than 30 days), an hourly mirror
 * of the media bucket (file storage RPO 1 hour) and, when an off-site bucket is given, an hourly
 * copy of the whole backup bucket there. Every name contains "backup", which the BackupFailed
 * alert selects on. Cost: short-lived pods, the backup bucket's and the off-site bucket's storage.
 */
export class Backups extends pulumi.ComponentResource {
  /** Names of the CronJobs (their Jobs are named `<cronjob>-<minute>`). */
  public readonly cronJobNames: string[];
  /** Prefixes and lifetimes of the dumps, for the bucket's lifecycle rules. */
  public readonly retention: RetentionPeriod[];

  constructor(name: string, args: BackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:Backups", name, {}, opts);
    const parent = { parent: this };
    const tool = storeTool(args);
    const namespace = args.namespace;
    this.retention = retentionPlan(args.backups);
    const prefix = args.jobPrefix ?? "platform";
    const dumpName = backupJobName(prefix, "db");
    const mirrorName = backupJobName(prefix, "files");
    const part = {
      "app.kubernetes.io/part-of": "platform",
      "app.kubernetes.io/component": "backup",
    };

    const role = args.target.credentials.kind === "role" ? args.target.credentials : undefined;
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-account`,
      {
        metadata: {
          name: `${prefix}-backup`,
          namespace,
          labels: part,
          // AWS IRSA: the pods assume the role; no static keys exist.
          annotations: role ? { [role.annotationKey]: role.roleArn } : undefined,
        },
        automountServiceAccountToken: false,
      },
      parent,
    );

    // Static keys and the database password live in our own Secret, so the jobs never carry them
    // in their spec. Keys handed over as a Secret reference are read where they are.
    const secretData: Record<string, pulumi.Input<string>> = {};
    if (args.target.credentials.kind === "keys") {
      secretData.AWS_ACCESS_KEY_ID = args.target.credentials.accessKeyId;
      secretData.AWS_SECRET_ACCESS_KEY = args.target.credentials.secretAccessKey;
    }
    if (args.media?.credentials.kind === "keys") {
      secretData.SOURCE_ACCESS_KEY_ID = args.media.credentials.accessKeyId;
      secretData.SOURCE_SECRET_ACCESS_KEY = args.media.credentials.secretAccessKey;
    }
    if (args.offsite?.credentials.kind === "keys") {
      secretData.OFFSITE_ACCESS_KEY_ID = args.offsite.credentials.accessKeyId;
      secretData.OFFSITE_SECRET_ACCESS_KEY = args.offsite.credentials.secretAccessKey;
    }
    if ("value" in args.database.password) secretData.PGPASSWORD = args.database.password.value;
    const secretName = backupSecretName(prefix);
    const hasSecret = Object.keys(secretData).length > 0;
    const secret = hasSecret
      ? stringSecret(
          `${name}-credentials`,
          { name: secretName, namespace, labels: part, stringData: pulumi.secret(secretData) },
          parent,
        )
      : undefined;
    const fromSecret = (key: string) => ({
      name: key,
      valueFrom: { secretKeyRef: { name: secretName, key } },
    });

    const storeEnv = [
      { name: "TARGET_URL", value: args.target.endpoint },
      { name: "BACKUP_BUCKET", value: args.target.bucket },
      { name: "AWS_REGION", value: args.target.region },
      { name: "HOME", value: "/tmp" },
      ...(args.target.credentials.kind === "keys"
        ? [fromSecret("AWS_ACCESS_KEY_ID"), fromSecret("AWS_SECRET_ACCESS_KEY")]
        : []),
    ];
    const storeImage = tool === "mc" ? MC_IMAGE : AWS_CLI_IMAGE;
    const pw = args.database.password;
    const passwordEnv =
      "value" in pw
        ? fromSecret("PGPASSWORD")
        : { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: pw.secretName, key: pw.key } } };

    type PodParts = Pick<
      k8s.types.input.core.v1.PodSpec,
      "initContainers" | "containers" | "volumes"
    >;
    const pod = (
      labels: Record<string, string>,
      spec: PodParts,
    ): k8s.types.input.core.v1.PodTemplateSpec => ({
      metadata: { labels },
      spec: {
        restartPolicy: "Never",
        serviceAccountName: account.metadata.name,
        automountServiceAccountToken: false,
        securityContext: restrictedPod(),
        ...placement("monitoring", args.pools),
        ...spec,
      },
    });
    const cronJob = (
      what: "db" | "files" | "offsite",
      cronName: string,
      schedule: string,
      deadline: number,
      template: ReturnType<typeof pod>,
      labels: Record<string, string>,
    ) =>
      new k8s.batch.v1.CronJob(
        `${name}-${what}`,
        {
          metadata: { name: cronName, namespace, labels },
          spec: {
            schedule,
            // Tiers document: full backup daily at 2 AM UTC, whatever the controller's zone.
            timeZone: "Etc/UTC",
            concurrencyPolicy: "Forbid",
            startingDeadlineSeconds: 600,
            successfulJobsHistoryLimit: 3,
            // Failed Jobs stay until three newer ones failed: kube_job_status_failed keeps the alert up.
            failedJobsHistoryLimit: 3,
            jobTemplate: {
              metadata: { labels },
              spec: { backoffLimit: 2, activeDeadlineSeconds: deadline, template },
            },
          },
        },
        { ...parent, dependsOn: secret ? [secret] : [] },
      );

    const dumpLabels = { ...part, "app.kubernetes.io/name": dumpName };
    const scratch: k8s.types.input.core.v1.PersistentVolumeClaimSpec = {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: `${args.scratchGb}Gi` } },
      ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
    };
    cronJob(
      "db",
      dumpName,
      args.backups.schedule,
      args.dumpDeadlineSeconds ?? 7200,
      pod(dumpLabels, {
        initContainers: [
          {
            name: "dump",
            image: POSTGRES_CLIENT_IMAGES[args.database.version],
            command: ["/bin/sh", "-c", dumpScript()],
            env: [
              { name: "PGHOST", value: args.database.host },
              { name: "PGPORT", value: pulumi.output(args.database.port).apply(String) },
              { name: "PGDATABASE", value: args.database.database },
              { name: "PGUSER", value: args.database.user },
              { name: "PGSSLMODE", value: args.database.sslMode ?? "require" },
              { name: "HOME", value: "/tmp" },
              passwordEnv,
            ],
            resources: RESOURCES.dump,
            securityContext: restrictedContainer,
            volumeMounts: [
              { name: "backup", mountPath: "/backup" },
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
        ],
        containers: [
          {
            name: "upload",
            image: storeImage,
            command: ["/bin/sh", "-c", uploadScript(this.retention, tool, !args.lifecycleRules)],
            env: storeEnv,
            resources: RESOURCES.upload,
            securityContext: restrictedContainer,
            volumeMounts: [
              { name: "backup", mountPath: "/backup", readOnly: true },
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
        ],
        volumes: [
          // A volume claimed for the pod's lifetime: a dump may outgrow the node's ephemeral storage.
          {
            name: "backup",
            ephemeral: { volumeClaimTemplate: { metadata: { labels: dumpLabels }, spec: scratch } },
          },
          { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
        ],
      }),
      dumpLabels,
    );
    const names = [dumpName];

    // A bucket-to-bucket copy: one restricted container, the store's client and its scratch dir.
    const copyJob = (
      what: "files" | "offsite",
      cronName: string,
      schedule: string,
      image: string,
      script: string,
      env: k8s.types.input.core.v1.EnvVar[],
    ) => {
      const labels = { ...part, "app.kubernetes.io/name": cronName };
      cronJob(
        what,
        cronName,
        schedule,
        args.mirrorDeadlineSeconds ?? 3300,
        pod(labels, {
          containers: [
            {
              name: what === "files" ? "mirror" : "offsite",
              image,
              command: ["/bin/sh", "-c", script],
              env: [...storeEnv, ...env],
              resources: RESOURCES.mirror,
              securityContext: restrictedContainer,
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
        }),
        labels,
      );
      names.push(cronName);
    };
    if (args.media)
      copyJob("files", mirrorName, args.backups.fileSyncSchedule, storeImage, mirrorScript(tool), [
        { name: "MEDIA_BUCKET", value: args.media.bucket },
        ...(args.media.credentials.kind === "keys"
          ? [
              { name: "SOURCE_URL", value: args.media.endpoint },
              fromSecret("SOURCE_ACCESS_KEY_ID"),
              fromSecret("SOURCE_SECRET_ACCESS_KEY"),
            ]
          : []),
      ]);
    if (args.offsite)
      copyJob(
        "offsite",
        backupJobName(prefix, "offsite"),
        args.backups.offsite?.schedule ?? args.backups.fileSyncSchedule,
        tool === "mc" ? MC_IMAGE : RCLONE_IMAGE,
        offsiteScript(tool),
        [
          { name: "OFFSITE_URL", value: args.offsite.endpoint },
          { name: "OFFSITE_REGION", value: args.offsite.region },
          { name: "OFFSITE_BUCKET", value: args.offsite.bucket },
          fromSecret("OFFSITE_ACCESS_KEY_ID"),
          fromSecret("OFFSITE_SECRET_ACCESS_KEY"),
        ],
      );
    this.cronJobNames = names;

    // Managed databases sit outside the cluster, on a port the namespace's egress baseline does
    // not open; only the dump pods get it.
    podPolicy(
      `${name}-egress`,
      {
        name: `${prefix}-backup-egress`,
        namespace,
        labels: part,
        podSelector: { "app.kubernetes.io/name": dumpName },
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcpPorts(args.database.port) }],
      },
      parent,
    );
    this.registerOutputs({ cronJobNames: this.cronJobNames });
  }
}
