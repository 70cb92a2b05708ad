import * as pulumi from "@pulumi/pulumi";
import { CloudflareEdge, edgeLayer, hostLabel, withEdgeFacts } from "../../components/edge";
import type { ClusterFacts } from "../../components/contract";
import { CLOUDFLARE_PLAN_PRICES } from "../../catalog";
import { priceStack } from "../../plan/cost";
import { loadBalancingMonthlyUsd } from "../../plan/pricers/cloudflare";
import "../../plan/pricers";
import { stackConfig } from "../helpers/stacks";
import { one, ofType, record } from "../helpers/mocks";

const T = {
  record: "cloudflare:index/dnsRecord:DnsRecord",
  setting: "cloudflare:index/zoneSetting:ZoneSetting",
  ruleset: "cloudflare:index/ruleset:Ruleset",
  bots: "cloudflare:index/botManagement:BotManagement",
  monitor: "cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor",
  pool: "cloudflare:index/loadBalancerPool:LoadBalancerPool",
  lb: "cloudflare:index/loadBalancer:LoadBalancer",
};

const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
const ACCOUNT = "f037e56e89293a057740de681ac9abbe";
const hosts = [
  { host: "example.com", healthPath: "/api/health", cacheDynamic: false },
  { host: "graphql.example.com", healthPath: "/healthz", cacheDynamic: false },
  { host: "auth.example.com", cacheDynamic: false },
];

function build(over: Partial<ConstructorParameters<typeof CloudflareEdge>[1]> = {}) {
  return record(() => {
    new CloudflareEdge("edge", {
      domain: "example.com",
      zoneId: ZONE,
      accountId: ACCOUNT,
      plan: "pro",
      hosts,
      origins: [{ name: "fsn1", address: pulumi.output("198.51.100.7"), recordType: "A" }],
      ...over,
    });
  });
}

describe("CloudflareEdge", () => {
  it("points a proxied record for every host at the gateway's address", async () => {
    const rs = await build();
    const records = ofType(rs, T.record).map((r) => r.inputs);
    expect(records.map((r) => r.name).sort()).toEqual(hosts.map((h) => h.host).sort());
    for (const r of records)
      expect(r).toMatchObject({ zoneId: ZONE, type: "A", content: "198.51.100.7", proxied: true });
  });

  it("manages the zone's TLS, HSTS and origin-pull settings", async () => {
    const rs = await build({ minTlsVersion: "1.3" });
    const settings = Object.fromEntries(
      ofType(rs, T.setting).map((s) => [s.inputs.settingId, s.inputs.value]),
    );
    expect(settings).toMatchObject({
      ssl: "strict",
      min_tls_version: "1.3",
      tls_1_3: "on",
      tls_client_auth: "on",
    });
  });

  it("runs the plan's WAF, the rate limit and bot protection, and drops them when waf is off", async () => {
    const phases = (rs: Awaited<ReturnType<typeof build>>) =>
      ofType(rs, T.ruleset)
        .map((r) => r.inputs.phase)
        .sort();
    const on = await build();
    expect(phases(on)).toEqual([
      "http_ratelimit",
      "http_request_cache_settings",
      "http_request_dynamic_redirect",
      "http_request_firewall_managed",
    ]);
    expect(ofType(on, T.bots)).toHaveLength(1);
    const off = await build({ waf: false });
    expect(phases(off)).toEqual(["http_request_cache_settings", "http_request_dynamic_redirect"]);
    expect(ofType(off, T.bots)).toHaveLength(0);
  });

  it("health-checks each host on its app's health path, a pool per gateway, a load balancer per host", async () => {
    const rs = await build({ loadBalancing: true });
    expect(
      ofType(rs, T.lb)
        .map((l) => l.inputs.name)
        .sort(),
    ).toEqual(hosts.map((h) => h.host).sort());
    const apexMonitor = one(rs, T.monitor, "edge-monitor-apex").inputs;
    expect(apexMonitor).toMatchObject({
      accountId: ACCOUNT,
      type: "https",
      path: "/api/health",
      header: { Host: ["example.com"] },
      expectedCodes: "2xx",
    });
    // No app on the auth host serves its health path through the gateway: a TCP check.
    expect(one(rs, T.monitor, "edge-monitor-auth").inputs.type).toBe("tcp");
    const pool = one(rs, T.pool, "edge-pool-fsn1-graphql").inputs;
    expect(pool.origins).toEqual([
      expect.objectContaining({
        address: "198.51.100.7",
        header: { hosts: ["graphql.example.com"] },
      }),
    ]);
    expect(one(rs, T.lb, "edge-lb-graphql").inputs).toMatchObject({
      proxied: true,
      fallbackPool: "edge-pool-fsn1-graphql-id",
    });
  });

  it("creates no load balancer without the add-on", async () => {
    const rs = await build();
    expect([...ofType(rs, T.lb), ...ofType(rs, T.pool), ...ofType(rs, T.monitor)]).toEqual([]);
  });

  it("costs the zone's plan plus Load Balancing by endpoint", async () => {
    const rs = await build({ loadBalancing: true });
    const cost = priceStack(rs, "hetzner");
    expect(cost.byComponent.edge).toBeCloseTo(
      (CLOUDFLARE_PLAN_PRICES.pro.monthlyUsd ?? 0) + loadBalancingMonthlyUsd(3),
      2,
    );
    expect(loadBalancingMonthlyUsd(0)).toBe(0);
    expect(loadBalancingMonthlyUsd(2)).toBe(loadBalancingMonthlyUsd(1));
    expect(loadBalancingMonthlyUsd(3)).toBeGreaterThan(loadBalancingMonthlyUsd(2));
  });

  it("labels resources by host: apex for the domain, the labels below it otherwise", () => {
    expect(hostLabel("example.com", "example.com")).toBe("apex");
    expect(hostLabel("example.com", "a.b.example.com")).toBe("a-b");
  });
});

describe("the edge a stack gets", () => {
  const cluster = { provider: {} as ClusterFacts["provider"], pools: [], storageClass: "" };

  it("tells the gateway every host comes through Cloudflare, one trusted hop, with its origin-pull CA", () => {
    const facts = withEdgeFacts(stackConfig("production-hetzner"), cluster);
    expect(facts.edge?.proxied).toMatchObject({
      hosts: ["example.com", "graphql.example.com", "auth.example.com"],
      hops: 1,
      clientCa: expect.stringContaining("BEGIN CERTIFICATE"),
    });
  });

  it("drops the certificate requirement with originLock off, and the proxy facts with proxied off", () => {
    const unlocked = withEdgeFacts(
      stackConfig("production-hetzner", { edge: { originLock: false } }),
      cluster,
    );
    expect(unlocked.edge?.proxied?.clientCa).toBeUndefined();
    const direct = withEdgeFacts(
      stackConfig("production-hetzner", { edge: { proxied: false } }),
      cluster,
    );
    expect(direct.edge).toBeUndefined();
  });

  it("builds nothing for a stack whose edge is CloudFront or none", async () => {
    const rs = await record(() => {
      expect(
        edgeLayer(stackConfig("production"), { addresses: pulumi.output([]) }),
      ).toBeUndefined();
      expect(edgeLayer(stackConfig("local"), { addresses: pulumi.output([]) })).toBeUndefined();
    });
    expect(rs.filter((r) => r.type.startsWith("cloudflare:"))).toEqual([]);
  });
});
