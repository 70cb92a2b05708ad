/**
 * The gate's rules for cache cluster mode (`cache.shards`): Redis Cluster's three-primary minimum,
 * Sentinel and cluster mode exclusive, a replica per shard in production, ElastiCache's node limit
 * and DigitalOcean's lack of cluster mode, each one line naming the key path.
 */
import { cacheNodeCount, ConfigError, parseStackConfig, PRESETS } from "../../config";

const aws = {
  provider: "aws",
  tier: "enterprise",
  region: "us-east-1",
  domain: "example.com",
  adminCidrs: ["203.0.113.0/24"],
};

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

const cacheLines = (cache: Record<string, unknown>, raw: Record<string, unknown> = aws) =>
  problems({ ...raw, cache }).filter((l) => l.startsWith("platform:cache"));

describe("cache cluster mode", () => {
  it("counts shards × (1 + replicas) nodes", () => {
    expect(cacheNodeCount({ shards: 1, replicas: 2 })).toBe(3);
    expect(cacheNodeCount({ shards: 5, replicas: 1 })).toBe(10);
  });

  it("gives the enterprise tier a Redis Cluster of 10+ nodes without Sentinel, and the others one shard", () => {
    const c = PRESETS.enterprise.cache;
    expect(c.shards).toBeGreaterThanOrEqual(3);
    expect(cacheNodeCount(c)).toBeGreaterThanOrEqual(10);
    expect(c.sentinel).toBe(false);
    for (const tier of ["local", "staging", "small", "medium", "large"] as const)
      expect(PRESETS[tier].cache.shards).toBe(1);
  });

  it("gives the enterprise tier 30 to 50 app nodes and a database with a standby and replicas", () => {
    const p = PRESETS.enterprise;
    expect([p.nodePools.app!.min, p.nodePools.app!.max]).toEqual([30, 50]);
    expect(p.database).toMatchObject({ multiAz: true });
    expect(p.database.replicas).toBeGreaterThanOrEqual(3);
    expect(p.database.pooler.enabled).toBe(true);
  });

  it("refuses two shards: a cluster needs a majority of three or more primaries", () => {
    expect(cacheLines({ mode: "managed", shards: 2 })).toEqual([
      expect.stringMatching(
        /^platform:cache\.shards: must be 1 \(no cluster\) or at least 3: .*\(got 2\)$/,
      ),
    ]);
    expect(cacheLines({ mode: "managed", shards: 3 })).toEqual([]);
    expect(cacheLines({ mode: "managed", shards: 0 })).toEqual([
      "platform:cache.shards: must be at least 1 (got 0)",
    ]);
  });

  it("refuses Sentinel beside cluster mode", () => {
    expect(cacheLines({ mode: "self-hosted", shards: 3, replicas: 1, sentinel: true })).toEqual([
      expect.stringMatching(/^platform:cache\.sentinel: must be false with cache\.shards 3: /),
    ]);
    // One shard keeps Sentinel as the existing stacks use it.
    expect(cacheLines({ mode: "self-hosted", shards: 1, replicas: 2, sentinel: true })).toEqual([]);
  });

  it("asks a production cluster for a replica in every shard, and lets staging run without", () => {
    expect(cacheLines({ mode: "managed", shards: 3, replicas: 0 })).toEqual([
      expect.stringMatching(
        /^platform:cache\.replicas: must be at least 1 with cache\.shards 3 on the enterprise tier/,
      ),
    ]);
    expect(
      cacheLines({ mode: "self-hosted", shards: 3, replicas: 0 }, { ...aws, tier: "staging" }),
    ).toEqual([]);
  });

  it("keeps an ElastiCache cluster within 500 nodes and 5 replicas per shard", () => {
    expect(cacheLines({ mode: "managed", shards: 100, replicas: 5 })).toEqual([
      expect.stringMatching(
        /^platform:cache\.shards: must keep shards × \(1 \+ replicas\) at most 500 .*got 600 nodes/,
      ),
    ]);
    expect(cacheLines({ mode: "managed", shards: 83, replicas: 5 })).toEqual([]);
    expect(cacheLines({ mode: "managed", shards: 3, replicas: 6 })).toEqual([
      expect.stringMatching(/^platform:cache\.replicas: must be at most 5 /),
    ]);
    // A self-hosted cluster is not ElastiCache's to limit.
    expect(cacheLines({ mode: "self-hosted", shards: 100, replicas: 5 })).toEqual([]);
  });

  it("refuses cluster mode for DigitalOcean's managed Valkey, which has none", () => {
    const doStack = { ...aws, provider: "digitalocean", region: "nyc3" };
    expect(cacheLines({ mode: "managed", shards: 3, replicas: 1 }, doStack)).toEqual([
      expect.stringMatching(
        /^platform:cache\.shards: must be 1 for managed Valkey on digitalocean/,
      ),
    ]);
  });
});
