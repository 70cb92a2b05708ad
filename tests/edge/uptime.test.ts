/**
 * The tiers document's monitoring asks for uptime checks from outside the cluster: behind the
 * Cloudflare edge they are Cloudflare's own probes, and a failure reaches the stack's email receiver
 * through Cloudflare Notifications, where the plan allows.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  HEALTH_CHECK_ALERT,
  LOAD_BALANCING_ALERT,
  edgeHosts,
  edgeLayer,
  healthCheckSpecs,
  hostLabel,
} from "../../components/edge";
import { alertReceiverLines, outsideChecks } from "../../components/escalation";
import { CLOUDFLARE_HEALTH_CHECKS } from "../../catalog";
import { stackConfig } from "../helpers/stacks";
import { ofType, record } from "../helpers/mocks";

const T = {
  check: "cloudflare:index/healthcheck:Healthcheck",
  policy: "cloudflare:index/notificationPolicy:NotificationPolicy",
  pool: "cloudflare:index/loadBalancerPool:LoadBalancerPool",
};
const GATEWAY = "198.51.100.7";

const build = (config: ReturnType<typeof stackConfig>) =>
  record(() => {
    edgeLayer(config, { addresses: pulumi.output([GATEWAY]) });
  });
const policy = (rs: Awaited<ReturnType<typeof build>>, alertType: string) =>
  ofType(rs, T.policy).filter((p) => p.inputs.alertType === alertType);

describe("the edge's uptime checks on production-hetzner (Cloudflare Pro, load balancing)", () => {
  const config = stackConfig("production-hetzner");
  const hosts = edgeHosts(config.domain, config.apps).map((h) => h.host);

  it("health-checks every public host at the gateway from Cloudflare's network", async () => {
    const rs = await build(config);
    const checks = ofType(rs, T.check).map((c) => c.inputs);
    expect(hosts.length).toBeGreaterThan(1);
    expect(
      ofType(rs, T.check)
        .map((c) => c.name)
        .sort(),
    ).toEqual(hosts.map((h) => `edge-check-${hostLabel(config.domain, h)}`).sort());
    for (const c of checks)
      expect(c).toMatchObject({ zoneId: config.edge.zoneId, address: GATEWAY, interval: 60 });
  });

  it("mails the stack's email receiver when a health check fails, for exactly its checks", async () => {
    const rs = await build(config);
    const [p, ...more] = policy(rs, HEALTH_CHECK_ALERT);
    expect(more).toEqual([]);
    expect(p.inputs).toMatchObject({
      accountId: config.edge.accountId,
      enabled: true,
      mechanisms: { emails: [{ id: "ops@example.com" }] },
    });
    expect([...p.inputs.filters.healthCheckIds].sort()).toEqual(
      ofType(rs, T.check)
        .map((c) => `${c.name}-id`)
        .sort(),
    );
  });

  it("mails the same receiver when a load balancer pool or its gateway turns unhealthy", async () => {
    const rs = await build(config);
    const [p, ...more] = policy(rs, LOAD_BALANCING_ALERT);
    expect(more).toEqual([]);
    expect(p.inputs.mechanisms).toEqual({ emails: [{ id: "ops@example.com" }] });
    expect([...p.inputs.filters.poolIds].sort()).toEqual(
      ofType(rs, T.pool)
        .map((c) => `${c.name}-id`)
        .sort(),
    );
    expect(ofType(rs, T.pool).length).toBe(hosts.length);
  });

  it("lists a Cloudflare check per host among the alert sources, and says who they reach", () => {
    const checks = outsideChecks(config).filter((c) => c.source.startsWith("Cloudflare"));
    const hc = checks.filter((c) => c.source.includes(HEALTH_CHECK_ALERT));
    const lb = checks.filter((c) => c.source.includes(LOAD_BALANCING_ALERT));
    expect(hc).toHaveLength(hosts.length);
    expect(lb).toHaveLength(hosts.length);
    for (const h of hosts) expect(hc.some((c) => c.alert.startsWith(h))).toBe(true);
    const lines = alertReceiverLines(config);
    expect(lines).toContain(
      `Cloudflare notifications (${checks.length} checks) → email ops@example.com`,
    );
    expect(lines.join("\n")).not.toMatch(/no check/);
  });

  it("builds the checks but no notification, and lists none, without an email receiver", async () => {
    const silent = stackConfig("production-hetzner", {
      monitoring: { receivers: { email: null } },
    });
    const rs = await build(silent);
    expect(ofType(rs, T.check).length).toBe(hosts.length);
    expect(ofType(rs, T.policy)).toEqual([]);
    expect(outsideChecks(silent).filter((c) => c.source.startsWith("Cloudflare"))).toEqual([]);
  });
});

describe("where the plan or the edge allows no uptime check", () => {
  it("builds no health check or notification on the free plan (small), and says so", async () => {
    const config = stackConfig("small");
    expect(config.edge).toMatchObject({ provider: "cloudflare", plan: "free" });
    const rs = await build(config);
    expect([...ofType(rs, T.check), ...ofType(rs, T.policy)]).toEqual([]);
    expect(outsideChecks(config).filter((c) => c.source.startsWith("Cloudflare"))).toEqual([]);
    expect(alertReceiverLines(config)).toContain(
      "outside the cluster: no check (README, Deviations: uptime checks)",
    );
  });

  it("builds nothing where the edge is off or CloudFront", async () => {
    for (const name of ["local", "production"]) {
      const rs = await build(stackConfig(name));
      expect([...ofType(rs, T.check), ...ofType(rs, T.policy)]).toEqual([]);
    }
  });
});

describe("healthCheckSpecs", () => {
  const many = Array.from({ length: 60 }, (_, i) => ({
    host: `h${i}.example.com`,
    healthPath: "/healthz",
    cacheDynamic: false,
  }));

  it("checks no more hosts than the plan includes (Free 0, Pro 10, Business 50), apex first", () => {
    for (const plan of ["free", "pro", "business"] as const) {
      const specs = healthCheckSpecs(plan, many, false);
      expect(specs).toHaveLength(CLOUDFLARE_HEALTH_CHECKS[plan]);
      if (specs.length) expect(specs[0].host).toBe("h0.example.com");
    }
    expect(CLOUDFLARE_HEALTH_CHECKS).toEqual({ free: 0, pro: 10, business: 50 });
  });

  it("probes the health path over HTTPS, but only TCP where the gateway requires the origin-pull certificate or no path is known", () => {
    const hosts = [
      { host: "example.com", healthPath: "/api/health", cacheDynamic: false },
      { host: "auth.example.com", cacheDynamic: false },
    ];
    expect(healthCheckSpecs("pro", hosts, false)).toEqual([
      { host: "example.com", type: "HTTPS", path: "/api/health" },
      { host: "auth.example.com", type: "TCP" },
    ]);
    expect(healthCheckSpecs("pro", hosts, true).map((s) => s.type)).toEqual(["TCP", "TCP"]);
  });
});
