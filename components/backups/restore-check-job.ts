import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Role, StackConfig } from "../../config";
import { restrictedPod } from "../apps/pod";
import { POSTGRES_IMAGES } from "../database/cnpg";
import { DNS_EGRESS, OWN_EGRESS_LABEL, containerResources, placement, podPolicy } from "../k8s";
import type { S3Target } from "../storage/target";
import {
  BARMAN_CLOUD_IMAGE,
  POSTGRES_IMAGE_UID,
  fetchBaseBackupScript,
  fetchDumpScript,
  restoreCheckScript,
  type RestoreCheckKind,
} from "./restore-check";
import { AWS_CLI_IMAGE, MC_IMAGE, type PostgresMajor } from "./retention";
import { scriptContainer, storeEgress } from "./job-parts";

export interface RestoreCheckArgs {
  /** Namespace the check runs in, beside the backup jobs. @example "data" */
  namespace: pulumi.Input<string>;
  /** `backups.restoreCheck` of the stack config. @example config.backups.restoreCheck */
  restoreCheck: StackConfig["backups"]["restoreCheck"];
  /** Server major version: the scratch Postgres restores what this server wrote. @example "16" */
  version: PostgresMajor;
  /** The backup bucket the dumps (and CloudNativePG's archive) are in. */
  target: S3Target;
  /** The backup jobs' Secret, which holds the bucket's static keys. @example "platform-backup-credentials" */
  credentialsSecret: string;
  /**
   * The self-hosted CloudNativePG cluster whose base backups and WAL (`postgres/<serverName>/` of the
   * bucket) are replayed too; none for a managed database, whose provider keeps its own PITR.
   */
  pointInTime?: { serverName: string; database: string };
  /** The store is the in-cluster MinIO of the namespace (port 9000), not an HTTPS endpoint. @example false */
  storeInCluster: boolean;
  /** Roles with a dedicated node pool; the check runs on the management (`monitoring`) pool if any. */
  pools: readonly Role[];
  /** Storage class of the scratch volume; the default class when empty. @example "" */
  storageClass: string;
  /** Size of the scratch volume. @example restoreScratchGb(config.database.storageGb) */
  scratchGb: number;
  /** Prefix of the CronJobs `<prefix>-restore-check` and `<prefix>-pitr-restore-check`. @default "platform" */
  jobPrefix?: string;
}

/** Scratch space for a restore: the database at its full volume size, and the compressed dump beside it. */
export function restoreScratchGb(databaseStorageGb: number): number {
  return databaseStorageGb + Math.max(2, Math.ceil(databaseStorageGb / 2));
}

/**
 * CronJob names: "restore-check", and never "backup", so the backup alerts (which select on
 * "backup" and expect a daily success) leave these monthly jobs to RestoreCheckFailed.
 */
export function restoreCheckJobName(prefix: string, kind: RestoreCheckKind, max = 52): string {
  const suffix = kind === "dump" ? "-restore-check" : "-pitr-restore-check";
  return `${prefix.slice(0, Math.max(1, max - suffix.length)).replace(/-+$/, "")}${suffix}`;
}

const RESOURCES = {
  fetch: containerResources("100m", "128Mi", "1", "512Mi"),
  restore: containerResources("250m", "512Mi", "2", "2Gi"),
};

/** Directory of the server programs in the CloudNativePG (Debian) images. */
const pgBin = (version: PostgresMajor) => `/usr/lib/postgresql/${version}/bin`;

/**
 * The monthly restore check (tiers document, Test Restoration: "Monthly: Verify backup
 * integrity"): one CronJob restores the newest dump, and for a self-hosted database a second one
 * replays the newest base backup with WAL to the dump's position, each into a Postgres started in
 * its own pod on a scratch volume (never the real database, which the check does not reach), then
 * checks indexes with amcheck, compares every table's rows with the manifest the dump job wrote
 * and fails when the restore took longer than the database RTO. A failed Job raises
 * RestoreCheckFailed; the pod's termination message holds the result line.
 * Cost: one short pod and a scratch volume of the database's size for the length of the restore.
 */
export class RestoreCheck extends pulumi.ComponentResource {
  /** Names of the CronJobs (their Jobs are named `<cronjob>-<minute>`). */
  public readonly cronJobNames: string[];

