import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { StackConfig } from "../../config";
import { retentionPlan, type RetentionPeriod } from "../backups/retention";
import type { ManagedObjectStorage } from "../contract";
import { irsaRole, OidcIssuer, PolicyStatement, policyJson } from "./iam";
import { bucketName } from "./naming";
import { protectedKey } from "./kms";
import { COST_TAGS } from "../kit/cost-tags";

type BucketConfig = StackConfig["objectStorage"]["buckets"][number];

/** Incomplete multipart uploads are removed after a week (they are billed but never readable). */
export const ABORT_MULTIPART_DAYS = 7;

/** The bucket policy statement every bucket carries: no request without TLS (self-hosted §2.2). */
export function denyInsecureTransport(bucketArn: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** Lets an AWS service act on the bucket's objects, under `condition` (its source). */
export function serviceObjectGrant(
  sid: string,
  service: string,
  action: string,
  bucketArn: pulumi.Input<string>,
  condition: NonNullable<PolicyStatement["Condition"]>,
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: service },
    Action: action,
    Resource: pulumi.interpolate`${bucketArn}/*`,
    Condition: condition,
  };
}

/** A bucket's one policy document: TLS only, and what `grants` allow. */
export function bucketPolicy(
  name: string,
  bucket: aws.s3.Bucket,
  grants: PolicyStatement[],
  opts: pulumi.CustomResourceOptions,
): aws.s3.BucketPolicy {
  return new aws.s3.BucketPolicy(
    name,
    { bucket: bucket.bucket, policy: policyJson([denyInsecureTransport(bucket.arn), ...grants]) },
    opts,
  );
}

/**
 * Tiers document, Storage Strategy and File Storage Backups: previous versions (and deleted files)
 * kept `noncurrentVersionDays`, objects archived to Glacier Flexible Retrieval after
 * `archiveAfterDays` (0: never), abandoned multipart uploads removed after 7 days.
 */
export function lifecycleRules(
  bucket: Pick<BucketConfig, "noncurrentVersionDays" | "archiveAfterDays">,
  expireAfterDays?: number,
) {
  return [
    {
      id: "retention",
      status: "Enabled",
      filter: { prefix: "" },
      noncurrentVersionExpiration: { noncurrentDays: bucket.noncurrentVersionDays },
      abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_DAYS },
      transitions:
        bucket.archiveAfterDays > 0
          ? [{ days: bucket.archiveAfterDays, storageClass: "GLACIER" }]
          : undefined,
      expiration:
        expireAfterDays !== undefined
          ? { days: expireAfterDays }
          : { expiredObjectDeleteMarker: true },
    },
  ];
}

/**
 * One rule per dump tier of the backup bucket (components/backups/retention.ts: `pg_dump/daily/`,
 * `weekly/`, `monthly/`), expiring each copy at its tier's lifetime: the backup job writes to S3
 * through an IAM role and prunes nothing itself, so without these the dumps are never deleted
 * (tiers document, Backup Strategy: 7 daily, 4 weekly, 12 monthly). The expired copy becomes a
 * noncurrent version, which the bucket's "retention" rule removes `noncurrentVersionDays` later.
 */
