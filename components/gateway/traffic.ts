/**
 * Pure specs of the Envoy Gateway policies: TLS towards clients and the per-client rate limit.
 * Field names follow the gateway.envoyproxy.io/v1alpha1 CRDs of Envoy Gateway v1.9.
 */
import type { ClientAddressDelivery } from "../contract";
import type { GatewayRef } from "./routes";

/**
 * TLS 1.2 suites: ECDHE key exchange with AEAD ciphers only (no CBC, no RSA key exchange, no SHA-1).
 * TLS 1.3 suites are not configurable in Envoy's BoringSSL and are all AEAD already.
 */
export const MODERN_TLS12_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
];

/**
 * Self-hosted §2.1 and the tiers document, SSL/TLS: minimum TLS 1.2, prefer 1.3. Clients and Envoy
 * negotiate the highest version both speak, so allowing 1.3 is what "prefer" takes.
 */
export const CLIENT_TLS = {
  minVersion: "1.2",
  maxVersion: "1.3",
  ciphers: MODERN_TLS12_CIPHERS,
  ecdhCurves: ["X25519", "P-256"],
  alpnProtocols: ["h2", "http/1.1"],
};

function targetGateway(gateway: GatewayRef) {
  return [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: gateway.name }];
}

/** No load balancer in between, or one that keeps the source address: nothing to read. */
export const SOURCE_ADDRESS: ClientAddressDelivery = { via: "source-address" };

/** Hosts that reach the gateway through a CDN appending the viewer to X-Forwarded-For. */
export interface ProxiedHosts {
  /** Host names the CDN forwards to the gateway. @example ["example.com"] */
  hosts: string[];
  /** HTTP proxies on that path, each appending one address to the header. @example 1 */
  hops: number;
  /**
   * PEM of the CA the CDN's client certificate is signed by (Cloudflare's authenticated origin
   * pulls): these listeners then refuse any TLS client without such a certificate.
   */
  clientCa?: string;
}

/** The ConfigMap key Envoy Gateway reads a CA bundle from (caCertificateRefs of kind ConfigMap). */
export const CLIENT_CA_KEY = "ca.crt";

/**
 * Client TLS that requires a certificate signed by the CA in `configMap` (Envoy Gateway v1.9
 * ClientTrafficPolicy `tls.clientValidation`: a ConfigMap or Secret holding `ca.crt`; not
 * `optional`, so a handshake without one fails).
 */
export function clientValidation(configMap: string) {
  return {
    caCertificateRefs: [{ group: "", kind: "ConfigMap", name: configMap }],
  };
}

/**
 * Envoy's side of the load balancer hop: read the PROXY protocol header exactly when the load
 * balancer sends one. Required by default, so a connection that skipped the load balancer cannot
 * pass as a client; `optional` where in-cluster clients reach the load balancer's address
 * without passing through it (Envoy then uses the connection's own source for them).
 */
function proxyProtocolSettings(delivery: ClientAddressDelivery) {
  if (delivery.via !== "proxy-protocol") return {};
  return { proxyProtocol: delivery.optional ? { optional: true } : {} };
}

/**
 * ClientTrafficPolicy for every listener of the gateway: TLS towards clients and, when the load
 * balancer sends one, the PROXY protocol header, whose address becomes the connection's source.
 * With no `clientIPDetection`, Envoy Gateway keeps Envoy's `use_remote_address` with no trusted
 * hops: the client is that source, and X-Forwarded-For from the request is never believed, so a
 * client cannot pick its own rate-limit bucket.
 */
export function clientTrafficPolicySpec(
  gateway: GatewayRef,
  clientAddress: ClientAddressDelivery = SOURCE_ADDRESS,
) {
  return {
    targetRefs: targetGateway(gateway),
    tls: CLIENT_TLS,
    ...proxyProtocolSettings(clientAddress),
  };
}

/**
 * ClientTrafficPolicy for the listeners of hosts a CDN forwards (CloudFront → NLB → Envoy). The
 * connection's source is the CDN's edge, not the viewer: CloudFront appends the viewer's address
 * to X-Forwarded-For (AWS CloudFront developer guide, "Request and response behavior for custom
 * origins", Client IP addresses), and the NLB is a layer-4 hop that adds nothing to the header
 * (with PROXY protocol it hands Envoy CloudFront's address). The rightmost entry is therefore the
 * one the only trusted proxy wrote: `numTrustedHops` is the number of such proxies, 1 for
 * CloudFront (Envoy Gateway v1.9 takes "the Nth address from the right",
 * api/v1alpha1/clienttrafficpolicy_types.go). One more would believe an entry the viewer wrote.
 *
 * Only these listeners trust the header: elsewhere any client could write its own address and
 * escape its bucket. A client that reaches the NLB directly with a CDN host's name can still do
 * so on these listeners; closing that needs CloudFront's origin-facing address ranges
 * (`trustedCIDRs`), which are not known while planning. A policy naming a listener replaces the
 * gateway-wide one there (Envoy Gateway does not merge the two), so TLS and PROXY protocol are
 * repeated, and both policies carry the same PROXY protocol setting: the listeners share port 443,
 * whose single Envoy listener reads the header for all of them.
 */
