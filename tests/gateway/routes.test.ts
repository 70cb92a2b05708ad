import fc from "fast-check";
import {
  CACHE_CONTROL,
  cacheRules,
  GatewayApp,
  hostsOf,
  HSTS,
  listenerName,
  listenersFor,
  prefixCovers,
  redirectRoute,
  routeFor,
} from "../../components/gateway/routes";
import {
  rateLimitRules,
  CLIENT_TLS,
  clientTrafficPolicySpec,
  proxiedClientTrafficPolicySpec,
} from "../../components/gateway/traffic";

const app = (over: Partial<GatewayApp> = {}): GatewayApp => ({
  name: "web",
  host: "",
  pathPrefix: "/",
  public: true,
  backends: [{ service: "web-stable", weight: 100 }],
  port: 3000,
  ...over,
});
const gateway = { name: "dmz", namespace: "gateway" };
const ctx = (apps: GatewayApp[]) => ({
  domain: "example.com",
  gateway,
  appsNamespace: "platform",
  apps,
});
const headers = (rule: any) =>
  Object.fromEntries(
    rule.filters[0].responseHeaderModifier.set.map((h: { name: string; value: string }) => [
      h.name,
      h.value,
    ]),
  );

describe("hostsOf", () => {
  it("serves the apex first, then each public app's host once; internal apps get no host", () => {
    const apps = [
      app({ name: "web" }),
      app({ name: "api", host: "api" }),
      app({ name: "graphql", host: "api", pathPrefix: "/graphql" }),
      app({ name: "worker", host: "jobs", public: false }),
    ];
    expect(hostsOf("example.com", apps)).toEqual(["example.com", "api.example.com"]);
  });

  it("covers every public app host, always includes the apex and never repeats a host (any apps)", () => {
    const label = fc.stringMatching(/^[a-z0-9]{0,6}$/);
    fc.assert(
      fc.property(fc.array(fc.record({ host: label, public: fc.boolean() })), (apps) => {
        const hosts = hostsOf("example.com", apps);
        expect(hosts[0]).toBe("example.com");
        expect(new Set(hosts).size).toBe(hosts.length);
        for (const a of apps.filter((x) => x.public))
          expect(hosts).toContain(a.host ? `${a.host}.example.com` : "example.com");
        const names = hosts.map((h) => listenerName("example.com", h));
        expect(new Set(names).size).toBe(names.length);
      }),
    );
  });
});

describe("listeners", () => {
  it("terminates TLS on 443 for every host with the one certificate Secret, and keeps 80 for HTTP", () => {
    const ls = listenersFor(
      "example.com",
      ["example.com", "api.example.com"],
      "dmz-tls",
      "platform",
    );
    expect(ls.map((l) => [l.name, l.port, l.protocol, l.hostname])).toEqual([
      ["https", 443, "HTTPS", "example.com"],
      ["https-api", 443, "HTTPS", "api.example.com"],
      ["http", 80, "HTTP", undefined],
    ]);
    for (const l of ls.slice(0, 2))
      expect(l.tls).toEqual({
        mode: "Terminate",
        certificateRefs: [{ group: "", kind: "Secret", name: "dmz-tls" }],
      });
  });
});

describe("redirect", () => {
  it("answers every plain-HTTP request with a 301 to https and forwards nothing", () => {
    const r = redirectRoute(gateway);
    expect(r.spec.parentRefs[0].sectionName).toBe("http");
    expect(r.spec.rules).toHaveLength(1);
    expect(r.spec.rules[0].filters).toEqual([
      { type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } },
    ]);
    expect((r.spec.rules[0] as any).backendRefs).toBeUndefined();
  });
});

