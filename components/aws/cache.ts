import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { resolveManagedCache } from "../../catalog";
import type { ManagedCache } from "../contract";
import { alarm, type AlarmSpec } from "./alarms";
import { physicalName } from "../kit/naming";
import { timeWindow, weeklyWindow } from "./naming";
import { protectedKey } from "./kms";

/** Valkey engine line; its parameter group family follows the major version. */
export const VALKEY_VERSION = "8.0";
export const VALKEY_FAMILY = "valkey8";

/**
 * Tiers document, Alerting Strategy (CPU/memory above 80 % is a warning) and Redis Configuration
 * (eviction policy allkeys-lru): evictions that go on for 15 minutes mean the cache is too small.
 */
export const CACHE_ALARMS: AlarmSpec[] = [
  {
    name: "cpu",
    namespace: "AWS/ElastiCache",
    metric: "EngineCPUUtilization",
    statistic: "Average",
    comparison: "GreaterThanThreshold",
    threshold: 80,
    periods: 3,
    description: "Valkey engine CPU above 80 % for 15 minutes (warning)",
  },
  {
    name: "memory",
    namespace: "AWS/ElastiCache",
    metric: "DatabaseMemoryUsagePercentage",
    statistic: "Average",
    comparison: "GreaterThanThreshold",
    threshold: 80,
    periods: 3,
    description: "Valkey memory above 80 % of maxmemory for 15 minutes (warning)",
  },
  {
    name: "evictions",
    namespace: "AWS/ElastiCache",
    metric: "Evictions",
    statistic: "Sum",
    comparison: "GreaterThanThreshold",
    threshold: 0,
    periods: 3,
    description: "Valkey evicting keys for 15 minutes: the cache is smaller than its working set",
  },
];

export interface CacheArgs {
  /** Memory each node must hold, in GB. @example 2 */
  memoryGb: number;
  /** Replicas beside the primary (of each shard in cluster mode); tiers document: a cluster of 3 nodes. @example 2 */
  replicas: number;
  /**
   * Shards of cluster mode: 1 is one primary with its replicas (cluster mode disabled); 3 or more
   * partition the keys over that many primaries (tiers document, Enterprise: "Redis Cluster (10+
   * nodes)"). @default 1
   */
  shards?: number;
  /** Physical name prefix. @example "platform-production" */
  identifierPrefix: string;
  /** Isolated data subnets. */
  subnetIds: pulumi.Input<string>[];
  /** The data tier's Valkey security group (6379 from the application tier only). */
  securityGroupId: pulumi.Input<string>;
  /** SNS topic of the alarms. */
  alarmTopicArn: pulumi.Input<string>;
  /** The daily snapshot's start, UTC. @example { hour: 2, minute: 0 } */
  snapshotTime: { hour: number; minute: number };
}

/**
 * ElastiCache node ids, for the per-node alarms: `<group>-001`, `-002`, ... with cluster mode
 * disabled, `<group>-0001-001` (shard, then node) with it enabled (ElastiCache User Guide,
 * "Finding connection endpoints": node endpoints of a cluster-mode group).
 */
export function cacheNodeIds(groupId: string, shards: number, replicas: number): string[] {
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  const perShard = Array.from({ length: 1 + replicas }, (_, i) => pad(i + 1, 3));
  if (shards <= 1) return perShard.map((node) => `${groupId}-${node}`);
  return Array.from({ length: shards }, (_, s) =>
    perShard.map((node) => `${groupId}-${pad(s + 1, 4)}-${node}`),
  ).flat();
}

/**
 * ElastiCache for Valkey: a primary and replicas across zones with automatic failover, or in
 * cluster mode `shards` primaries each with `replicas` replicas behind one configuration endpoint;
 * encrypted at rest (KMS) and in transit with a generated auth token, daily snapshots kept 7 days,
 * allkeys-lru, isolated subnets and alarms. Cost: the node type (catalog, via `resolveManagedCache`)
 * × every node of every shard, one KMS key.
 */
