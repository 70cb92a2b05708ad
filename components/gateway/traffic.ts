/**
 * Pure specs of the Envoy Gateway policies: TLS towards clients and the per-client rate limit.
 * Field names follow the gateway.envoyproxy.io/v1alpha1 CRDs of Envoy Gateway v1.9.
 */
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

/**
 * ClientTrafficPolicy for every listener of the gateway. With `proxyProtocol` the load balancer
 * prepends the client's address (a cloud that cannot keep the source IP otherwise); the per-client
 * rate limit keys on that address, so it must be the client's.
 */
export function clientTrafficPolicySpec(gateway: GatewayRef, proxyProtocol: boolean) {
  return {
    targetRefs: targetGateway(gateway),
    tls: CLIENT_TLS,
    ...(proxyProtocol ? { proxyProtocol: {} } : {}),
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
