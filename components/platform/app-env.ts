import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config";
import { primarySource, regionRole } from "../region";
import type {
  CacheEndpoint,
  DataEndpoints,
  ObjectStoreEndpoint,
  PostgresEndpoint,
} from "../contract";

/** A PostgreSQL URL with TLS required: managed servers refuse anything else (rds.force_ssl). */
export function postgresUrl(c: {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  sslmode?: PostgresEndpoint["sslmode"];
}): string {
  const auth = `${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}`;
  const sslmode = c.sslmode ?? "require";
  return `postgresql://${auth}@${c.host}:${c.port}/${encodeURIComponent(c.database)}?sslmode=${sslmode}`;
}

/**
 * A Redis URL, over TLS (`rediss`) unless the endpoint says otherwise: ElastiCache and DigitalOcean
 * require transit encryption; the in-cluster Valkey is reached inside the data network policy.
 */
export function redisUrl(c: {
  host: string;
  port: number;
  password: string;
  tls?: boolean;
  database?: number;
}): string {
  const scheme = c.tls === false ? "redis" : "rediss";
  const database = c.database === undefined ? "" : `/${c.database}`;
  return `${scheme}://:${encodeURIComponent(c.password)}@${c.host}:${c.port}${database}`;
}

/**
 * A managed server as the apps see it through the in-cluster PgBouncer: writes through the pooler,
 * reads to the pooler's read database, which takes turns over every replica, or, without replicas,
 * to the server itself.
 */
export function behindPooler(
  server: PostgresEndpoint,
  pooler: { host: pulumi.Input<string>; port: number; readDatabase?: pulumi.Input<string> },
): PostgresEndpoint {
  return {
    ...server,
    host: pooler.host,
    port: pooler.port,
    readEndpoint:
      pooler.readDatabase !== undefined
        ? { host: pooler.host, port: pooler.port, database: pooler.readDatabase }
        : {
            host: server.readHosts?.[0] ?? server.host,
            port: server.port,
            database: server.database,
          },
  };
}

function databaseEnv(db: PostgresEndpoint): Record<string, pulumi.Output<string>> {
  const url = (
    host: pulumi.Input<string>,
    port: pulumi.Input<number>,
    name: pulumi.Input<string> = db.database,
  ) =>
    pulumi.secret(
      pulumi
        .all([host, port, name, db.user, db.password])
        .apply(([h, p, database, user, password]) =>
          postgresUrl({ host: h, port: p, database, user, password, sslmode: db.sslmode }),
        ),
    );
  const replicas = db.readHosts ?? [];
  const read = db.readEndpoint;
  if (!read && replicas.length > 1)
    // The config gate asks for database.pooler.enabled here (config/providers.ts).
    throw new pulumi.RunError(
      "more than one read replica needs the in-cluster PgBouncer as their one read endpoint",
    );
  return {
    DATABASE_URL: url(db.host, db.port),
    DATABASE_READ_URL: read
      ? url(read.host, read.port, read.database)
      : url(replicas[0] ?? db.host, db.port),
  };
}

function cacheEnv(cache: CacheEndpoint): Record<string, pulumi.Output<string>> {
  return {
    REDIS_URL: pulumi.secret(
      pulumi
        .all([cache.host, cache.port, cache.password])
        .apply(([host, port, password]) =>
          redisUrl({ host, port, password, tls: cache.tls, database: cache.database }),
        ),
    ),
    // A cluster serves database 0 alone and answers MOVED for keys of other shards: the apps
    // open a cluster client when this says so (README, "Cache cluster mode").
    ...(cache.cluster ? { REDIS_CLUSTER: pulumi.secret(pulumi.output("true")) } : {}),
  };
}

function objectStoreEnv(store: ObjectStoreEndpoint): Record<string, pulumi.Output<string>> {
  const media = store.buckets.media;
  const c = store.appCredentials;
  if (media === undefined || !c) return {};
  const secret = (value: pulumi.Input<string>) => pulumi.secret(pulumi.output(value));
  return {
    S3_ENDPOINT: secret(store.endpoint),
    S3_REGION: secret(store.region),
    S3_BUCKET: secret(media),
    ...(c.kind === "keys"
      ? { S3_ACCESS_KEY_ID: secret(c.accessKeyId), S3_SECRET_ACCESS_KEY: secret(c.secretAccessKey) }
      : {}),
  };
}

/**
 * Every app's connection environment, from the data endpoints however they are run: DATABASE_URL
 * and DATABASE_READ_URL (to the read endpoint, or the one replica, or the primary without any),
 * REDIS_URL, and the media bucket as S3_* (with the apps' own keys, or none where an IAM role on
 * their service account grants it). Every value stays a secret.
 */
export function appEnv(endpoints: DataEndpoints): Record<string, pulumi.Output<string>> {
  return {
    ...(endpoints.objectStorage ? objectStoreEnv(endpoints.objectStorage) : {}),
    ...(endpoints.database ? databaseEnv(endpoints.database) : {}),
    ...(endpoints.cache ? cacheEnv(endpoints.cache) : {}),
  };
}

/** The apps' service account annotations: the media bucket's IAM role, where it is one. */
export function appAccountAnnotations(
  store?: ObjectStoreEndpoint,
): Record<string, pulumi.Input<string>> | undefined {
  const c = store?.appCredentials;
  return c?.kind === "role" ? { [c.annotationKey]: c.roleArn } : undefined;
}

/**
 * What an app must know of its region in a group (README, "Several regions"): its region and
 * role, and in a secondary, where the primary region's gateway is (`<region>.origin.<domain>`,
 * the primary's own record), since this region's database is a read-only replica and writes go
 * to the primary. Plain values: the ConfigMap's. None for a stack on its own.
 */
export function regionEnv(config: StackConfig): Record<string, pulumi.Input<string>> {
  if (!config.multiRegion.group) return {};
  const role = regionRole(config);
  const env: Record<string, pulumi.Input<string>> = {
    PLATFORM_REGION: config.region,
    PLATFORM_REGION_ROLE: role,
  };
  const primary = primarySource(config);
  if (!primary) return env;
  const region = primary.source.apply((s) => s.region);
  return {
    ...env,
    PLATFORM_PRIMARY_REGION: region,
    PLATFORM_PRIMARY_ORIGIN: pulumi.interpolate`https://${region}.origin.${config.domain}`,
  };
}
