import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DOCUMENTED_ROTATION, rotatingPassword, type RotationPeriods } from "../kit/rotation";
import { resolveManagedDatabase } from "../../catalog";
import type { ProfileName } from "../../catalog";
import { postgresParameters } from "../database/tuning";
import type { ManagedDatabase } from "../contract";
import { alarm, type AlarmSpec } from "./alarms";
import { managedPolicy, serviceRole } from "./iam";
import { physicalName } from "../kit/naming";
import { logGroup } from "./log-groups";
import { timeWindow, weeklyWindow } from "./naming";
import { rdsParameters } from "./rds-parameters";
import { MIN_ZONES } from "./subnets";
import { protectedKey } from "./kms";

/** RDS keeps automated backups at most 35 days. */
export const RDS_MAX_RETENTION_DAYS = 35;
/**
 * Automated backup days: the config's, at least `floor` (`database.backupRetentionFloorDays`: 30
 * in production, self-hosted §3.1), at most RDS's 35.
 */
export function backupRetention(configured: number, floor: number): number {
  return Math.min(RDS_MAX_RETENTION_DAYS, Math.max(floor, configured));
}

const GIB = 1024 ** 3;

/**
 * Tiers document, Alerting Strategy: CPU above 80 % (warning), disk usage above 90 % (critical:
 * free storage below 10 % of the allocation), connections above 80 % of max_connections; Database
 * Architecture, RPO < 5 minutes: a replica more than 300 s behind.
 */
export function databaseAlarms(storageGb: number, maxConnections: number): AlarmSpec[] {
  const base = { namespace: "AWS/RDS", periods: 3 } as const;
  return [
    {
      ...base,
      name: "cpu",
      metric: "CPUUtilization",
      statistic: "Average",
      comparison: "GreaterThanThreshold",
      threshold: 80,
      description: "PostgreSQL CPU above 80 % for 15 minutes (warning)",
    },
    {
      ...base,
      name: "free-storage",
      metric: "FreeStorageSpace",
      statistic: "Minimum",
      comparison: "LessThanThreshold",
      threshold: Math.round(storageGb * GIB * 0.1),
      periods: 1,
      description: "PostgreSQL disk usage above 90 % (critical)",
    },
    {
      ...base,
      name: "connections",
      metric: "DatabaseConnections",
      statistic: "Maximum",
      comparison: "GreaterThanThreshold",
      threshold: Math.floor(maxConnections * 0.8),
      description: `PostgreSQL connections above 80 % of max_connections (${maxConnections})`,
    },
  ];
}

export const REPLICA_LAG_ALARM: AlarmSpec = {
  name: "replica-lag",
  metric: "ReplicaLag",
  namespace: "AWS/RDS",
  statistic: "Maximum",
  comparison: "GreaterThanThreshold",
  threshold: 300,
  periods: 1,
  description: "Read replica more than 300 s behind the primary (RPO 5 minutes)",
};

/**
 * The zone of each read replica: replica i in the i-th zone of the data subnets, round the zones,
 * so that losing a zone takes only its share of the read capacity (each replica is single-AZ; the
 * primary is Multi-AZ). `names` are the region's zones in the order the network made its subnets.
 */
export function replicaZones(names: string[], zones: number, replicas: number): string[] {
  const used = names.slice(0, Math.max(MIN_ZONES, zones));
  if (used.length === 0) return [];
  return Array.from({ length: replicas }, (_, i) => used[i % used.length]);
}

