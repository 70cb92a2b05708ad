/**
 * Every shipped stack but the laptop one has an edge with a WAF and TLS 1.2 or newer in front of
 * every public host, and a DNS record for each host (issue "A provider-neutral edge", acceptance),
 * as the program records each stack; the pack's edge policies find nothing to flag.
 */
import { recordVariants, type RecordedResource } from "../helpers/recorded";
import { runResourcePolicy, runStackPolicy } from "../policies/harness";
import { policies } from "../../policies/list";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { CLOUDFLARE_ORIGIN_PULL_CA } from "../../components/edge";

const T = {
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  ctp: "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy",
  configMap: "kubernetes:core/v1:ConfigMap",
  record: "cloudflare:index/dnsRecord:DnsRecord",
  setting: "cloudflare:index/zoneSetting:ZoneSetting",
  ruleset: "cloudflare:index/ruleset:Ruleset",
  distribution: "aws:cloudfront/distribution:Distribution",
};

const EDGES = {
  staging: "cloudflare",
  small: "cloudflare",
  "production-do": "cloudflare",
  "production-hetzner": "cloudflare",
  production: "cloudfront",
  "production-large": "cloudfront",
} as const;
type Stack = keyof typeof EDGES;

let recorded: Map<string, RecordedResource[]>;
beforeAll(async () => {
  recorded = await recordVariants(
    ["local", ...Object.keys(EDGES)].map((stack) => ({ label: stack, stack })),
  );
}, 600_000);

const ofType = (stack: string, type: string) => recorded.get(stack)!.filter((r) => r.type === type);

/** Every host a Gateway of the stack serves over HTTPS. */
const httpsHosts = (stack: string) =>
  ofType(stack, T.gateway).flatMap((g) =>
    (g.inputs.spec.listeners as { protocol: string; hostname?: string }[])
      .filter((l) => l.protocol === "HTTPS" && l.hostname)
      .map((l) => l.hostname!),
  );

const EDGE_POLICIES = policies.filter((p) =>
  /^(cloudflare-|stack-cloudflare-|stack-gateway-require-edge|aws-cloudfront-)/.test(p.name),
);

describe.each(Object.entries(EDGES) as [Stack, "cloudflare" | "cloudfront"][])(
  "%s (%s)",
  (stack, edge) => {
    it("serves public hosts (the apex and each app's)", () => {
      expect(httpsHosts(stack).length).toBeGreaterThanOrEqual(3);
    });

    if (edge === "cloudflare") {
      it("has a proxied record for every public host, in a zone with TLS 1.2+, a managed WAF and a rate limit", () => {
        const records = ofType(stack, T.record).map((r) => r.inputs);
        for (const host of httpsHosts(stack))
          expect(records).toContainEqual(expect.objectContaining({ name: host, proxied: true }));
        const settings = Object.fromEntries(
          ofType(stack, T.setting).map((s) => [s.inputs.settingId, s.inputs.value]),
        );
        expect(Number(settings.min_tls_version)).toBeGreaterThanOrEqual(1.2);
        expect(settings.ssl).toBe("strict");
        const phases = ofType(stack, T.ruleset).map((r) => r.inputs.phase);
        expect(phases).toEqual(
          expect.arrayContaining(["http_request_firewall_managed", "http_ratelimit"]),
        );
      });

      it("has every public host's listener require Cloudflare's origin-pull certificate", () => {
        const ca = ofType(stack, T.configMap).find((c) => c.name.endsWith("edge-client-ca"));
        expect(ca?.inputs.data["ca.crt"]).toBe(CLOUDFLARE_ORIGIN_PULL_CA);
        const proxied = ofType(stack, T.ctp).find((p) => p.name.endsWith("client-traffic-proxied"));
        expect(proxied?.inputs.spec.tls.clientValidation.caCertificateRefs).toEqual([
          { group: "", kind: "ConfigMap", name: ca?.inputs.metadata.name },
        ]);
        expect(proxied?.inputs.spec.targetRefs).toHaveLength(httpsHosts(stack).length);
      });
    } else {
      it("has CloudFront with a web ACL and TLS 1.2 (2021) answer every public host", () => {
        const [d] = ofType(stack, T.distribution);
        expect(d.inputs.aliases).toEqual(expect.arrayContaining(httpsHosts(stack)));
        expect(d.inputs.webAclId).toBeTruthy();
        expect(d.inputs.viewerCertificate.minimumProtocolVersion).toBe("TLSv1.2_2021");
      });
    }

    it("passes every edge policy of the pack", async () => {
      const resources = recorded.get(stack)!.filter((r) => !r.type.startsWith("pulumi:"));
      const messages: string[] = [];
      for (const policy of EDGE_POLICIES) {
        if ("validateStack" in policy)
          messages.push(
            ...(await runStackPolicy(
              policy as StackValidationPolicy,
              resources.map((r) => ({ type: r.type, name: r.urn, props: r.inputs })),
            )),
          );
        else
          for (const r of resources)
            messages.push(
              ...(await runResourcePolicy(policy as ResourceValidationPolicy, r.type, r.inputs)),
            );
      }
      expect(messages).toEqual([]);
    });
  },
);

describe("local", () => {
  it("has no edge: a laptop cluster is reached directly", () => {
    const edge = recorded
      .get("local")!
      .filter((r) => r.type.startsWith("cloudflare:") || r.type === T.distribution);
    expect(edge).toEqual([]);
  });
});
