import { z } from "zod";
import { hostLabel, int, resources } from "./fields";

// The edge sections of the stack config: what answers the hosts in front of the gateway.

/** What answers the stack's hosts in front of the gateway (README, "The edge"). */
export const EDGE_PROVIDERS = ["cloudflare", "cloudfront", "none"] as const;
export type EdgeProvider = (typeof EDGE_PROVIDERS)[number];
/** Cloudflare's self-serve plans: what the zone's WAF can run and what it costs (catalog/cloudflare.ts). */
export const CLOUDFLARE_PLANS = ["free", "pro", "business"] as const;
export type CloudflarePlan = (typeof CLOUDFLARE_PLANS)[number];
/** Cloudflare's zone setting `min_tls_version` takes these values (Cloudflare API, zone settings). */
export const TLS_VERSIONS = ["1.0", "1.1", "1.2", "1.3"] as const;
/** Zone and account ids: 32 lowercase hexadecimal characters (Cloudflare API, "Identifier"). */
export const cloudflareId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, "must be a Cloudflare id: 32 lowercase hexadecimal characters");

export const edge = z.strictObject({
  provider: z.enum(EDGE_PROVIDERS),
  /** The Cloudflare plan of the zone: what the WAF can run and what the edge costs. */
  plan: z.enum(CLOUDFLARE_PLANS),
  /** The Cloudflare zone holding `domain` (dashboard: the zone's Overview, API section). */
  zoneId: z.union([z.literal(""), cloudflareId]),
  /** The Cloudflare account: load balancer pools and monitors are account-wide. */
  accountId: z.union([z.literal(""), cloudflareId]),
  /** Oldest TLS version viewers may use. Documents: TLS 1.2+, 1.3 preferred. */
  minTlsVersion: z.enum(TLS_VERSIONS),
  /** Managed WAF rulesets (the plan's), bot protection and the per-client rate limit. */
  waf: z.boolean(),
  /** DNS records answered by the edge (proxied), so the origin's address stays hidden. */
  proxied: z.boolean(),
  /** The gateway accepts only connections from the edge (authenticated origin pulls). */
  originLock: z.boolean(),
  /** Health-checked origins: a load balancer pool per gateway (a paid Cloudflare add-on). */
  loadBalancing: z.boolean(),
  /**
   * The Route 53 hosted zone holding `domain`, where each region of a group on CloudFront keeps
   * its own latency record for `origin.<domain>` with a health check (README, "Several regions").
   * Empty: the stack manages no zone. @example "Z0123456789ABCDEFGHIJ"
   */
  route53ZoneId: z.union([
    z.literal(""),
    // Route 53 hosted zone ids: "Z" and upper-case letters and digits, at most 32 characters
    // (Route 53 API Reference, HostedZone: Id, length 0-32).
    z
      .string()
      .regex(/^Z[A-Z0-9]{1,31}$/, "must be a Route 53 hosted zone id such as Z0123456789ABC"),
  ]),
});

export const cdn = z.strictObject({ enabled: z.boolean(), mediaHost: hostLabel });

export const tls = z.strictObject({
  /** Let's Encrypt account e-mail; `hostmaster@<domain>` (RFC 2142) when empty. */
  acmeEmail: z.union([z.literal(""), z.email()]),
  /**
   * The Let's Encrypt CA the certificate comes from: `staging` (untrusted, higher rate limits) for
   * a cluster the HTTP-01 challenge rarely reaches (components/gateway/index.ts ACME_SERVERS).
   */
  issuer: z.enum(["production", "staging"]),
});

/** The DMZ's gateway: the Envoy proxies and the load balancer in front of them. */
export const gateway = z.strictObject({
  /** Requests and limits of each Envoy proxy. */
  proxyResources: resources,
  /**
   * Size units of the gateway's load balancer where the cloud sizes it so (DigitalOcean): two
   * keep capacity through one unit's maintenance or failure.
   */
  loadBalancerSizeUnits: int(1, 100),
});