export class Cache extends pulumi.ComponentResource implements ManagedCache {
  public readonly host: pulumi.Output<string>;
  public readonly port = 6379;
  public readonly password: pulumi.Output<string>;
  public readonly nodeType: string;
  /** Cluster mode: clients use a cluster client on the configuration endpoint (`host`). */
  public readonly cluster: boolean;

  constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:aws:Cache", name, args, opts);
    const parent = { parent: this };
    const shards = args.shards ?? 1;
    const cluster = shards > 1;
    this.cluster = cluster;
    const nodes = shards * (1 + args.replicas);
    const resolved = resolveManagedCache("aws", args.memoryGb, { nodes });
    this.nodeType = resolved.type.name;

    // The cache's data and snapshots are unreadable without it.
    const key = protectedKey(`${name}-key`, "ElastiCache at-rest encryption", parent);
    const subnets = new aws.elasticache.SubnetGroup(
      `${name}-subnets`,
      { subnetIds: args.subnetIds, description: "Isolated data subnets" },
      parent,
    );
    const parameters = new aws.elasticache.ParameterGroup(
      `${name}-params`,
      {
        family: VALKEY_FAMILY,
        description: "Tiers document, Redis Configuration: eviction policy allkeys-lru",
        parameters: [
          { name: "maxmemory-policy", value: "allkeys-lru" },
          // A cluster-mode group needs a parameter group with cluster mode on (AWS provider,
          // elasticache.ReplicationGroup: "use a parameter group that has cluster mode enabled").
          ...(cluster ? [{ name: "cluster-enabled", value: "yes" }] : []),
        ],
      },
      parent,
    );
    // ElastiCache auth tokens: 16-128 printable characters without @, " or /.
    const token = new random.RandomPassword(
      `${name}-auth-token`,
      { length: 64, special: false },
      parent,
    );
    this.password = pulumi.secret(token.result);

    const groupId = physicalName([args.identifierPrefix, "valkey"], 36);
    // Cluster mode requires automatic failover (AWS provider, elasticache.ReplicationGroup
    // automaticFailoverEnabled: "Must be enabled for ... (cluster mode enabled) replication
    // groups"); Multi-AZ needs a replica to fail over to.
    const failover = cluster || nodes > 1;
    const multiAz = args.replicas >= 1;
    const { hour, minute } = args.snapshotTime;
    const group = new aws.elasticache.ReplicationGroup(
      `${name}-group`,
      {
        replicationGroupId: groupId,
        description: `Valkey cache of ${args.identifierPrefix}`,
        engine: "valkey",
        engineVersion: VALKEY_VERSION,
        nodeType: resolved.type.name,
        ...(cluster
          ? { clusterMode: "enabled", numNodeGroups: shards, replicasPerNodeGroup: args.replicas }
          : { numCacheClusters: nodes }),
        port: this.port,
        parameterGroupName: parameters.name,
        subnetGroupName: subnets.name,
        securityGroupIds: [args.securityGroupId],
        automaticFailoverEnabled: failover,
        multiAzEnabled: multiAz,
        atRestEncryptionEnabled: true,
        kmsKeyId: key.arn,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        authToken: this.password,
        snapshotRetentionLimit: 7,
        snapshotWindow: timeWindow(hour, minute, 60),
        maintenanceWindow: weeklyWindow("sun", hour + 2, minute, 60),
        autoMinorVersionUpgrade: true,
        applyImmediately: false,
        finalSnapshotIdentifier: `${groupId}-final`,
      },
      { ...parent, protect: true },
    );
    // Cluster mode has no primary endpoint: cluster clients discover the shards from the
    // configuration endpoint.
    this.host = cluster ? group.configurationEndpointAddress : group.primaryEndpointAddress;

    // Host metrics are per node.
    cacheNodeIds(groupId, shards, args.replicas).forEach((member, i) => {
      for (const spec of CACHE_ALARMS) {
        alarm(
          `${name}-${spec.name}-${i + 1}`,
          spec,
          { CacheClusterId: member },
          args.alarmTopicArn,
          {
            ...parent,
            dependsOn: [group],
          },
        );
      }
    });
    this.registerOutputs({ host: this.host, password: this.password });
  }
}