  constructor(name: string, args: RestoreCheckArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:RestoreCheck", name, {}, opts);
    const parent = { parent: this };
    const prefix = args.jobPrefix ?? "platform";
    const namespace = args.namespace;
    const check = args.restoreCheck;
    const part = {
      "app.kubernetes.io/part-of": "platform",
      "app.kubernetes.io/component": "restore-check",
    };
    const creds = args.target.credentials;
    const role = creds.kind === "role" ? creds : undefined;
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-account`,
      {
        metadata: {
          name: `${prefix}-restore-check`,
          namespace,
          labels: part,
          // AWS IRSA: the backup bucket's role, which trusts every service account of the namespace.
          annotations: role ? { [role.annotationKey]: role.roleArn } : undefined,
        },
        automountServiceAccountToken: false,
      },
      parent,
    );
    const key = (k: string) => ({
      name: k,
      valueFrom: { secretKeyRef: { name: args.credentialsSecret, key: k } },
    });
    const storeEnv = [
      { name: "TARGET_URL", value: args.target.endpoint },
      { name: "BACKUP_BUCKET", value: args.target.bucket },
      { name: "AWS_REGION", value: args.target.region },
      { name: "AWS_DEFAULT_REGION", value: args.target.region },
      { name: "HOME", value: "/tmp" },
      ...(creds.kind === "keys" ? [key("AWS_ACCESS_KEY_ID"), key("AWS_SECRET_ACCESS_KEY")] : []),
    ];
    const tool = creds.kind === "role" ? "aws" : "mc";

    // Least privilege: the pods carry OWN_EGRESS_LABEL, so the namespace's baseline (every pod of
    // the cluster, HTTPS out) skips them; they reach the DNS and the backup store, nothing else.
    // Nothing reaches them: the namespace denies ingress and the scratch Postgres has no TCP port.
    podPolicy(
      `${name}-egress`,
      {
        name: `${prefix}-restore-check-egress`,
        namespace,
        labels: part,
        podSelector: part,
        egress: [DNS_EGRESS, storeEgress(args.storeInCluster)],
      },
      parent,
    );

    const kinds: RestoreCheckKind[] = args.pointInTime ? ["dump", "pitr"] : ["dump"];
    this.cronJobNames = kinds.map((kind) => {
      const cronName = restoreCheckJobName(prefix, kind);
      const labels = { ...part, "app.kubernetes.io/name": cronName, [OWN_EGRESS_LABEL]: "own" };
      const fetch = [
        scriptContainer(
          "fetch",
          tool === "mc" ? MC_IMAGE : AWS_CLI_IMAGE,
          fetchDumpScript(tool, kind),
          storeEnv,
          RESOURCES.fetch,
        ),
      ];
      if (kind === "pitr")
        fetch.push(
          scriptContainer(
            "fetch-base-backup",
            BARMAN_CLOUD_IMAGE,
            fetchBaseBackupScript(),
            [...storeEnv, { name: "SERVER_NAME", value: args.pointInTime!.serverName }],
            RESOURCES.fetch,
          ),
        );
      const restoreEnv = [
        { name: "RTO_SECONDS", value: String(check.rtoMinutes * 60) },
        { name: "PG_BIN", value: pgBin(args.version) },
        { name: "HOME", value: "/tmp" },
        ...(args.pointInTime ? [{ name: "PGDATABASE", value: args.pointInTime.database }] : []),
      ];
      new k8s.batch.v1.CronJob(
        `${name}-${kind}`,
        {
          metadata: { name: cronName, namespace, labels },
          spec: {
            schedule: check.schedule,
            timeZone: "Etc/UTC",
            suspend: !check.enabled,
            concurrencyPolicy: "Forbid",
            startingDeadlineSeconds: 3600,
            successfulJobsHistoryLimit: 1,
            // A failed Job stays until a newer one failed too: kube_job_status_failed keeps the alert up.
            failedJobsHistoryLimit: 2,
            jobTemplate: {
              metadata: { labels },
              spec: {
                // One try: a restore that fails once is the finding, not noise to retry away.
                backoffLimit: 0,
                // Three RTOs: a slow restore is measured and reported, not cut short at the RTO.
                activeDeadlineSeconds: check.rtoMinutes * 60 * 3,
                template: {
                  metadata: { labels },
                  spec: {
                    restartPolicy: "Never",
                    serviceAccountName: account.metadata.name,
                    automountServiceAccountToken: false,
                    // The Postgres images' own user: initdb needs a user with a passwd entry.
                    securityContext: restrictedPod(POSTGRES_IMAGE_UID),
                    ...placement("monitoring", args.pools),
                    initContainers: fetch,
                    containers: [
                      scriptContainer(
                        "restore",
                        POSTGRES_IMAGES[args.version],
                        restoreCheckScript(kind),
                        restoreEnv,
                        RESOURCES.restore,
                      ),
                    ],
                    volumes: [
                      {
                        name: "scratch",
                        ephemeral: {
                          volumeClaimTemplate: {
                            metadata: { labels },
                            spec: {
                              accessModes: ["ReadWriteOnce"],
                              resources: { requests: { storage: `${args.scratchGb}Gi` } },
                              ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
                            },
                          },
                        },
                      },
                      { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                    ],
                  },
                },
              },
            },
          },
        },
        parent,
      );
      return cronName;
    });
    this.registerOutputs({ cronJobNames: this.cronJobNames });
  }
}
