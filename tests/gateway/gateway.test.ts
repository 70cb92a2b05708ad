import { parseStackConfig, PRESETS, type Tier } from "../../config";
import { App } from "../../components/apps";
import { Gateway, GatewayArgs, GatewayApp } from "../../components/gateway";
import { record, ofType, one } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";
import type { Registered } from "../../plan/mocks";
import { Namespace } from "../../components/k8s";
import { evaluatePolicies } from "../../plan/policy";
import { policies } from "../../policies/list";
import { DEFAULT_POLICY_CONFIG } from "../../policies/config";

const config = parseStackConfig({
  provider: "existing",
  tier: "medium",
  region: "x",
  domain: "example.test",
  apps: [
    { name: "web", image: "registry.example.com/web:1.0.0", port: 3000 },
    {
      name: "api",
      image: "registry.example.com/api:1.0.0",
      port: 8080,
      host: "api",
      release: { strategy: "canary" },
    },
    { name: "worker", image: "registry.example.com/worker:1.0.0", port: 9000, public: false },
  ],
});

const T = {
  release: "kubernetes:helm.sh/v3:Release",
  envoyProxy: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
  gatewayClass: "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  route: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  issuer: "kubernetes:cert-manager.io/v1:ClusterIssuer",
  certificate: "kubernetes:cert-manager.io/v1:Certificate",
  ctp: "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy",
  btp: "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy",
  netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

const baseArgs = (over: Partial<GatewayArgs> = {}): GatewayArgs => ({
  domain: "example.test",
  apps: config.apps.map((a) => ({
    name: a.name,
    host: a.host,
    pathPrefix: a.pathPrefix,
    public: a.public,
    backends: [{ service: `${a.name}-stable`, weight: 100 }],
    port: a.port,
  })),
  pools: ["app", "db", "gateway"],
  production: true,
  acmeEmail: "ops@example.test",
  gatewayNamespace: "gateway",
  appsNamespace: "platform",
  serviceAnnotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "external" },
  ...over,
});
const build =
  (over: Partial<GatewayArgs> = {}) =>
  () =>
    new Gateway("edge", baseArgs(over));
const release = (rs: Registered[], chart: RegExp) =>
  ofType(rs, T.release).find((r) => chart.test(r.inputs.chart))!;

