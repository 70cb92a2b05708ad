/** A compliant Cloudflare zone in front of a gateway, as components/edge builds it. */
import type { Fixture, Props } from "../harness";
import { gateway } from "../fixtures";

export const T = {
  record: "cloudflare:index/dnsRecord:DnsRecord",
  setting: "cloudflare:index/zoneSetting:ZoneSetting",
  ruleset: "cloudflare:index/ruleset:Ruleset",
  lb: "cloudflare:index/loadBalancer:LoadBalancer",
  aop: "cloudflare:index/authenticatedOriginPullsSettings:AuthenticatedOriginPullsSettings",
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  clientTraffic: "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy",
} as const;

export const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";

export function record(name = "example.com"): Props {
  return { zoneId: ZONE, name, type: "A", content: "198.51.100.7", proxied: true, ttl: 1 };
}

const setting = (settingId: string, value: unknown): Fixture => ({
  type: T.setting,
  name: `setting-${settingId}`,
  props: { zoneId: ZONE, settingId, value },
});

export function zoneSettings(): Fixture[] {
  return [
    setting("ssl", "strict"),
    setting("min_tls_version", "1.2"),
    setting("tls_1_3", "on"),
    setting("security_header", {
      strict_transport_security: {
        enabled: true,
        max_age: 31536000,
        include_subdomains: true,
        nosniff: true,
        preload: false,
      },
    }),
    setting("tls_client_auth", "on"),
  ];
}

export function rulesets(): Fixture[] {
  return [
    {
      type: T.ruleset,
      name: "https-redirect",
      props: {
        zoneId: ZONE,
        kind: "zone",
        phase: "http_request_dynamic_redirect",
        rules: [
          {
            action: "redirect",
            expression: '(http.request.scheme eq "http")',
            enabled: true,
            actionParameters: {
              fromValue: {
                statusCode: 301,
                targetUrl: { expression: 'concat("https://", http.host, http.request.uri.path)' },
              },
            },
          },
        ],
      },
    },
    {
      type: T.ruleset,
      name: "waf",
      props: {
        zoneId: ZONE,
        kind: "zone",
        phase: "http_request_firewall_managed",
        rules: [
          {
            action: "execute",
            expression: "true",
            enabled: true,
            actionParameters: { id: "efb7b8c949ac4650a09736fc376e9aee" },
          },
        ],
      },
    },
    {
      type: T.ruleset,
      name: "rate-limit",
      props: {
        zoneId: ZONE,
        kind: "zone",
        phase: "http_ratelimit",
        rules: [
          {
            action: "block",
            expression: "true",
            enabled: true,
            ratelimit: {
              characteristics: ["cf.colo.id", "ip.src"],
              period: 10,
              requestsPerPeriod: 120,
              mitigationTimeout: 10,
            },
          },
        ],
      },
    },
  ];
}

/** The shared Gateway fixture with its HTTPS listener serving example.com. */
export function apexGateway(): Props {
  const g = gateway();
  g.spec.listeners[1].hostname = "example.com";
  return g;
}

/** The gateway's listener for example.com, and its policy requiring Cloudflare's certificate. */
export function lockedGateway(): Fixture[] {
  return [
    { type: T.gateway, name: "public", props: apexGateway() },
    {
      type: T.clientTraffic,
      name: "client-proxied",
      props: {
        apiVersion: "gateway.envoyproxy.io/v1alpha1",
        kind: "ClientTrafficPolicy",
        metadata: { name: "public-client-proxied", namespace: "gateway" },
        spec: {
          targetRefs: [
            {
              group: "gateway.networking.k8s.io",
              kind: "Gateway",
              name: "public",
              sectionName: "https",
            },
          ],
          tls: {
            minVersion: "1.2",
            clientValidation: {
              caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "edge-client-ca" }],
            },
          },
        },
      },
    },
  ];
}

/** Everything a compliant Cloudflare-fronted stack registers. */
export function zoneStack(): Fixture[] {
  return [
    { type: T.record, name: "apex", props: record() },
    ...zoneSettings(),
    ...rulesets(),
    ...lockedGateway(),
  ];
}
