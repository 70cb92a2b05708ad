/**
 * Origin protection behind Cloudflare: the gateway's listeners for the hosts an edge proxies
 * require the edge's client certificate (authenticated origin pulls), so the WAF cannot be
 * bypassed; every other listener is left as it was.
 */
import { Gateway, proxiedClientTrafficPolicySpec, CLIENT_TLS } from "../../components/gateway";
import { CLOUDFLARE_ORIGIN_PULL_CA } from "../../components/edge";
import { record, ofType, K8S } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";

const CTP = "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy";
const ref = { name: "dmz", namespace: "gateway" };

const build = (clientCa?: string) =>
  record(() => {
    new Gateway("gw", {
      domain: "example.test",
      apps: [
        {
          name: "web",
          host: "",
          pathPrefix: "/",
          public: true,
          port: 3000,
          backends: [{ service: "web-stable", weight: 100 }],
        },
        {
          name: "api",
          host: "api",
          pathPrefix: "/",
          public: true,
          port: 8080,
          backends: [{ service: "api-stable", weight: 100 }],
        },
      ],
      pools: [],
      production: false,
      acmeEmail: "ops@example.test",
      gatewayNamespace: "gateway",
      appsNamespace: "platform",
      proxied: { hosts: ["example.test", "api.example.test"], hops: 1, clientCa },
    });
  });

describe("proxiedClientTrafficPolicySpec", () => {
  it("requires a client certificate from the CA in the named ConfigMap, not optionally", () => {
    const spec = proxiedClientTrafficPolicySpec(ref, ["https"], 1, undefined, "edge-ca");
    expect(spec.tls).toEqual({
      ...CLIENT_TLS,
      clientValidation: { caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "edge-ca" }] },
    });
    expect(spec.tls).not.toHaveProperty("clientValidation.optional");
  });

  it("keeps the plain client TLS without a CA (CloudFront, which presents no certificate)", () => {
    expect(proxiedClientTrafficPolicySpec(ref, ["https"], 1).tls).toBe(CLIENT_TLS);
  });
});

describe("Gateway behind an edge with authenticated origin pulls", () => {
  it("ships the edge's CA in a ConfigMap and requires it on every proxied listener", async () => {
    const rs = await build(CLOUDFLARE_ORIGIN_PULL_CA);
    const [ca] = ofType(rs, K8S.configMap).filter((c) => c.name === "gw-edge-client-ca");
    expect(ca.inputs.data).toEqual({ "ca.crt": CLOUDFLARE_ORIGIN_PULL_CA });
    expect(validateK8s(ca)).toBeUndefined();
    const proxied = ofType(rs, CTP).find((p) => p.name === "gw-client-traffic-proxied")!;
    expect(proxied.inputs.spec.targetRefs.map((t: any) => t.sectionName)).toEqual([
      "https",
      "https-api",
    ]);
    expect(proxied.inputs.spec.tls.clientValidation.caCertificateRefs[0].name).toBe(
      ca.inputs.metadata.name,
    );
    // The gateway-wide policy (the HTTP listener: ACME challenge and redirect) asks for none.
    const wide = ofType(rs, CTP).find((p) => p.name === "gw-client-traffic")!;
    expect(wide.inputs.spec.tls).not.toHaveProperty("clientValidation");
  });

  it("asks no certificate and ships no CA where the edge presents none", async () => {
    const rs = await build();
    expect(ofType(rs, K8S.configMap).filter((c) => c.name === "gw-edge-client-ca")).toEqual([]);
    for (const p of ofType(rs, CTP))
      expect(p.inputs.spec.tls).not.toHaveProperty("clientValidation");
  });
});
