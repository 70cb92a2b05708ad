import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import type { ManagedDatabase } from "../contract";
import { DATABASE_MAINTENANCE } from "./maintenance-windows";
import { managedCluster, type ManagedClusterPlacement } from "./managed-cluster";

/** The application database inside the managed cluster. */
export const APP_DATABASE = "app";

export interface PostgresArgs extends ManagedClusterPlacement {
  /** PostgreSQL major version. @example "16" */
  version: string;
  /** HA standby nodes beside the primary. @default 1 in production, 0 otherwise */
  standbys: number;
  /** Read-only nodes of the same size. @example 1 */
  readReplicas: number;
  /** PgBouncer pool in transaction mode, its size in server connections; none when undefined. */
  poolSize?: number;
  /** work_mem in MB, by the self-hosted tuning rule. @example 16 */
  workMemMb: number;
  /** Daily backup time (UTC), from backups.schedule. @example { hour: 2, minute: 0 } */
  backupTime?: { hour: number; minute: number };
}

/**
 * DigitalOcean managed PostgreSQL in the stack's VPC, reachable from the Kubernetes cluster only:
 * HA standbys, read-only nodes, an optional PgBouncer pool and the documents' tuning where
 * DigitalOcean exposes it. DigitalOcean takes a full backup daily and keeps 7 days of
 * point-in-time recovery; the 30-day retention of self-hosted §3.1 comes from the platform
 * layer's daily dumps to the backup bucket.
 *
 * The tiers document's extensions (pg_stat_statements, pgcrypto, uuid-ossp, pg_trgm) are all on
 * DigitalOcean's list, but the provider has no resource that creates one: the application's first
 * migration runs `CREATE EXTENSION IF NOT EXISTS` for each as the database owner.
 *
 * Cost: the size's price for the primary, ⅔ of it per standby, full price per read-only node.
 */
export class Postgres extends pulumi.ComponentResource {
  public readonly connection: ManagedDatabase;
  public readonly clusterId: pulumi.Output<string>;

  constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:digitalocean:Postgres", name, args, opts);
    const parent = { parent: this };
    const cluster = managedCluster(name, this, args, {
      engine: "pg",
      suffix: "pg",
      version: args.version,
      nodeCount: 1 + args.standbys,
      maintenance: DATABASE_MAINTENANCE,
    });

    const db = new digitalocean.DatabaseDb(
      `${name}-db`,
      { clusterId: cluster.id, name: APP_DATABASE },
      { ...parent, protect: true },
    );

    new digitalocean.DatabasePostgresqlConfig(
      `${name}-config`,
      {
        clusterId: cluster.id,
        // Tiers document, Small/Medium: shared_buffers 25 % of memory; work_mem by the same
        // rule as the self-hosted server; slow statements logged after 1 s (self-hosted §5.1).
        sharedBuffersPercentage: 25,
        workMem: args.workMemMb,
        logMinDurationStatement: 1000,
        // Tiers document, Backup Strategy: the full backup runs daily at 2 AM UTC.
        backupHour: args.backupTime?.hour,
        backupMinute: args.backupTime?.minute,
      },
      parent,
    );

    const replicas = Array.from(
      { length: args.readReplicas },
      (_, i) =>
        new digitalocean.DatabaseReplica(
          `${name}-replica-${i + 1}`,
          {
            clusterId: cluster.id,
            name: `${args.prefix}-pg-replica-${i + 1}`,
            size: args.size,
            region: args.region,
            privateNetworkUuid: args.vpcId,
          },
          // A read-only node holds a copy of the data and takes the read traffic.
          { ...parent, protect: true },
        ),
    );

    // Apps reach the pool when there is one: its name is the database they connect to, with the
    // cluster's user (a pool without a user of its own passes the client's through).
    const pool =
      args.poolSize !== undefined
        ? new digitalocean.DatabaseConnectionPool(
            `${name}-pool`,
            {
              clusterId: cluster.id,
              name: `${APP_DATABASE}-pool`,
              dbName: db.name,
              mode: "transaction",
              size: args.poolSize,
            },
            parent,
          )
        : undefined;

    // DigitalOcean requires TLS on every connection (sslmode=require).
    this.connection = {
      host: pool ? pool.privateHost : cluster.privateHost,
      port: pool ? pool.port : cluster.port,
      database: pool ? pool.name : db.name,
      user: cluster.user,
      password: pulumi.secret(cluster.password),
      readHosts: replicas.map((r) => r.privateHost),
      pooled: pool !== undefined,
    };
    this.clusterId = cluster.id;
    this.registerOutputs({ host: this.connection.host, password: this.connection.password });
  }
}
