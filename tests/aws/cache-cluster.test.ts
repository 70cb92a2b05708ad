/**
 * ElastiCache in cluster mode (tiers document, Enterprise: "Redis Cluster (10+ nodes)"): shards
 * and replicas per shard, the cluster-enabled parameter group, the configuration endpoint the apps
 * reach, and the price of every node.
 */
import { cacheNodeIds } from "../../components/aws/cache";
import { appEnv } from "../../components/platform/app-env";
import { AWS_PRICERS } from "../../plan/pricers/aws";
import type { Registered } from "../../plan/mocks";
import { ofType, one } from "../helpers/mocks";
import type { ClusterFacts } from "../../components/contract";
import { awsConfig, recordAwsFacts, resolved } from "./helpers";

const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";

describe("cacheNodeIds", () => {
  it("names nodes <group>-001.. without cluster mode and <group>-0001-001.. (shard, node) with it", () => {
    expect(cacheNodeIds("g", 1, 2)).toEqual(["g-001", "g-002", "g-003"]);
    expect(cacheNodeIds("g", 3, 1)).toEqual([
      "g-0001-001",
      "g-0001-002",
      "g-0002-001",
      "g-0002-002",
      "g-0003-001",
      "g-0003-002",
    ]);
  });
});

describe("ElastiCache cluster mode", () => {
  let rs: Registered[];
  let facts: ClusterFacts;
  beforeAll(async () => {
    ({ rs, facts } = await recordAwsFacts(
      awsConfig({ tier: "enterprise", cache: { mode: "managed", shards: 5, replicas: 1 } }),
    ));
  });

  it("runs 5 shards of a primary and a replica, encrypted, authenticated, failing over across zones", () => {
    const group = one(rs, GROUP);
    expect(group.inputs).toMatchObject({
      clusterMode: "enabled",
      numNodeGroups: 5,
      replicasPerNodeGroup: 1,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
    });
    // numCacheClusters is cluster-mode-disabled only; the API refuses both together.
    expect(group.inputs.numCacheClusters).toBeUndefined();
    expect(group.inputs.authToken.length).toBeGreaterThanOrEqual(32);
    expect(group.protect).toBe(true);
  });

  it("uses a parameter group with cluster-enabled yes beside allkeys-lru", () => {
    const params = one(rs, "aws:elasticache/parameterGroup:ParameterGroup").inputs;
    expect(params.family).toBe("valkey8");
    expect(params.parameters).toEqual([
      { name: "maxmemory-policy", value: "allkeys-lru" },
      { name: "cluster-enabled", value: "yes" },
    ]);
  });

  it("alarms on every one of the 10 nodes by its cluster-mode node id", () => {
    const cpu = ofType(rs, "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
      (a) =>
        a.inputs.namespace === "AWS/ElastiCache" && a.inputs.metricName === "EngineCPUUtilization",
    );
    expect(cpu).toHaveLength(10);
    const groupId = one(rs, GROUP).inputs.replicationGroupId;
    expect(cpu.map((a) => a.inputs.dimensions.CacheClusterId)).toEqual(cacheNodeIds(groupId, 5, 1));
  });

  it("hands the apps the configuration endpoint with REDIS_CLUSTER=true", async () => {
    const cache = facts.managed!.cache!;
    expect(cache.cluster).toBe(true);
    expect(await resolved(cache.host)).toMatch(/^clustercfg\./);
    const env = appEnv({ cache });
    expect(await resolved(env.REDIS_CLUSTER)).toBe("true");
    expect(await resolved(env.REDIS_URL)).toMatch(/^rediss:\/\/:[^@]+@clustercfg\.[^:]+:6379$/);
  });

  it("prices every node of every shard: 5 × (1 + 1) nodes", () => {
    const group = one(rs, GROUP);
    const price = AWS_PRICERS[GROUP];
    const priced = price(group.inputs, "aws");
    const single = price({ ...group.inputs, numNodeGroups: 1, replicasPerNodeGroup: 0 }, "aws");
    expect(priced!.monthlyUsd).toBeCloseTo(10 * single!.monthlyUsd);
    expect(priced!.basis).toMatch(/^10 × cache\./);
  });
});

describe("ElastiCache cluster mode outside production", () => {
  it("keeps automatic failover (cluster mode requires it) but no Multi-AZ without replicas", async () => {
    const { rs } = await recordAwsFacts(
      awsConfig({ tier: "staging", cache: { mode: "managed", shards: 3, replicas: 0 } }),
    );
    expect(one(rs, GROUP).inputs).toMatchObject({
      numNodeGroups: 3,
      replicasPerNodeGroup: 0,
      automaticFailoverEnabled: true,
      multiAzEnabled: false,
    });
  });
});

describe("ElastiCache without cluster mode", () => {
  it("keeps the primary endpoint and no REDIS_CLUSTER for one shard", async () => {
    const { rs, facts } = await recordAwsFacts(awsConfig());
    const group = one(rs, GROUP).inputs;
    expect(group.clusterMode).toBeUndefined();
    expect(group.numNodeGroups).toBeUndefined();
    expect(await resolved(facts.managed!.cache!.host)).toMatch(/^master\./);
    expect(appEnv({ cache: facts.managed!.cache! }).REDIS_CLUSTER).toBeUndefined();
  });
});