describe("cacheRules (tiers document, CDN & Caching)", () => {
  it("caches static assets a year as immutable and never stores auth responses", () => {
    const rules = cacheRules(app(), [app()]);
    expect(rules.find((r) => r.kind === "static")).toEqual({
      kind: "static",
      paths: ["/_next/static", "/static", "/assets"],
      cacheControl: "public, max-age=31536000, immutable",
    });
    expect(rules.find((r) => r.kind === "auth")).toEqual({
      kind: "auth",
      paths: ["/auth", "/api/auth"],
      cacheControl: "no-store",
    });
  });

  it("leaves other responses uncached unless the app opts in, then public for 60 s with 300 s stale", () => {
    expect(
      cacheRules(app(), [app()]).find((r) => r.kind === "default")?.cacheControl,
    ).toBeUndefined();
    const opted = app({ cacheDynamic: true });
    expect(cacheRules(opted, [opted]).find((r) => r.kind === "default")).toEqual({
      kind: "default",
      paths: ["/"],
      cacheControl: "public, max-age=60, stale-while-revalidate=300",
    });
  });

  it("gives a class path to the app with the longest prefix on the same host, so no path is claimed twice", () => {
    const web = app({ name: "web" });
    const api = app({ name: "api", pathPrefix: "/api" });
    const other = app({ name: "other", host: "admin" });
    const apps = [web, api, other];
    const paths = (a: GatewayApp, kind: string) =>
      cacheRules(a, apps).find((r) => r.kind === kind)?.paths;
    expect(paths(web, "auth")).toEqual(["/auth"]);
    expect(paths(api, "auth")).toEqual(["/api/auth"]);
    expect(paths(api, "static")).toBeUndefined();
    // Another host is another site: its app gets every class path of its own.
    expect(paths(other, "auth")).toEqual(["/auth", "/api/auth"]);
  });

  it("never caches a path listed both as static and as auth", () => {
    const rules = cacheRules(app(), [app()], {
      staticPaths: ["/auth", "/assets/"],
      authPaths: ["/auth"],
    });
    expect(rules.find((r) => r.kind === "static")?.paths).toEqual(["/assets"]);
  });

  it("matches prefixes element by element as Gateway API does", () => {
    expect(prefixCovers("/api", "/api/auth")).toBe(true);
    expect(prefixCovers("/api/", "/api")).toBe(true);
    expect(prefixCovers("/api", "/apiv2")).toBe(false);
    expect(prefixCovers("/", "/anything")).toBe(true);
  });
});

describe("routeFor", () => {
  it("routes <host>.<domain> on the host's HTTPS listener with HSTS on every rule", () => {
    const api = app({ name: "api", host: "api" });
    const r = routeFor(api, ctx([api]));
    expect(r.metadata.namespace).toBe("platform");
    expect(r.spec.hostnames).toEqual(["api.example.com"]);
    expect(r.spec.parentRefs).toEqual([
      {
        group: "gateway.networking.k8s.io",
        kind: "Gateway",
        name: "dmz",
        namespace: "gateway",
        sectionName: "https-api",
      },
    ]);
    expect(r.spec.rules.length).toBeGreaterThan(0);
    for (const rule of r.spec.rules) {
      expect(rule.filters).toHaveLength(1);
      expect(headers(rule)["Strict-Transport-Security"]).toBe(
        "max-age=31536000; includeSubDomains",
      );
    }
    expect(HSTS.value).toBe("max-age=31536000; includeSubDomains");
  });

  it("sets Cache-Control per path class on separate rules", () => {
    const r = routeFor(app(), ctx([app()]));
    const byPath = (p: string) =>
      r.spec.rules.find((rule) => rule.matches.some((m) => m.path.value === p));
    expect(headers(byPath("/_next/static"))["Cache-Control"]).toBe(CACHE_CONTROL.static);
    expect(headers(byPath("/api/auth"))["Cache-Control"]).toBe("no-store");
    expect(headers(byPath("/"))["Cache-Control"]).toBeUndefined();
  });

  it("sends blue-green traffic 0/100 and canary traffic 95/5, to the track Services on the app port", () => {
    const bg = app({
      backends: [
        { service: "web-blue", weight: 0 },
        { service: "web-green", weight: 100 },
      ],
    });
    const canary = app({
      backends: [
        { service: "web-stable", weight: 95 },
        { service: "web-canary", weight: 5 },
      ],
    });
    for (const [a, expected] of [
      [
        bg,
        [
          ["web-blue", 0],
          ["web-green", 100],
        ],
      ],
      [
        canary,
        [
          ["web-stable", 95],
          ["web-canary", 5],
        ],
      ],
    ] as const) {
      for (const rule of routeFor(a, ctx([a])).spec.rules) {
        expect(rule.backendRefs.map((b) => [b.name, b.weight])).toEqual(expected);
        expect(rule.backendRefs.every((b) => b.port === 3000 && b.kind === "Service")).toBe(true);
      }
    }
  });
});