export function dumpExpiryRules(periods: RetentionPeriod[]) {
  return periods.map((t) => ({
    id: t.prefix.replace(/\/+$/, "").replace(/\//g, "-"),
    status: "Enabled",
    filter: { prefix: t.prefix },
    expiration: { days: t.expireDays },
  }));
}

/** Where the platform's backup writers run: CloudNativePG names each cluster's account after it. */
export const BACKUP_SERVICE_ACCOUNTS = ["data:*"];

export interface ObjectStorageArgs {
  /** Buckets of the config (media, backup, logs). */
  buckets: BucketConfig[];
  /** Dump tiers of the backup bucket expire by lifecycle rules built from this. @example config.backups */
  backups: StackConfig["backups"];
  /**
   * The stack's domain and name make the bucket names unique when the buckets are made; a later
   * change of domain leaves the names as they are. @example "example.com"
   */
  domain: string;
  stack: string;
  region: string;
  /** Stored size the cost estimate assumes for the media bucket, in GB. @example 500 */
  mediaStorageGb: number;
  /** Days the S3 access logs are kept. @example 30 */
  accessLogDays: number;
  /** The cluster's OIDC issuer, for the backup writers' role. */
  oidc: OidcIssuer;
  /** Service accounts ("namespace:name", * allowed) that write backups. @default BACKUP_SERVICE_ACCOUNTS */
  backupServiceAccounts?: string[];
  /** Service accounts of the apps, which read and write the media bucket. @example ["platform:*"] */
  appServiceAccounts: string[];
  /**
   * Purposes whose bucket policy another component writes, because it grants more than TLS-only
   * access (the CDN's read of the media bucket). A bucket has one policy document.
   */
  policyOwnedElsewhere?: BucketConfig["purpose"][];
}

interface Made {
  bucket: aws.s3.Bucket;
  config: BucketConfig;
}

/**
 * S3 buckets of the config plus one for their access logs: versioned, SSE-KMS with a bucket key,
 * all public access blocked, owner-enforced (no ACLs), TLS-only, with lifecycle rules and access
 * logging; all protected. IRSA roles let the platform's backup writers use the backup bucket and
 * the apps the media bucket, each nothing else.
 * Cost: storage (the media bucket's assumed size), one KMS key.
 */
export class ObjectStorage extends pulumi.ComponentResource {
  public readonly facts: ManagedObjectStorage;
  public readonly keyArn: pulumi.Output<string>;
  public readonly keyId: pulumi.Output<string>;
  /** Buckets by purpose (the first of each purpose). */
  public readonly byPurpose: Partial<Record<BucketConfig["purpose"], aws.s3.Bucket>> = {};
  /** Every bucket's versioning: what a replication rule into these buckets waits for. */
  public readonly versioning: aws.s3.BucketVersioning[] = [];

  constructor(name: string, args: ObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:aws:ObjectStorage", name, args, opts);
    const parent = { parent: this };
    const stateful = { ...parent, protect: true };
    // S3 cannot rename a bucket: a new name is a new, empty bucket. The name is fixed when the
    // bucket is made and stays when platform:domain changes later.
    const named = { ...stateful, ignoreChanges: ["bucket"] };

    const key = protectedKey(`${name}-key`, "S3 bucket encryption", stateful);
    this.keyArn = key.arn;
    this.keyId = key.id;

    const hardened = (id: string, bucket: aws.s3.Bucket, sse: "aws:kms" | "AES256") => {
      // Companions reference the bucket by name, as the stack policies match them.
      const ref = { bucket: bucket.bucket };
      new aws.s3.BucketOwnershipControls(
        `${id}-ownership`,
        { ...ref, rule: { objectOwnership: "BucketOwnerEnforced" } },
        parent,
      );
      new aws.s3.BucketPublicAccessBlock(
        `${id}-public-access`,
        {
          ...ref,
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        },
        parent,
      );
      this.versioning.push(
        new aws.s3.BucketVersioning(
          `${id}-versioning`,
          { ...ref, versioningConfiguration: { status: "Enabled" } },
          parent,
        ),
      );
      new aws.s3.BucketServerSideEncryptionConfiguration(
        `${id}-encryption`,
        {
          ...ref,
          rules: [
            {
              applyServerSideEncryptionByDefault:
                sse === "aws:kms"
                  ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }
                  : { sseAlgorithm: "AES256" },
              // One data key per bucket rather than per object: KMS requests fall by ~99 %.
              bucketKeyEnabled: sse === "aws:kms",
            },
          ],
        },
        parent,
      );
    };

    // S3 delivers server access logs only into a bucket encrypted with S3-managed keys (SSE-S3).
    const logsId = `${name}-access-logs`;
    const logBucket = new aws.s3.Bucket(
      logsId,
      { bucket: bucketName(args.domain, args.stack, "access-logs") },
      named,
    );
    hardened(logsId, logBucket, "AES256");
    new aws.s3.BucketLifecycleConfiguration(
      `${logsId}-lifecycle`,
      {
        bucket: logBucket.bucket,
        rules: lifecycleRules(
          { noncurrentVersionDays: 1, archiveAfterDays: 0 },
          args.accessLogDays,
        ),
      },
      parent,
    );

    const made: Made[] = args.buckets.map((config) => {
      const id = `${name}-${config.name}`;
      const bucket = new aws.s3.Bucket(
        id,
        {
          bucket: bucketName(args.domain, args.stack, config.name),
          tags: {
            purpose: config.purpose,
            ...(config.purpose === "media" && {
              [COST_TAGS.expectedGb]: String(args.mediaStorageGb),
            }),
          },
        },
        named,
      );
      hardened(id, bucket, "aws:kms");
      new aws.s3.BucketLifecycleConfiguration(
        `${id}-lifecycle`,
        {
          bucket: bucket.bucket,
          rules: [
            ...lifecycleRules(config),
            ...(config.purpose === "backup" ? dumpExpiryRules(retentionPlan(args.backups)) : []),
          ],
        },
        parent,
      );
      new aws.s3.BucketLogging(
        `${id}-logging`,
        { bucket: bucket.bucket, targetBucket: logBucket.bucket, targetPrefix: `${config.name}/` },
        parent,
      );
      if (!(args.policyOwnedElsewhere ?? []).includes(config.purpose)) {
        bucketPolicy(`${id}-policy`, bucket, [], parent);
      }
      this.byPurpose[config.purpose] ??= bucket;
      return { bucket, config };
    });

    bucketPolicy(
      `${logsId}-policy`,
      logBucket,
      [
        serviceObjectGrant(
          "S3ServerAccessLogs",
          "logging.s3.amazonaws.com",
          "s3:PutObject",
          logBucket.arn,
          { ArnLike: { "aws:SourceArn": made.map((m) => m.bucket.arn) } },
        ),
      ],
      parent,
    );

    // Least privilege (self-hosted §2.2): one role per kind of writer, each reaching one bucket.
    const writer = (id: string, serviceAccounts: string[], bucket?: aws.s3.Bucket) => {
      const role = irsaRole(id, args.oidc, serviceAccounts, parent);
      if (bucket)
        new aws.iam.RolePolicy(
          id,
          {
            role: role.id,
            policy: policyJson([
              {
                Effect: "Allow",
                Action: ["s3:ListBucket", "s3:GetBucketLocation"],
                Resource: bucket.arn,
              },
              {
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                Resource: pulumi.interpolate`${bucket.arn}/*`,
              },
              {
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: key.arn,
              },
            ]),
          },
          parent,
        );
      return {
        kind: "role" as const,
        roleArn: role.arn,
        annotationKey: "eks.amazonaws.com/role-arn",
      };
    };
    const credentials = writer(
      `${name}-backup-writer`,
      args.backupServiceAccounts ?? BACKUP_SERVICE_ACCOUNTS,
      this.byPurpose.backup,
    );
    const media = this.byPurpose.media;
    const appCredentials = media
      ? writer(`${name}-media-writer`, args.appServiceAccounts, media)
      : undefined;

    const buckets: Record<string, pulumi.Input<string>> = {};
    for (const [purpose, bucket] of Object.entries(this.byPurpose))
      buckets[purpose] = bucket.bucket;
    this.facts = {
      endpoint: `https://s3.${args.region}.amazonaws.com`,
      region: args.region,
      buckets,
      credentials,
      appCredentials,
    };
    this.registerOutputs({ buckets });
  }
}
