/**
 * Self-hosted §6.1 limits each client (10 r/s, burst 20), so Envoy must see who the client is. For
 * every shipped stack, as the program records it, the load balancer's annotations and Envoy's
 * ClientTrafficPolicies agree on how the client's address crosses the load balancer, and the
 * pack's client-address policy finds no hop that drops it.
 */
import { recordVariants, type RecordedResource } from "../helpers/recorded";
import { runStackPolicy } from "../policies/harness";
import { stackGatewayRequireClientAddress } from "../../policies/stack/stack-gateway-require-client-address";

const T = {
  envoyProxy: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  ctp: "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy",
  btp: "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy",
  distribution: "aws:cloudfront/distribution:Distribution",
};

/** The annotation that makes each cloud's load balancer hand the client's address on. */
const CLIENT_ADDRESS_ANNOTATION = {
  aws: ["service.beta.kubernetes.io/aws-load-balancer-proxy-protocol", "*"],
  digitalocean: ["service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol", "true"],
  hetzner: ["load-balancer.hetzner.cloud/uses-proxyprotocol", "true"],
} as const;

/** Envoy's side, per cloud: DigitalOcean's in-cluster clients bypass the load balancer. */
const ENVOY_PROXY_PROTOCOL = {
  aws: {},
  digitalocean: { optional: true },
  hetzner: {},
} as const;

const CLOUD_STACKS = {
  staging: "digitalocean",
  small: "hetzner",
  production: "aws",
  "production-do": "digitalocean",
  "production-hetzner": "hetzner",
  "production-large": "aws",
} as const;
type Stack = keyof typeof CLOUD_STACKS;

let recorded: Map<string, RecordedResource[]>;
beforeAll(async () => {
  recorded = await recordVariants(
    ["local", ...Object.keys(CLOUD_STACKS)].map((stack) => ({ label: stack, stack })),
  );
}, 300_000);

const ofType = (stack: string, type: string) => recorded.get(stack)!.filter((r) => r.type === type);
const one = (stack: string, type: string) => {
  const found = ofType(stack, type);
  expect(found).toHaveLength(1);
  return found[0];
};

/** The policy's verdict on a recorded stack, `change` applied to a copy of its resources first. */
async function violations(
  stack: string,
  change: (r: RecordedResource) => void = () => {},
): Promise<string[]> {
  const fixtures = (JSON.parse(JSON.stringify(recorded.get(stack)!)) as RecordedResource[])
    .filter((r) => !r.type.startsWith("pulumi:"))
    .map((r) => {
      change(r);
      return { type: r.type, name: r.urn, props: r.inputs };
    });
  return runStackPolicy(stackGatewayRequireClientAddress, fixtures);
}

describe.each(Object.entries(CLOUD_STACKS) as [Stack, keyof typeof ENVOY_PROXY_PROTOCOL][])(
  "%s (%s)",
  (stack, cloud) => {
    it("keeps the client's address through the load balancer: PROXY protocol on the Service", () => {
      const annotations = one(stack, T.envoyProxy).inputs.spec.provider.kubernetes.envoyService
        .annotations as Record<string, string>;
      const [key, value] = CLIENT_ADDRESS_ANNOTATION[cloud];
      expect(annotations[key]).toBe(value);
    });

    it("has Envoy read the header on every listener, exactly as the load balancer sends it", () => {
      const policies = ofType(stack, T.ctp);
      expect(policies.length).toBeGreaterThan(0);
      for (const p of policies)
        expect(p.inputs.spec.proxyProtocol).toEqual(ENVOY_PROXY_PROTOCOL[cloud]);
    });

    it("keys the documented rate limit on the client's address", () => {
      const rules = one(stack, T.btp).inputs.spec.rateLimit.local.rules as {
        clientSelectors: { sourceCIDR?: { type: string } }[];
      }[];
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules)
        expect(rule.clientSelectors.map((s) => s.sourceCIDR?.type)).toContain("Distinct");
    });

    it("passes the pack's client-address policy, which flags it once the load balancer stops sending the header", async () => {
      expect(await violations(stack)).toEqual([]);
      const [key] = CLIENT_ADDRESS_ANNOTATION[cloud];
      const dropped = await violations(stack, (r) => {
        if (r.type === T.envoyProxy)
          delete r.inputs.spec.provider.kubernetes.envoyService.annotations[key];
      });
      expect(dropped.some((m) => /all clients share one bucket/.test(m))).toBe(true);
    });
  },
);

describe("CloudFront in front of the gateway (AWS stacks with a CDN)", () => {
  const withCdn = () =>
    (Object.keys(CLOUD_STACKS) as Stack[]).filter(
      (s) => CLOUD_STACKS[s] === "aws" && ofType(s, T.distribution).length > 0,
    );

  it("is shipped by at least one stack", () => {
    expect(withCdn().length).toBeGreaterThan(0);
  });

  it("has its hosts' listeners trust the one X-Forwarded-For entry CloudFront appends, and no other listener trust it", () => {
    for (const stack of withCdn()) {
      const aliases = new Set(
        ofType(stack, T.distribution).flatMap((d) => d.inputs.aliases as string[]),
      );
      const listeners = one(stack, T.gateway).inputs.spec.listeners as {
        name: string;
        hostname?: string;
      }[];
      const proxied = listeners.filter((l) => l.hostname && aliases.has(l.hostname));
      expect(proxied.length).toBeGreaterThan(0);
      const trusting = ofType(stack, T.ctp).filter((p) => p.inputs.spec.clientIPDetection);
      expect(trusting).toHaveLength(1);
      const spec = trusting[0].inputs.spec;
      expect(spec.clientIPDetection).toEqual({ xForwardedFor: { numTrustedHops: 1 } });
      expect(spec.targetRefs.map((r: { sectionName: string }) => r.sectionName).sort()).toEqual(
        proxied.map((l) => l.name).sort(),
      );
    }
  });
});

describe("local (kind, no load balancer)", () => {
  it("reads no PROXY protocol header, since nothing in front of Envoy sends one", () => {
    for (const p of ofType("local", T.ctp))
      expect(p.inputs.spec).not.toHaveProperty("proxyProtocol");
  });

  it("passes the pack's client-address policy", async () => {
    expect(await violations("local")).toEqual([]);
  });
});
