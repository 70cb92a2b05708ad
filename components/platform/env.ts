import * as pulumi from "@pulumi/pulumi";
import type { ManagedCache, ManagedDatabase, ManagedObjectStorage } from "../contract";

/** A PostgreSQL URL with TLS required: managed servers refuse anything else (rds.force_ssl). */
export function postgresUrl(c: {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}): string {
  const auth = `${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}`;
  return `postgresql://${auth}@${c.host}:${c.port}/${encodeURIComponent(c.database)}?sslmode=require`;
}

/** A Redis URL over TLS (`rediss`): ElastiCache and DigitalOcean require transit encryption. */
export function redisUrl(c: { host: string; port: number; password: string }): string {
  return `rediss://:${encodeURIComponent(c.password)}@${c.host}:${c.port}`;
}

/**
 * The apps' connection environment for the data services the cloud manages: DATABASE_URL through
 * the in-cluster pooler when there is one (else straight to the server), DATABASE_READ_URL to the
 * pooler's read database, which takes turns over every replica, or to the one replica, or the
 * primary without any; REDIS_URL; the media bucket as S3_* (with the apps' own keys, or none where
 * an IAM role on their service account grants it). Every value stays a secret.
 */
export function managedDataEnv(
  managed: {
    database?: ManagedDatabase;
    cache?: ManagedCache;
    objectStorage?: ManagedObjectStorage;
  },
  pooler?: { host: pulumi.Input<string>; port: number; readDatabase?: pulumi.Input<string> },
): Record<string, pulumi.Output<string>> {
  const env: Record<string, pulumi.Output<string>> = {};
  const db = managed.database;
  if (db) {
    const url = (
      host: pulumi.Input<string>,
      port: pulumi.Input<number>,
      name: pulumi.Input<string> = db.database,
    ) =>
      pulumi.secret(
        pulumi
          .all([host, port, name, db.user, db.password])
          .apply(([h, p, database, user, password]) =>
            postgresUrl({ host: h, port: p, database, user, password }),
          ),
      );
    env.DATABASE_URL = pooler ? url(pooler.host, pooler.port) : url(db.host, db.port);
    const replicas = db.readHosts ?? [];
    if (pooler?.readDatabase !== undefined)
      env.DATABASE_READ_URL = url(pooler.host, pooler.port, pooler.readDatabase);
    else if (replicas.length > 1)
      // The config gate asks for database.pooler.enabled here (config/providers.ts).
      throw new pulumi.RunError(
        "more than one read replica needs the in-cluster PgBouncer as their one read endpoint",
      );
    else env.DATABASE_READ_URL = url(replicas[0] ?? db.host, db.port);
  }
  const cache = managed.cache;
  if (cache)
    env.REDIS_URL = pulumi.secret(
      pulumi
        .all([cache.host, cache.port, cache.password])
        .apply(([host, port, password]) => redisUrl({ host, port, password })),
    );
  const store = managed.objectStorage;
  const media = store?.buckets.media;
  if (store && media !== undefined && store.appCredentials) {
    env.S3_ENDPOINT = pulumi.secret(pulumi.output(store.endpoint));
    env.S3_REGION = pulumi.secret(pulumi.output(store.region));
    env.S3_BUCKET = pulumi.secret(pulumi.output(media));
    const c = store.appCredentials;
    if (c.kind === "keys") {
      env.S3_ACCESS_KEY_ID = pulumi.secret(pulumi.output(c.accessKeyId));
      env.S3_SECRET_ACCESS_KEY = pulumi.secret(pulumi.output(c.secretAccessKey));
    }
  }
  return env;
}

/** The apps' service account annotations: the media bucket's IAM role, where it is one. */
export function appAccountAnnotations(
  store?: ManagedObjectStorage,
): Record<string, pulumi.Input<string>> | undefined {
  const c = store?.appCredentials;
  return c?.kind === "role" ? { [c.annotationKey]: c.roleArn } : undefined;
}