export function proxiedClientTrafficPolicySpec(
  gateway: GatewayRef,
  listeners: string[],
  hops: number,
  clientAddress: ClientAddressDelivery = SOURCE_ADDRESS,
  clientCaConfigMap?: string,
) {
  return {
    targetRefs: listeners.map((sectionName) => ({ ...targetGateway(gateway)[0], sectionName })),
    tls: clientCaConfigMap
      ? { ...CLIENT_TLS, clientValidation: clientValidation(clientCaConfigMap) }
      : CLIENT_TLS,
    ...proxyProtocolSettings(clientAddress),
    // Envoy Gateway v1.9 requires exactly one of xForwardedFor, customHeader or directSourceIP.
    clientIPDetection: { xForwardedFor: { numTrustedHops: hops } },
  };
}

/** A per-client request budget in nginx's terms: `limit_req rate=<r>r/s burst=<b>`. */
export interface ClientRateLimit {
  /** Sustained requests per second per client. @default 10 (self-hosted §6.1) */
  requestsPerSecond: number;
  /** Requests a client may send at once above the rate. @default 20 (self-hosted §6.1) */
  burst: number;
}

/** Self-hosted §6.1: `limit_req_zone ... rate=10r/s` and `limit_req ... burst=20 nodelay`. */
export const DOCUMENTED_RATE_LIMIT: ClientRateLimit = { requestsPerSecond: 10, burst: 20 };

/** Every client address, one rule per family (a rule's sourceCIDR only matches its own family). */
const ANY_CLIENT = ["0.0.0.0/0", "::/0"];

/**
 * Local (per Envoy replica) rate-limit rules, one token bucket per client address.
 *
 * How nginx's `rate=10r/s burst=20 nodelay` maps: nginx admits 1 + 20 requests at once, then one
 * every 100 ms. An Envoy Gateway local rule is a bucket of `requests` tokens refilled in full every
 * `unit` (max_tokens = tokens_per_fill = requests, fill_interval = unit), so one rule cannot hold
 * both numbers: 20/Second would allow a sustained 20 r/s, 10/Second would cut the burst to 10.
 * Two buckets per client, and a request must find a token in both:
 *   - `burst` per Second: at most 20 requests in any one-second window (the burst);
 *   - `requestsPerSecond × 60` per Minute: 600 a minute, a sustained 10 r/s averaged over the minute.
 * The minute rule also matches path prefix "/" (every request) so its descriptor differs from the
 * burst rule's; Envoy keys a bucket by its descriptor entries and two identical ones would collide.
 *
 * Where this is looser than nginx, and why it is accepted: buckets are per Envoy replica (a client
 * spread over N replicas gets up to N times the budget) and per route (Envoy Gateway gives each
 * route its own counters even when the policy targets the Gateway); IPv6 clients are bucketed per
 * address, not per /64. Envoy Gateway keeps up to 10,000 client buckets per rule since v1.9.2 (older
 * releases silently kept 20). A global limit would need the rate-limit service and a Redis.
 *
 * The address a `Distinct` sourceCIDR buckets on is the one the listener resolved: the PROXY
 * protocol header's where the load balancer sends one, the X-Forwarded-For entry of the trusted
 * CDN on its hosts (clientTrafficPolicySpec, proxiedClientTrafficPolicySpec). Were it the load
 * balancer's, every client would share one bucket.
 * https://gateway.envoyproxy.io/docs/tasks/traffic/local-rate-limit/
 */
export function rateLimitRules(limit: ClientRateLimit = DOCUMENTED_RATE_LIMIT) {
  return ANY_CLIENT.flatMap((cidr) => {
    const client = { sourceCIDR: { type: "Distinct", value: cidr } };
    return [
      { clientSelectors: [client], limit: { requests: limit.burst, unit: "Second" } },
      {
        clientSelectors: [{ ...client, path: { type: "PathPrefix", value: "/" } }],
        limit: { requests: limit.requestsPerSecond * 60, unit: "Minute" },
      },
    ];
  });
}

/** BackendTrafficPolicy applying the per-client limit to every route of the gateway. */
export function backendTrafficPolicySpec(gateway: GatewayRef, limit?: ClientRateLimit) {
  return {
    targetRefs: targetGateway(gateway),
    rateLimit: { local: { rules: rateLimitRules(limit) } },
  };
}