describe("Gateway", () => {
  it("installs Envoy Gateway and cert-manager from pinned charts into the gateway namespace, awaited", async () => {
    const rs = await record(build());
    const eg = release(rs, /gateway-helm/);
    const cm = release(rs, /cert-manager/);
    expect(eg.inputs.chart).toBe("oci://docker.io/envoyproxy/gateway-helm");
    expect(cm.inputs.repositoryOpts.repo).toBe("https://charts.jetstack.io");
    for (const r of [eg, cm]) {
      expect(r.inputs.version).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(r.inputs.namespace).toBe("gateway");
      expect(r.inputs.skipAwait).toBe(false);
    }
    // v1.9.2 is the first release whose local rate limit keeps more than 20 client buckets.
    const [major, minor, patch] = eg.inputs.version.slice(1).split(".").map(Number);
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(1_009_002);
    expect(cm.inputs.values.crds).toEqual({ enabled: true, keep: true });
    expect(cm.inputs.values.config.gatewayAPI.enabled).toBe(true);
  });

  it("sets requests and limits for every controller and pins them to the gateway pool when there is one", async () => {
    const rs = await record(build());
    const eg = release(rs, /gateway-helm/).inputs.values;
    const cm = release(rs, /cert-manager/).inputs.values;
    const pinned = { "platform/role": "gateway" };
    for (const part of [
      eg.deployment.pod,
      eg.certgen.job,
      cm,
      cm.webhook,
      cm.cainjector,
      cm.startupapicheck,
    ]) {
      expect(part.nodeSelector).toEqual(pinned);
      expect(part.tolerations[0]).toMatchObject({
        key: "platform/role",
        value: "gateway",
        effect: "NoSchedule",
      });
    }
    for (const res of [
      eg.deployment.envoyGateway.resources,
      eg.certgen.job.resources,
      cm.resources,
      cm.webhook.resources,
      cm.cainjector.resources,
      cm.startupapicheck.resources,
    ]) {
      expect(
        res.requests.cpu && res.requests.memory && res.limits.cpu && res.limits.memory,
      ).toBeTruthy();
    }
    const anywhere = await record(build({ pools: ["app"] }));
    expect(
      release(anywhere, /gateway-helm/).inputs.values.deployment.pod.nodeSelector,
    ).toBeUndefined();
    expect(release(anywhere, /cert-manager/).inputs.values.nodeSelector).toBeUndefined();
  });

  it("exposes the proxies through one LoadBalancer Service labelled platform/exposure: gateway, with the cloud's annotations", async () => {
    const rs = await record(build());
    const proxy = one(rs, T.envoyProxy).inputs.spec.provider.kubernetes;
    expect(proxy.envoyService.type).toBe("LoadBalancer");
    expect(proxy.envoyService.labels).toEqual({ "platform/exposure": "gateway" });
    expect(proxy.envoyService.annotations).toEqual({
      "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    });
    expect(proxy.envoyService.externalTrafficPolicy).toBe("Local");
    expect(proxy.envoyDeployment.pod.nodeSelector).toEqual({ "platform/role": "gateway" });
    expect(proxy.envoyDeployment.container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const res = proxy.envoyDeployment.container.resources;
    expect(res.requests && res.limits).toBeTruthy();
    const cls = one(rs, T.gatewayClass).inputs.spec;
    expect(cls.controllerName).toBe("gateway.envoyproxy.io/gatewayclass-controller");
    expect(cls.parametersRef).toEqual({
      group: "gateway.envoyproxy.io",
      kind: "EnvoyProxy",
      name: one(rs, T.envoyProxy).inputs.metadata.name,
      namespace: "gateway",
    });
    expect(one(rs, T.gateway).inputs.spec.gatewayClassName).toBe(
      one(rs, T.gatewayClass).inputs.metadata.name,
    );
  });

  it("runs at least two proxies with a disruption budget in production, and refuses fewer", async () => {
    const prod = one(await record(build()), T.envoyProxy).inputs.spec.provider.kubernetes;
    expect(prod.envoyDeployment.replicas).toBeGreaterThanOrEqual(2);
    expect(prod.envoyPDB).toEqual({ minAvailable: 1 });
    const staging = one(await record(build({ production: false })), T.envoyProxy).inputs.spec
      .provider.kubernetes;
    expect(staging.envoyDeployment.replicas).toBe(1);
    expect(() => new Gateway("bad", baseArgs({ proxyReplicas: 1 }))).toThrow(
      /proxyReplicas must be at least 2 in production/,
    );
  });

  it("listens on 443 with TLS per host (apex and each public app) and on 80 only to redirect with a 301", async () => {
    const rs = await record(build());
    const listeners = one(rs, T.gateway).inputs.spec.listeners;
    expect(
      listeners.filter((l: any) => l.protocol === "HTTPS").map((l: any) => l.hostname),
    ).toEqual(["example.test", "api.example.test"]);
    const http = listeners.filter((l: any) => l.port === 80);
    expect(http).toHaveLength(1);
    const onHttp = ofType(rs, T.route).filter((r) =>
      r.inputs.spec.parentRefs.some((p: any) => p.sectionName === http[0].name),
    );
    expect(onHttp).toHaveLength(1);
    expect(onHttp[0].inputs.spec.rules[0].filters[0].requestRedirect).toEqual({
      scheme: "https",
      statusCode: 301,
    });
  });

  it("issues one certificate for every host from Let's Encrypt over HTTP-01 on the gateway, renewed 30 days ahead", async () => {
    const rs = await record(build());
    const issuers = ofType(rs, T.issuer).map((r) => r.inputs);
    expect(issuers.map((i) => i.spec.acme.server).sort()).toEqual([
      "https://acme-staging-v02.api.letsencrypt.org/directory",
      "https://acme-v02.api.letsencrypt.org/directory",
    ]);
    for (const i of issuers) {
      expect(i.spec.acme.email).toBe("ops@example.test");
      const solver = i.spec.acme.solvers[0].http01.gatewayHTTPRoute;
      expect(solver.parentRefs).toEqual([
        expect.objectContaining({
          kind: "Gateway",
          name: "dmz",
          namespace: "gateway",
          sectionName: "http",
        }),
      ]);
      expect(solver.podTemplate.spec.nodeSelector).toEqual({ "platform/role": "gateway" });
    }
    const cert = one(rs, T.certificate).inputs;
    expect(cert.spec.dnsNames).toEqual(["example.test", "api.example.test"]);
    expect(cert.spec.renewBefore).toBe("720h");
    expect(cert.spec.issuerRef.name).toBe("letsencrypt-production");
    const secret = cert.spec.secretName;
    for (const l of one(rs, T.gateway).inputs.spec.listeners.filter(
      (x: any) => x.protocol === "HTTPS",
    ))
      expect(l.tls.certificateRefs[0].name).toBe(secret);
  });

  it("gives staging (client demos, tiers document) a browser-trusted certificate; only a laptop cluster uses Let's Encrypt's staging CA", async () => {
    const issuerOf = async (tier: Tier) =>
      one(await record(build({ issuer: PRESETS[tier].tls.issuer })), T.certificate).inputs.spec
        .issuerRef.name;
    expect(await issuerOf("staging")).toBe("letsencrypt-production");
    expect(await issuerOf("medium")).toBe("letsencrypt-production");
    expect(await issuerOf("local")).toBe("letsencrypt-staging");
  });

  it("terminates TLS 1.2 minimum, 1.3 maximum, on the whole gateway", async () => {
    const ctp = one(await record(build()), T.ctp).inputs.spec;
    expect(ctp.targetRefs).toEqual([
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "dmz" },
    ]);
    expect(ctp.tls.minVersion).toBe("1.2");
    expect(ctp.tls.maxVersion).toBe("1.3");
    expect(ctp.tls.ciphers.length).toBeGreaterThan(0);
  });

  it("trusts X-Forwarded-For only on the listeners of the hosts a CDN forwards, with the cloud's PROXY protocol on both policies", async () => {
    const rs = await record(
      build({
        clientAddress: { via: "proxy-protocol" },
        proxied: { hosts: ["example.test", "media.example.test"], hops: 1 },
      }),
    );
    const [whole, proxied] = ofType(rs, T.ctp).map((r) => r.inputs.spec);
    expect(whole.proxyProtocol).toEqual({});
    expect(whole).not.toHaveProperty("clientIPDetection");
    // The apex is served; the media host is the CDN's own and has no listener here.
    expect(proxied.targetRefs.map((r: { sectionName: string }) => r.sectionName)).toEqual([
      "https",
    ]);
    expect(proxied.clientIPDetection).toEqual({ xForwardedFor: { numTrustedHops: 1 } });
    expect(proxied.proxyProtocol).toEqual({});
    const unserved = await record(build({ proxied: { hosts: ["media.example.test"], hops: 1 } }));
    expect(ofType(unserved, T.ctp)).toHaveLength(1);
    expect(
      () => new Gateway("bad", baseArgs({ proxied: { hosts: ["example.test"], hops: 0 } })),
    ).toThrow(/proxied.hops/);
  });

  it("sends HSTS max-age=31536000; includeSubDomains on every rule of every HTTPS route", async () => {
    const rs = await record(build());
    const https = ofType(rs, T.route).filter(
      (r) => r.inputs.spec.parentRefs[0].sectionName !== "http",
    );
    expect(https.map((r) => r.inputs.metadata.name).sort()).toEqual(["api", "web"]);
    for (const r of https)
      for (const rule of r.inputs.spec.rules) {
        const set = rule.filters.find((f: any) => f.type === "ResponseHeaderModifier")
          .responseHeaderModifier.set;
        expect(set).toContainEqual({
          name: "Strict-Transport-Security",
          value: "max-age=31536000; includeSubDomains",
        });
      }
  });

  it("limits each client to the documented 10 r/s with bursts of 20 on every route", async () => {
    const btp = one(await record(build()), T.btp).inputs.spec;
    expect(btp.targetRefs[0]).toMatchObject({ kind: "Gateway", name: "dmz" });
    const rules = btp.rateLimit.local.rules;
    expect(
      rules.filter((r: any) => r.limit.unit === "Second").map((r: any) => r.limit.requests),
    ).toEqual([20, 20]);
    expect(
      rules.filter((r: any) => r.limit.unit === "Minute").map((r: any) => r.limit.requests),
    ).toEqual([600, 600]);
  });

  it("routes a progressive app to the controller's stable Service (100) and canary Service (0) on every rule", async () => {
    const rs = await record(() => {
      const apps = [config.apps[0], config.apps[1]].map(
        (a) =>
          [
            a,
            new App(a.name, {
              app: a,
              namespace: "platform",
              pools: [],
              gatewayNamespace: "gateway",
              monitoringNamespace: "monitoring",
              delivery: { dependsOn: [], prometheusUrl: "http://p:9090", namespace: "platform" },
            }),
          ] as const,
      );
      const gatewayApps: GatewayApp[] = apps.map(([a, built]) => ({
        ...a,
        backends: built.backends,
        port: built.port,
      }));
      new Gateway("edge", baseArgs({ apps: gatewayApps }));
    });
    const weights = (name: string) =>
      ofType(rs, T.route)
        .find((r) => r.inputs.metadata.name === name)!
        .inputs.spec.rules.map((rule: any) => rule.backendRefs.map((b: any) => [b.name, b.weight]));
    for (const rule of weights("web")) expect(rule).toEqual([["web-stable", 100]]);
    // The controller moves these weights during a release (5 -> 25 -> 100); at rest they stand so.
    for (const rule of weights("api"))
      expect(rule).toEqual([
        ["api-stable", 100],
        ["api-canary", 0],
      ]);
  });

  it("sets Cache-Control per path class: immutable static assets, no-store auth, app responses untouched", async () => {
    const rs = await record(build());
    const web = ofType(rs, T.route).find((r) => r.inputs.metadata.name === "web")!.inputs.spec
      .rules;
    const cacheOf = (path: string) =>
      web
        .find((rule: any) => rule.matches.some((m: any) => m.path.value === path))
        .filters[0].responseHeaderModifier.set.find((h: any) => h.name === "Cache-Control")?.value;
    expect(cacheOf("/assets")).toBe("public, max-age=31536000, immutable");
    expect(cacheOf("/auth")).toBe("no-store");
    expect(cacheOf("/")).toBeUndefined();
    const opted = await record(
      build({ apps: baseArgs().apps.map((a) => ({ ...a, cacheDynamic: true })) }),
    );
    const root = ofType(opted, T.route)
      .find((r) => r.inputs.metadata.name === "web")!
      .inputs.spec.rules.at(-1);
    expect(root.filters[0].responseHeaderModifier.set).toContainEqual({
      name: "Cache-Control",
      value: "public, max-age=60, stale-while-revalidate=300",
    });
  });

  it("admits 80/443 and the Envoy ports 10080/10443 from anywhere, and metrics only from monitoring", async () => {
    const rs = await record(build());
    const proxy = ofType(rs, T.netpol).find(
      (r) => r.inputs.metadata.name === "envoy-proxy-ingress",
    )!.inputs.spec;
    const open = proxy.ingress.find((i: any) => !i.from);
    expect(open.ports.map((p: any) => p.port).sort((a: number, b: number) => a - b)).toEqual([
      80, 443, 10080, 10443,
    ]);
    const metrics = proxy.ingress.find((i: any) => i.from);
    expect(metrics.from).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
    ]);
    expect(metrics.ports).toEqual([{ protocol: "TCP", port: 19001 }]);
    const solver = ofType(rs, T.netpol).find(
      (r) => r.inputs.metadata.name === "acme-solver-ingress",
    )!.inputs.spec;
    expect(solver.ingress[0].ports).toEqual([{ protocol: "TCP", port: 8089 }]);
    for (const np of ofType(rs, T.netpol)) expect(np.inputs.metadata.namespace).toBe("gateway");
  });

  it("creates custom resources only after the chart that installs their CRDs", async () => {
    const rs = await record(build());
    const eg = release(rs, /gateway-helm/).urn;
    const cm = release(rs, /cert-manager/).urn;
    for (const type of [T.envoyProxy, T.gatewayClass, T.gateway, T.route, T.ctp, T.btp])
      for (const r of ofType(rs, type)) expect(r.dependencies).toContain(eg);
    for (const type of [T.issuer, T.certificate])
      for (const r of ofType(rs, type)) expect(r.dependencies).toContain(cm);
  });

  it("refuses a bad ACME email, two apps on one host and path, and a route with no live backend", () => {
    const apps = baseArgs().apps;
    const clash = [...apps, { ...apps[0], name: "web2" }];
    const dead = apps.map((a) => ({ ...a, backends: [{ service: `${a.name}-blue`, weight: 0 }] }));
    expect(() => new Gateway("bad", baseArgs({ acmeEmail: "nobody" }))).toThrow(/acmeEmail/);
    expect(() => new Gateway("bad", baseArgs({ apps: clash }))).toThrow(
      /apps\[3\]\.pathPrefix serves example\.test\/, already served by web/,
    );
    expect(() => new Gateway("bad", baseArgs({ apps: dead }))).toThrow(
      /backends needs at least one backend/,
    );
    expect(() => new Gateway("bad", baseArgs({ staticPaths: ["static"] }))).toThrow(
      /staticPaths\[0\]/,
    );
  });

  it("passes every policy of the pack, judged as production, beside its default-deny namespace", async () => {
    const rs = await record(() => {
      new Namespace("gateway", { name: "gateway" });
      build()();
    });
    const violations = await evaluatePolicies(policies, rs, {
      config: DEFAULT_POLICY_CONFIG,
      enforcement: "mandatory",
      // The edge in front of the gateway is another component; every shipped stack is judged with
      // it in tests/edge/stacks.test.ts.
      overrides: { "stack-gateway-require-edge": "disabled" },
    });
    expect(violations).toEqual([]);
  });

  it("registers only objects valid against the Kubernetes schema", async () => {
    const rs = await record(build());
    expect(ofType(rs, T.netpol)).toHaveLength(6);
    expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
  });
});
