import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE, type StackConfig } from "../../config";
import type { ManagedObjectStorage } from "../contract";

/** How a workload authenticates to an S3-compatible store. */
export type S3Credentials =
  /** Static keys (MinIO users, DigitalOcean Spaces keys); the consumer keeps them in its own Secret. */
  | { kind: "keys"; accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> }
  /** An IAM role the workload's service account assumes (AWS IRSA): no static keys at all. */
  | { kind: "role"; roleArn: pulumi.Input<string>; annotationKey: string };

/**
 * One bucket of an S3-compatible store, as a consumer (Postgres backups, backup jobs, apps) needs it.
 * Keys are handed over as values, not as a Secret name, so the consumer may live in any namespace.
 */
export interface S3Target {
  /** Endpoint URL. @example "http://minio.data.svc:9000" */
  endpoint: pulumi.Input<string>;
  /** Region for request signing. @example "us-east-1" */
  region: pulumi.Input<string>;
  /** Bucket name. @example "backup" */
  bucket: pulumi.Input<string>;
  /** How the consumer authenticates. @example { kind: "keys", accessKeyId, secretAccessKey } */
  credentials: S3Credentials;
}

/** The bucket of `purpose` in a managed store (S3, Spaces) the cloud layer created. */
export function managedS3Target(
  store: ManagedObjectStorage,
  purpose: "media" | "backup" | "logs",
): S3Target {
  const bucket = store.buckets[purpose];
  if (bucket === undefined)
    throw new pulumi.InputPropertyError({
      propertyPath: `managed.objectStorage.buckets.${purpose}`,
      reason: `the managed object store has no ${purpose} bucket (objectStorage.buckets lists none)`,
    });
  const c = store.credentials;
  return {
    endpoint: store.endpoint,
    region: store.region,
    bucket,
    credentials:
      c.kind === "role"
        ? { kind: "role", roleArn: c.roleArn, annotationKey: c.annotationKey }
        : { kind: "keys", accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
  };
}

/**
 * The off-site backup bucket of `backups.offsite`, with its keys from the secret config keys
 * `offsiteAccessKeyId` and `offsiteSecretAccessKey` (made with the bucket, outside this program).
 */
export function offsiteS3Target(offsite: NonNullable<StackConfig["backups"]["offsite"]>): S3Target {
  const secrets = new pulumi.Config(NAMESPACE);
  return {
    endpoint: offsite.endpoint,
    region: offsite.region,
    bucket: offsite.bucket,
    credentials: {
      kind: "keys",
      accessKeyId: secrets.requireSecret("offsiteAccessKeyId"),
      secretAccessKey: secrets.requireSecret("offsiteSecretAccessKey"),
    },
  };
}
