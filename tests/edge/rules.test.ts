import { X509Certificate } from "crypto";
import {
  botSettings,
  cacheRules,
  CLOUDFLARE_IPV4,
  CLOUDFLARE_IPV6,
  CLOUDFLARE_ORIGIN_PULL_CA,
  edgeHosts,
  httpsRedirectRules,
  managedWafRules,
  MANAGED_RULESETS,
  rateLimitRules,
  recordType,
  requestsPerPeriod,
  zoneSettings,
} from "../../components/edge";
import { CLOUDFLARE_PLANS } from "../../config";
import { parseBlock } from "../../config/cidr";

const app = (o: Partial<Parameters<typeof edgeHosts>[1][number]> = {}) => ({
  host: "",
  public: true,
  pathPrefix: "/",
  healthPath: "/health",
  cacheDynamic: false,
  ...o,
});

describe("edgeHosts: every host the gateway serves, with the health path its monitor probes", () => {
  it("lists the apex first, then each public app's host once, never an internal app's", () => {
    const hosts = edgeHosts("example.com", [
      app({ healthPath: "/api/health" }),
      app({ host: "graphql", healthPath: "/healthz" }),
      app({ host: "graphql", pathPrefix: "/v2" }),
      app({ host: "internal", public: false }),
    ]);
    expect(hosts.map((h) => h.host)).toEqual(["example.com", "graphql.example.com"]);
    expect(hosts[0].healthPath).toBe("/api/health");
    expect(hosts[1].healthPath).toBe("/healthz");
  });

  it("probes no path the gateway would route to another app (falls back to a TCP check)", () => {
    const [apex] = edgeHosts("example.com", [app({ pathPrefix: "/api", healthPath: "/health" })]);
    expect(apex.healthPath).toBeUndefined();
  });

  it("caches a host's dynamic responses only when one of its apps opts in", () => {
    const hosts = edgeHosts("example.com", [app({ cacheDynamic: true }), app({ host: "auth" })]);
    expect(hosts.map((h) => h.cacheDynamic)).toEqual([true, false]);
  });
});

describe("zone settings", () => {
  const settings = (minTlsVersion = "1.2", originLock = true) =>
    Object.fromEntries(
      zoneSettings({ minTlsVersion, originLock }).map((s) => [s.settingId, s.value]),
    );

  it("encrypts to the origin in Full (strict), takes viewers from TLS 1.2 and offers TLS 1.3", () => {
    expect(settings()).toMatchObject({ ssl: "strict", min_tls_version: "1.2", tls_1_3: "on" });
  });

  it("sends the documented HSTS header: max-age=31536000; includeSubDomains", () => {
    expect(settings().security_header).toEqual({
      strict_transport_security: expect.objectContaining({
        enabled: true,
        max_age: 31536000,
        include_subdomains: true,
      }),
    });
  });

  it("turns authenticated origin pulls on exactly when the origin is locked", () => {
    expect(settings("1.2", true).tls_client_auth).toBe("on");
    expect(settings("1.2", false).tls_client_auth).toBe("off");
  });
});

describe("http to https at the edge", () => {
  const [rule] = httpsRedirectRules(["example.com"]);
  it("redirects plain HTTP to https, keeping the query", () => {
    expect(rule.action).toBe("redirect");
    expect(rule.expression).toContain('http.request.scheme eq "http"');
    expect(rule.actionParameters).toMatchObject({
      fromValue: { statusCode: 301, preserveQueryString: true },
    });
    expect(JSON.stringify(rule.actionParameters)).toContain('concat(\\"https://\\"');
  });

  it("leaves Let's Encrypt's HTTP-01 path in plain HTTP, so the first certificate can be issued", () => {
    expect(rule.expression).toContain(
      'not starts_with(http.request.uri.path, "/.well-known/acme-challenge/")',
    );
  });
});

describe("the WAF per plan", () => {
  it("runs the Free Managed Ruleset on Free, the Cloudflare Managed and OWASP Core rulesets from Pro", () => {
    const ids = (plan: (typeof CLOUDFLARE_PLANS)[number]) =>
      managedWafRules(plan, ["example.com"]).map((r) => r.actionParameters?.id);
    expect(ids("free")).toEqual([MANAGED_RULESETS.free]);
    expect(ids("pro")).toEqual([MANAGED_RULESETS.cloudflare, MANAGED_RULESETS.owasp]);
    expect(ids("business")).toEqual(ids("pro"));
  });

  it("uses Bot Fight Mode on Free and Super Bot Fight Mode from Pro", () => {
    expect(botSettings("free")).toMatchObject({ fightMode: true });
    expect(botSettings("pro")).toMatchObject({ sbfmDefinitelyAutomated: "managed_challenge" });
    expect(botSettings("pro")).not.toHaveProperty("sbfmLikelyAutomated");
    expect(botSettings("business")).toMatchObject({ sbfmLikelyAutomated: "managed_challenge" });
  });
});