export interface DatabaseArgs {
  /** PostgreSQL major version. @example "16" */
  version: string;
  /** Hardware profile of each instance, from the catalog. @example "small-db" */
  profile: ProfileName;
  /** Memory the tuning assumes; 0 or more than the instance class has means the class's. @default 0 */
  memoryGb: number;
  /** gp3 storage of each instance. @example 200 */
  storageGb: number;
  /** A synchronous standby in a second zone (production). */
  multiAz: boolean;
  /** Asynchronous read replicas. @example 1 */
  replicas: number;
  /** Hardware profile of each read replica; the primary's when absent. @example "medium-db" */
  replicaProfile?: ProfileName;
  /** Postgres max_connections. @example 200 */
  maxConnections: number;
  /** Automated backup days (RDS keeps 1 to 35). @example 30 */
  backupRetentionDays: number;
  /** The daily backup's start, "HH:MM" UTC; tiers document: 2 AM UTC. @example { hour: 2, minute: 0 } */
  backupTime: { hour: number; minute: number };
  /** Physical name prefix of the instances. @example "platform-production" */
  identifierPrefix: string;
  /** Isolated data subnets. */
  subnetIds: pulumi.Input<string>[];
  /** Zones those subnets span (`network.zones`, at least two); the replicas spread over them. @example 3 */
  zones: number;
  /** The data tier's PostgreSQL security group (5432 from the application tier only). */
  securityGroupId: pulumi.Input<string>;
  /** SNS topic of the alarms. */
  alarmTopicArn: pulumi.Input<string>;
  /** Days the exported Postgres logs are kept. @example 30 */
  logRetentionDays: number;
  /** How long the master password lives (config `secrets.rotation`). @default 90 days */
  rotation?: RotationPeriods;
  /**
   * A database born a replica of another region's (`multiRegion.primaryStack`): while the region
   * is secondary, the source instance's ARN; after its promotion none. The master password is the
   * source's either way (a replica's users are its source's).
   */
  replicaOf?: { sourceArn?: pulumi.Input<string>; password: pulumi.Input<string> };
}

/**
 * What makes the region's database instance a cross-region replica, or its own primary. The
 * instance keeps its name either way, so that switching `multiRegion.role` from secondary to
 * primary is an update, not a replacement: the AWS provider's update promotes an instance whose
 * `replicate_source_db` becomes empty (PromoteReadReplica, with the configured
 * `backup_retention_period` and `backup_window`), and refuses to give an instance a new source
 * ("cannot elect new source database for replication"; terraform-provider-aws,
 * internal/service/rds/instance.go, resourceInstanceUpdate). A cross-region replica names its
 * source by ARN and needs a KMS key of its own region (the `replicateSourceDb` docs of
 * @pulumi/aws rds.Instance). Engine, database name and master user come from the source.
 */
export function instanceRole(
  replicaOf: DatabaseArgs["replicaOf"],
  own: { version: string; password: pulumi.Input<string>; backupRetentionDays: number },
) {
  if (replicaOf?.sourceArn)
    return {
      replicateSourceDb: replicaOf.sourceArn,
      // RDS for PostgreSQL keeps no automated backups of a read replica; the promotion sets them.
      backupRetentionPeriod: 0,
    };
  // Promoted: engine, database name and master user stay as the source made them (the provider
  // replaces an instance whose db_name or username changes), and so does the password.
  if (replicaOf) return { backupRetentionPeriod: own.backupRetentionDays };
  return {
    engine: "postgres",
    engineVersion: own.version,
    dbName: DATABASE_NAME,
    username: MASTER_USER,
    password: own.password,
    backupRetentionPeriod: own.backupRetentionDays,
  };
}

/** The database and user every app connects as. */
export const DATABASE_NAME = "app";
export const MASTER_USER = "platform";

/**
 * RDS for PostgreSQL: Multi-AZ in production, read replicas, KMS encryption, 30+ days of automated
 * backups, deletion protection and a final snapshot, the platform's tuning plus forced TLS,
 * Performance Insights and enhanced monitoring, isolated subnets, alarms at the documents'
 * thresholds. Cost: the instance class (catalog, via `resolveManagedDatabase`) doubled by Multi-AZ,
 * each replica, gp3 storage of each; one KMS key.
 */