describe("traffic policies", () => {
  it("accepts TLS 1.2 to 1.3 only, with ECDHE+AEAD suites for 1.2", () => {
    expect(CLIENT_TLS.minVersion).toBe("1.2");
    expect(CLIENT_TLS.maxVersion).toBe("1.3");
    for (const c of CLIENT_TLS.ciphers)
      expect(c).toMatch(/^ECDHE-(ECDSA|RSA)-(AES\d+-GCM-SHA\d+|CHACHA20-POLY1305)$/);
  });

  it("reads the PROXY protocol header exactly when the load balancer sends one, required unless marked optional", () => {
    expect(clientTrafficPolicySpec(gateway)).not.toHaveProperty("proxyProtocol");
    expect(clientTrafficPolicySpec(gateway, { via: "source-address" })).not.toHaveProperty(
      "proxyProtocol",
    );
    expect(clientTrafficPolicySpec(gateway, { via: "proxy-protocol" }).proxyProtocol).toEqual({});
    expect(
      clientTrafficPolicySpec(gateway, { via: "proxy-protocol", optional: true }).proxyProtocol,
    ).toEqual({ optional: true });
    // The gateway-wide policy never believes X-Forwarded-For: the client is the connection's source.
    expect(clientTrafficPolicySpec(gateway, { via: "proxy-protocol" })).not.toHaveProperty(
      "clientIPDetection",
    );
  });

  it("takes the client from the one X-Forwarded-For entry a CDN appends, on its listeners only", () => {
    const spec = proxiedClientTrafficPolicySpec(gateway, ["https"], 1, { via: "proxy-protocol" });
    expect(spec.targetRefs).toEqual([
      {
        group: "gateway.networking.k8s.io",
        kind: "Gateway",
        name: gateway.name,
        sectionName: "https",
      },
    ]);
    expect(spec.clientIPDetection).toEqual({ xForwardedFor: { numTrustedHops: 1 } });
    // It replaces the gateway-wide policy on that listener, so it repeats TLS and PROXY protocol.
    expect(spec.tls).toBe(CLIENT_TLS);
    expect(spec.proxyProtocol).toEqual({});
  });

  it("maps nginx rate=10r/s burst=20 to a 20-per-second and a 600-per-minute bucket per client address", () => {
    const rules = rateLimitRules();
    expect(rules).toHaveLength(4);
    for (const cidr of ["0.0.0.0/0", "::/0"]) {
      const mine = rules.filter((r) => r.clientSelectors[0].sourceCIDR.value === cidr);
      expect(mine.every((r) => r.clientSelectors[0].sourceCIDR.type === "Distinct")).toBe(true);
      expect(mine.map((r) => r.limit)).toEqual([
        { requests: 20, unit: "Second" },
        { requests: 600, unit: "Minute" },
      ]);
    }
  });

  it("keeps the two buckets of one client on different descriptors and the average at the documented rate (any rate)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        (rate, burst) => {
          const rules = rateLimitRules({ requestsPerSecond: rate, burst });
          const keys = rules.map((r) => JSON.stringify(r.clientSelectors));
          expect(new Set(keys).size).toBe(rules.length);
          const minute = rules.filter((r) => r.limit.unit === "Minute");
          expect(minute.every((r) => r.limit.requests / 60 === rate)).toBe(true);
          expect(
            rules.filter((r) => r.limit.unit === "Second").every((r) => r.limit.requests === burst),
          ).toBe(true);
        },
      ),
    );
  });
});
