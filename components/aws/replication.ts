import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ReplicationSource } from "../region";
import { policyJson, serviceRole } from "./iam";

/** The purposes a secondary region keeps a copy of: the users' files and the backups. */
export const REPLICATED_PURPOSES = ["media", "backup"] as const;

/**
 * S3 Replication Time Control: 99.99 % of new objects replicated within 15 minutes, with metrics
 * and an event past the threshold (docs.aws.amazon.com/AmazonS3/latest/userguide/
 * replication-time-control.html; 15 is the one value the API accepts). The file storage RPO is
 * 1 hour (tiers document, Disaster Recovery Plan, Tier 2; self-hosted §3.2).
 */
export const REPLICATION_TIME_MINUTES = 15;

export interface BucketReplicationArgs {
  /** The primary region's buckets and region (its stack output `replication`). */
  source: pulumi.Input<ReplicationSource>;
  /** This region's buckets by purpose, each versioned (the replica's destination). */
  destinations: Partial<Record<(typeof REPLICATED_PURPOSES)[number], aws.s3.Bucket>>;
  /** This region's bucket versioning resources: S3 refuses a replication rule to an unversioned bucket. */
  versioning: pulumi.Resource[];
  /** This region's bucket key: replicas are encrypted with it. */
  keyArn: pulumi.Input<string>;
  /** An AWS provider in the primary's region: the replication configuration is the source bucket's. */
  sourceProvider: aws.Provider;
}

/**
 * Cross-region replication of the primary's media and backup buckets into this region's (tiers
 * document, Large Production: "Multi-region replication"; Geographic Scaling: multi-region
 * storage replication). A rule per bucket with delete markers, KMS-encrypted objects and
 * Replication Time Control; a role S3 assumes that reads the source's versions and writes
 * replicas, decrypting with the source's key and encrypting with this region's. S3 requires
 * versioning on both buckets and, for SSE-KMS objects, `sseKmsEncryptedObjects` and a replica key
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html,
 * replication-config-for-kms-objects.html). The configuration sits on the primary's bucket, so the
 * secondary owns it: a bucket has one replication configuration, and a promotion that drops the
 * role drops the rule with it.
 */
export class BucketReplication extends pulumi.ComponentResource {
  /** The purposes replicated. */
  public readonly purposes: string[];

  constructor(name: string, args: BucketReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:aws:BucketReplication", name, {}, opts);
    const parent = { parent: this };
    const source = pulumi.output(args.source);
    const pairs = REPLICATED_PURPOSES.flatMap((purpose) => {
      const destination = args.destinations[purpose];
      if (!destination) return [];
      const from = source.buckets.apply((buckets) => {
        const b = buckets.find((x) => x.purpose === purpose);
        if (!b)
          throw new pulumi.RunError(
            `platform:multiRegion.primaryStack: the primary has no ${purpose} bucket to replicate`,
          );
        return b;
      });
      return [{ purpose, destination, from }];
    });
    this.purposes = pairs.map((p) => p.purpose);

    const role = serviceRole(`${name}-role`, "s3.amazonaws.com", parent);
    new aws.iam.RolePolicy(
      `${name}-role`,
      {
        role: role.id,
        policy: policyJson(
          pairs.flatMap(({ from, destination }) => [
            {
              Effect: "Allow" as const,
              Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
              Resource: from.arn,
            },
            {
              Effect: "Allow" as const,
              Action: [
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionTagging",
              ],
              Resource: pulumi.interpolate`${from.arn}/*`,
            },
            {
              Effect: "Allow" as const,
              Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
              Resource: pulumi.interpolate`${destination.arn}/*`,
            },
            {
              Effect: "Allow" as const,
              Action: ["kms:Decrypt"],
              Resource: from.apply((f) => f.keyArn ?? "*"),
              Condition: {
                StringLike: {
                  "kms:ViaService": pulumi.interpolate`s3.${from.region}.amazonaws.com`,
                },
              },
            },
            {
              Effect: "Allow" as const,
              Action: ["kms:Encrypt", "kms:GenerateDataKey"],
              Resource: args.keyArn,
            },
          ]),
        ),
      },
      parent,
    );

    for (const { purpose, destination, from } of pairs) {
      new aws.s3.BucketReplicationConfig(
        `${name}-${purpose}`,
        {
          bucket: from.name,
          role: role.arn,
          rules: [
            {
              id: `to-${purpose}-replica`,
              status: "Enabled",
              priority: 1,
              filter: { prefix: "" },
              deleteMarkerReplication: { status: "Enabled" },
              sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
              destination: {
                bucket: destination.arn,
                storageClass: "STANDARD",
                encryptionConfiguration: { replicaKmsKeyId: args.keyArn },
                replicationTime: {
                  status: "Enabled",
                  time: { minutes: REPLICATION_TIME_MINUTES },
                },
                metrics: {
                  status: "Enabled",
                  eventThreshold: { minutes: REPLICATION_TIME_MINUTES },
                },
              },
            },
          ],
        },
        { ...parent, provider: args.sourceProvider, dependsOn: args.versioning },
      );
    }
    this.registerOutputs({ purposes: this.purposes });
  }
}