export class Database extends pulumi.ComponentResource implements ManagedDatabase {
  public readonly host: pulumi.Output<string>;
  /** Every read replica's address. */
  public readonly readHosts: pulumi.Output<string>[];
  public readonly port = 5432;
  public readonly database = DATABASE_NAME;
  public readonly user = MASTER_USER;
  public readonly password: pulumi.Output<string>;
  /** ARN of the primary, for AWS Backup. */
  public readonly primaryArn: pulumi.Output<string>;
  public readonly instanceClass: string;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:aws:Database", name, args, opts);
    const parent = { parent: this };
    const resolved = resolveManagedDatabase("aws", args.profile, {
      standbys: args.multiAz ? 1 : 0,
      readReplicas: args.replicas,
    });
    this.instanceClass = resolved.type.name;
    const memoryGb =
      args.memoryGb > 0 ? Math.min(args.memoryGb, resolved.type.memoryGb) : resolved.type.memoryGb;
    const family = `postgres${args.version}`;

    // The database, its snapshots and backups are unreadable without it.
    const key = protectedKey(
      `${name}-key`,
      `Storage and Performance Insights of ${args.identifierPrefix} PostgreSQL`,
      parent,
    );
    const subnets = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { subnetIds: args.subnetIds, description: "Isolated data subnets" },
      parent,
    );
    const parameters = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        family,
        description: `Platform tuning for ${memoryGb} GB, max_connections ${args.maxConnections}`,
        parameters: rdsParameters(
          postgresParameters(memoryGb, {
            maxConnections: args.maxConnections,
            replicas: args.replicas,
          }),
        ),
      },
      parent,
    );
    // Replicas of their own class get parameters for their own memory. PostgreSQL refuses to run
    // a hot standby whose max_connections, max_worker_processes, max_wal_senders,
    // max_prepared_transactions or max_locks_per_transaction is below its primary's (PostgreSQL
    // docs, High Availability, "Hot Standby", Administrator's Overview): the same options give the
    // same values, and only the memory settings follow the class.
    const replicaType = args.replicaProfile
      ? resolveManagedDatabase("aws", args.replicaProfile).type
      : resolved.type;
    const replicaParameters =
      replicaType.name === resolved.type.name || args.replicas === 0
        ? parameters
        : new aws.rds.ParameterGroup(
            `${name}-replica-params`,
            {
              family,
              description: `Platform tuning for ${replicaType.memoryGb} GB replicas, max_connections ${args.maxConnections}`,
              parameters: rdsParameters(
                postgresParameters(replicaType.memoryGb, {
                  maxConnections: args.maxConnections,
                  replicas: args.replicas,
                }),
              ),
            },
            parent,
          );
    const monitoringRole = serviceRole(
      `${name}-monitoring`,
      "monitoring.rds.amazonaws.com",
      parent,
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-monitoring`,
      {
        role: monitoringRole.name,
        policyArn: managedPolicy("service-role/AmazonRDSEnhancedMonitoringRole"),
      },
      parent,
    );
    // RDS refuses / @ " and spaces in a master password; letters and digits carry 190 bits here.
    // A new password modifies the instance in place (`password` is no replacing input).
    // A replica's master password is its source's; the primary region rotates it.
    this.password = pulumi.secret(
      args.replicaOf
        ? pulumi.output(args.replicaOf.password)
        : rotatingPassword(
            `${name}-password`,
            { kind: "database", periods: args.rotation ?? DOCUMENTED_ROTATION, length: 32 },
            parent,
          ).result,
    );

    const identifier = physicalName([args.identifierPrefix, "postgres"], 50);
    // RDS creates the export's log group with no expiry unless it exists first.
    const logs = logGroup(
      `${name}-logs`,
      {
        name: `/aws/rds/instance/${identifier}/postgresql`,
        retentionDays: args.logRetentionDays,
        gbPerMonth: 5,
      },
      parent,
    );
    const common = {
      instanceClass: resolved.type.name,
      allocatedStorage: args.storageGb,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: key.arn,
      parameterGroupName: parameters.name,
      vpcSecurityGroupIds: [args.securityGroupId],
      publiclyAccessible: false,
      deletionProtection: true,
      // The CA with the longest life among RDS's current ones; clients verify it.
      caCertIdentifier: "rds-ca-rsa2048-g1",
      autoMinorVersionUpgrade: true,
      copyTagsToSnapshot: true,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: key.arn,
      performanceInsightsRetentionPeriod: 7,
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.arn,
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
    };
    const { hour, minute } = args.backupTime;
    const primary = new aws.rds.Instance(
      `${name}-primary`,
      {
        ...common,
        identifier,
        ...instanceRole(args.replicaOf, {
          version: args.version,
          password: this.password,
          backupRetentionDays: args.backupRetentionDays,
        }),
        dbSubnetGroupName: subnets.name,
        multiAz: args.multiAz,
        // Storage grows on its own up to twice the allocation before the disk alarm matters.
        maxAllocatedStorage: args.storageGb * 2,
        backupWindow: timeWindow(hour, minute, 30),
        // After the backup window, on Sunday, when traffic is lowest.
        maintenanceWindow: weeklyWindow("sun", hour + 2, minute, 60),
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `${identifier}-final`,
        deleteAutomatedBackups: false,
      },
      { ...parent, protect: true, dependsOn: [logs] },
    );
    this.host = primary.address;
    this.primaryArn = primary.arn;

    // The same zone list, in the same order, the network made the data subnets from.
    const zoneNames = aws
      .getAvailabilityZonesOutput({ state: "available" }, parent)
      .names.apply((names) => replicaZones(names ?? [], args.zones, args.replicas));
    const replicas = Array.from({ length: args.replicas }, (_, i) => {
      const replicaId = physicalName([args.identifierPrefix, "postgres", `replica-${i + 1}`], 60);
      logGroup(
        `${name}-replica-${i + 1}-logs`,
        {
          name: `/aws/rds/instance/${replicaId}/postgresql`,
          retentionDays: args.logRetentionDays,
          gbPerMonth: 1,
        },
        parent,
      );
      return new aws.rds.Instance(
        `${name}-replica-${i + 1}`,
        {
          ...common,
          identifier: replicaId,
          instanceClass: replicaType.name,
          parameterGroupName: replicaParameters.name,
          replicateSourceDb: primary.identifier,
          // Single-AZ each, one per zone in turn: a lost zone costs only its replicas' reads,
          // which PgBouncer sends to the others; a Multi-AZ replica would double every replica.
          multiAz: false,
          availabilityZone: zoneNames.apply((z) => z[i]),
          // A replica's backups and final snapshot are its primary's.
          backupRetentionPeriod: 0,
          skipFinalSnapshot: true,
        },
        { ...parent, protect: true },
      );
    });
    this.readHosts = replicas.map((r) => r.address);

    // A secondary region's instance lags its source like any replica (RPO 5 minutes).
    if (args.replicaOf?.sourceArn)
      alarm(
        `${name}-primary-lag`,
        REPLICA_LAG_ALARM,
        { DBInstanceIdentifier: primary.identifier },
        args.alarmTopicArn,
        parent,
      );
    for (const spec of databaseAlarms(args.storageGb, args.maxConnections)) {
      alarm(
        `${name}-${spec.name}`,
        spec,
        { DBInstanceIdentifier: primary.identifier },
        args.alarmTopicArn,
        parent,
      );
    }
    replicas.forEach((replica, i) =>
      alarm(
        `${name}-replica-${i + 1}-lag`,
        REPLICA_LAG_ALARM,
        { DBInstanceIdentifier: replica.identifier },
        args.alarmTopicArn,
        parent,
      ),
    );

    this.registerOutputs({ host: this.host, readHosts: this.readHosts, password: this.password });
  }
}