describe("the per-client rate limit of self-hosted §6.1 at the edge", () => {
  it("lets at most rate × period + burst requests through a period: 120 in 10 s for 10 r/s, burst 20", () => {
    expect(requestsPerPeriod({ requestsPerSecond: 10, burst: 20 }, 10)).toBe(120);
    for (let r = 1; r <= 50; r += 7)
      for (const b of [0, 5, 20])
        for (const p of [10, 60])
          expect(requestsPerPeriod({ requestsPerSecond: r, burst: b }, p)).toBeGreaterThanOrEqual(
            r * p,
          );
  });

  it("counts per client address and blocks, over the 10 s period every plan offers", () => {
    for (const plan of CLOUDFLARE_PLANS) {
      const [rule] = rateLimitRules(plan, ["example.com"]);
      expect(rule.action).toBe("block");
      expect(rule.ratelimit).toEqual({
        characteristics: ["cf.colo.id", "ip.src"],
        period: 10,
        requestsPerPeriod: 120,
        mitigationTimeout: 10,
      });
    }
  });

  it("matches on the path alone on Free (no host field there), on the stack's hosts above", () => {
    expect(rateLimitRules("free", ["example.com"])[0].expression).not.toContain("http.host");
    expect(rateLimitRules("pro", ["example.com"])[0].expression).toContain(
      'http.host in {"example.com"}',
    );
  });
});

describe("cache rules after the tiers document's headers", () => {
  const hosts = [
    { host: "example.com", cacheDynamic: true },
    { host: "auth.example.com", cacheDynamic: false },
  ];
  const rules = cacheRules("free", hosts);
  const byRef = (ref: string) => rules.find((r) => r.ref === ref)!;

  it("keeps static assets a year at the edge, and never caches auth paths, in that order", () => {
    expect(byRef("cache_static").actionParameters).toMatchObject({
      cache: true,
      edgeTtl: { mode: "override_origin", default: 31536000 },
    });
    expect(byRef("bypass_auth").actionParameters).toEqual({ cache: false });
    // A later match wins in Cloudflare's cache phase: no-store must come last.
    expect(rules[rules.length - 1].ref).toBe("bypass_auth");
  });

  it("caches dynamic responses as the gateway's Cache-Control says, only on hosts that opt in", () => {
    const dynamic = byRef("cache_dynamic");
    expect(dynamic.actionParameters).toMatchObject({ edgeTtl: { mode: "respect_origin" } });
    expect(dynamic.expression).toBe('(http.host in {"example.com"})');
    expect(cacheRules("free", [hosts[1]]).map((r) => r.ref)).not.toContain("cache_dynamic");
  });

  it("matches a prefix element by element, as the gateway's PathPrefix does", () => {
    const expr = byRef("bypass_auth").expression;
    expect(expr).toContain('http.request.uri.path eq "/auth"');
    expect(expr).toContain('starts_with(http.request.uri.path, "/auth/")');
    expect(expr).not.toContain('starts_with(http.request.uri.path, "/auth")');
  });
});

describe("origin protection", () => {
  it("pins Cloudflare's origin-pull CA: a CA certificate for origin-pull.cloudflare.net, valid past 2029-10", () => {
    const ca = new X509Certificate(CLOUDFLARE_ORIGIN_PULL_CA);
    expect(ca.subject).toContain("CN=origin-pull.cloudflare.net");
    expect(ca.ca).toBe(true);
    expect(new Date(ca.validTo).getTime()).toBeGreaterThan(Date.parse("2029-10-01"));
  });

  it("pins Cloudflare's published ranges as network addresses", () => {
    for (const cidr of [...CLOUDFLARE_IPV4, ...CLOUDFLARE_IPV6])
      expect(parseBlock(cidr)).toBeTruthy();
    expect(CLOUDFLARE_IPV4).toHaveLength(15);
    expect(CLOUDFLARE_IPV6).toHaveLength(7);
  });

  it("points records at an address, or at the AWS load balancer's host name", () => {
    expect(recordType("hetzner")).toBe("A");
    expect(recordType("digitalocean")).toBe("A");
    expect(recordType("aws")).toBe("CNAME");
  });
});
