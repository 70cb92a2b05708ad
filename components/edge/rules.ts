/**
 * Pure planning of the Cloudflare edge: which hosts it answers, the zone's settings and the rules of
 * each ruleset phase, as plain values tested directly. Nothing here registers a resource. Field
 * names follow the Cloudflare Rulesets API as @pulumi/cloudflare 6.22 spells them (camelCase keys
 * of `cloudflare.Ruleset` rules; snake_case inside a zone setting's free-form `value`).
 */
import type { AppConfig, CloudflarePlan } from "../../config";
import { DEFAULT_CACHE_PATHS, hostOf, prefixCovers, type CachePaths } from "../gateway/routes";

/** Tiers document, Security Infrastructure: HSTS max-age=31536000; includeSubDomains. */
export const HSTS_SECONDS = 31536000;

/** Tiers document, CDN & Caching: static assets a year, immutable. */
export const STATIC_TTL_SECONDS = 31536000;

/** Self-hosted §6.1: `limit_req zone=api rate=10r/s burst=20` per client address. */
export const DOCUMENTED_EDGE_LIMIT = { requestsPerSecond: 10, burst: 20 } as const;

/**
 * Cloudflare's WAF managed rulesets (cloudflare/cloudflare-docs src/content/docs/waf/managed-rules/
 * index.mdx). The Free Managed Ruleset runs on every plan; the Cloudflare Managed Ruleset (known
 * attack techniques and bad inputs) and the OWASP Core Ruleset need a paid plan (Pro or above,
 * src/content/plans/index.json, security.waf_a_managed_rules).
 */
export const MANAGED_RULESETS = {
  free: "77454fe2d30c4220b5701f6fdfb893ba",
  cloudflare: "efb7b8c949ac4650a09736fc376e9aee",
  owasp: "4814384a9e5d4991b9815dcfc25d2f1f",
} as const;

/**
 * What each plan allows the edge to do (cloudflare/cloudflare-docs src/content/plans/index.json and
 * src/content/partials/waf/rate-limiting-availability-by-plan.mdx, read 2026):
 * - managed rulesets, as above;
 * - rate limiting: Free counts only by path over 10 s with a 10 s mitigation, Pro and Business may
 *   match on the host; every plan counts per IP (with the data centre, `cf.colo.id`);
 * - Super Bot Fight Mode from Pro (Free has Bot Fight Mode), "likely automated" from Business;
 * - the shortest edge cache TTL a rule may set: 2 h on Free, 1 h on Pro, 1 s on Business.
 */
export const PLAN_FEATURES: Record<
  CloudflarePlan,
  {
    managedRulesets: (keyof typeof MANAGED_RULESETS)[];
    rateLimitByHost: boolean;
    superBotFightMode: boolean;
    likelyAutomated: boolean;
    minEdgeTtlSeconds: number;
  }
> = {
  free: {
    managedRulesets: ["free"],
    rateLimitByHost: false,
    superBotFightMode: false,
    likelyAutomated: false,
    minEdgeTtlSeconds: 7200,
  },
  pro: {
    managedRulesets: ["cloudflare", "owasp"],
    rateLimitByHost: true,
    superBotFightMode: true,
    likelyAutomated: false,
    minEdgeTtlSeconds: 3600,
  },
  business: {
    managedRulesets: ["cloudflare", "owasp"],
    rateLimitByHost: true,
    superBotFightMode: true,
    likelyAutomated: true,
    minEdgeTtlSeconds: 1,
  },
};

/** One public host the edge answers and the path its health monitor probes (if any app has one). */
export interface EdgeHost {
  host: string;
  /** An app's health path the gateway routes to that app on this host; undefined: TCP check. */
  healthPath?: string;
  /** An app on the host lets shared caches keep its dynamic responses a minute (cacheDynamic). */
  cacheDynamic: boolean;
}

/**
 * The hosts in front of the gateway, apex first, as the gateway serves them (gateway `hostsOf`):
 * the apex always, then every public app's host. A host's health path is that of the first app on
 * it whose path prefix covers its own health path, so the probe reaches the app it names.
 */
export function edgeHosts(
  domain: string,
  apps: readonly Pick<
    AppConfig,
    "host" | "public" | "pathPrefix" | "healthPath" | "cacheDynamic"
  >[],
): EdgeHost[] {
  const hosts: EdgeHost[] = [{ host: domain, cacheDynamic: false }];
  for (const app of apps.filter((a) => a.public)) {
    const name = hostOf(domain, app);
    let entry = hosts.find((h) => h.host === name);
    if (!entry) hosts.push((entry = { host: name, cacheDynamic: false }));
    if (!entry.healthPath && prefixCovers(app.pathPrefix, app.healthPath))
      entry.healthPath = app.healthPath;
    entry.cacheDynamic ||= app.cacheDynamic;
  }
  return hosts;
}

/** A Cloudflare string literal in a rules expression. */
const quote = (s: string) => JSON.stringify(s);

/** A request whose path is `prefix` or under it (element-wise, as the gateway's PathPrefix). */
export function underAny(prefixes: readonly string[]): string {
  return prefixes
    .map((p) => p.replace(/\/+$/, ""))
    .map(
      (p) =>
        `http.request.uri.path eq ${quote(p)} or starts_with(http.request.uri.path, ${quote(`${p}/`)})`,
    )
    .join(" or ");
}

/** `http.host in {...}`: the stack's own hosts, so a shared zone's other hosts are left alone. */
export function hostIn(hosts: readonly string[]): string {
  return `http.host in {${hosts.map(quote).join(" ")}}`;
}

/** Zone settings by `settingId`: TLS, HSTS, IP reputation and origin authentication. */
export function zoneSettings(opts: {
  minTlsVersion: string;
  originLock: boolean;
}): { settingId: string; value: unknown }[] {
  return [
    // Full (strict): Cloudflare validates the gateway's cert-manager certificate.
    { settingId: "ssl", value: "strict" },
    { settingId: "min_tls_version", value: opts.minTlsVersion },
    { settingId: "tls_1_3", value: "on" },
    // Rewrites http:// links in pages served over HTTPS (mixed content).
    { settingId: "automatic_https_rewrites", value: "on" },
    {
      settingId: "security_header",
      value: {
        strict_transport_security: {
          enabled: true,
          max_age: HSTS_SECONDS,
          include_subdomains: true,
          nosniff: true,
          preload: false,
        },
      },
    },
    // Tiers document, DDoS Protection, layer 7: IP reputation filtering (visitors with a high
    // threat score are challenged) and the browser integrity check (bad bots' headers).
    { settingId: "security_level", value: "medium" },
    { settingId: "browser_check", value: "on" },
    // Authenticated origin pulls: Cloudflare presents its origin-pull client certificate to the
    // gateway, which requires it (components/edge/origin.ts).
    { settingId: "tls_client_auth", value: opts.originLock ? "on" : "off" },
  ];
}

/** A rule of a Cloudflare ruleset, as `cloudflare.Ruleset` takes it. */
export interface EdgeRule {
  ref: string;
  description: string;
  expression: string;
  action: string;
  actionParameters?: Record<string, unknown>;
  ratelimit?: {
    characteristics: string[];
    period: number;
    requestsPerPeriod: number;
    mitigationTimeout: number;
  };
  enabled: boolean;
}

/** The ACME HTTP-01 path, which must reach the gateway's HTTP listener in plain HTTP. */
export const ACME_PATH = "/.well-known/acme-challenge/";

/**
 * http → https at the edge, except the ACME challenge. Cloudflare's zone-wide "Always Use HTTPS"
 * would also redirect Let's Encrypt's HTTP-01 request, which Full (strict) would then send to the
 * gateway over HTTPS before it has a certificate (cloudflare-docs ssl-modes/full: Cloudflare
 * connects to the origin with the scheme the visitor used). A single redirect leaves that path out.
 */
export function httpsRedirectRules(hosts: readonly string[]): EdgeRule[] {
  return [
    {
      ref: "https_redirect",
      description: "Every request over HTTPS, except Let's Encrypt's HTTP-01 challenge",
      expression: `(${hostIn(hosts)} and http.request.scheme eq "http" and not starts_with(http.request.uri.path, ${quote(ACME_PATH)}))`,
      action: "redirect",
      actionParameters: {
        fromValue: {
          statusCode: 301,
          targetUrl: { expression: 'concat("https://", http.host, http.request.uri.path)' },
          preserveQueryString: true,
        },
      },
      enabled: true,
    },
  ];
}

/** The managed rulesets the plan allows, each executed on the stack's hosts. */
export function managedWafRules(plan: CloudflarePlan, hosts: readonly string[]): EdgeRule[] {
  return PLAN_FEATURES[plan].managedRulesets.map((name) => ({
    ref: `managed_${name}`,
    description: `Execute the ${name} managed ruleset`,
    expression: `(${hostIn(hosts)})`,
    action: "execute",
    actionParameters: { id: MANAGED_RULESETS[name] },
    enabled: true,
  }));
}

/**
 * The per-client budget of self-hosted §6.1 at the edge. Cloudflare counts requests in fixed
 * periods, not in a leaky bucket: over a period of `p` seconds nginx's `rate=r burst=b` lets at
 * most `r·p + b` requests through, so that is the threshold (10 r/s, burst 20: 120 in 10 s).
 */
export function requestsPerPeriod(
  limit: { requestsPerSecond: number; burst: number },
  periodSeconds: number,
): number {
  return limit.requestsPerSecond * periodSeconds + limit.burst;
}

/** The counting period every plan offers (Free: 10 s only). */
export const RATE_LIMIT_PERIOD_SECONDS = 10;

/**
 * One rate-limiting rule, per client IP (and Cloudflare data centre, which every non-Enterprise
 * counter includes). On Free a rule may only match on the path, so it covers the whole zone.
 */
export function rateLimitRules(
  plan: CloudflarePlan,
  hosts: readonly string[],
  limit = DOCUMENTED_EDGE_LIMIT,
): EdgeRule[] {
  const period = RATE_LIMIT_PERIOD_SECONDS;
  return [
    {
      ref: "per_client_rate_limit",
      description: `Self-hosted §6.1: ${limit.requestsPerSecond} r/s, burst ${limit.burst}, per client`,
      expression: PLAN_FEATURES[plan].rateLimitByHost
        ? `(${hostIn(hosts)})`
        : '(starts_with(http.request.uri.path, "/"))',
      action: "block",
      ratelimit: {
        characteristics: ["cf.colo.id", "ip.src"],
        period,
        requestsPerPeriod: requestsPerPeriod(limit, period),
        mitigationTimeout: period,
      },
      enabled: true,
    },
  ];
}

/**
 * Cache rules after the tiers document's headers, in the order Cloudflare applies them (a later
 * match overrides an earlier one): dynamic responses of hosts whose apps opt in are cached as the
 * gateway's `Cache-Control` says (60 s, stale-while-revalidate 300); immutable static paths a year
 * at the edge; auth paths never.
 */
export function cacheRules(
  plan: CloudflarePlan,
  hosts: readonly EdgeHost[],
  paths: CachePaths = DEFAULT_CACHE_PATHS,
): EdgeRule[] {
  const all = hosts.map((h) => h.host);
  const dynamic = hosts.filter((h) => h.cacheDynamic).map((h) => h.host);
  const staticTtl = Math.max(STATIC_TTL_SECONDS, PLAN_FEATURES[plan].minEdgeTtlSeconds);
  const rules: EdgeRule[] = [];
  if (dynamic.length > 0)
    rules.push({
      ref: "cache_dynamic",
      description: "Dynamic responses: as the gateway's Cache-Control says (60 s, swr 300)",
      expression: `(${hostIn(dynamic)})`,
      action: "set_cache_settings",
      actionParameters: {
        cache: true,
        edgeTtl: { mode: "respect_origin" },
        browserTtl: { mode: "respect_origin" },
      },
      enabled: true,
    });
  rules.push(
    {
      ref: "cache_static",
      description: "Hashed static assets: a year, immutable",
      expression: `(${hostIn(all)} and (${underAny(paths.staticPaths)}))`,
      action: "set_cache_settings",
      actionParameters: {
        cache: true,
        edgeTtl: { mode: "override_origin", default: staticTtl },
        browserTtl: { mode: "respect_origin" },
      },
      enabled: true,
    },
    {
      ref: "bypass_auth",
      description: "Auth tokens and sensitive data: never cached (no-store)",
      expression: `(${hostIn(all)} and (${underAny(paths.authPaths)}))`,
      action: "set_cache_settings",
      actionParameters: { cache: false },
      enabled: true,
    },
  );
  return rules;
}

/** Bot protection the plan allows: Bot Fight Mode on Free, Super Bot Fight Mode from Pro. */
export function botSettings(plan: CloudflarePlan): Record<string, unknown> {
  const f = PLAN_FEATURES[plan];
  if (!f.superBotFightMode) return { fightMode: true, enableJs: true };
  return {
    enableJs: true,
    sbfmDefinitelyAutomated: "managed_challenge",
    sbfmVerifiedBots: "allow",
    sbfmStaticResourceProtection: false,
    ...(f.likelyAutomated ? { sbfmLikelyAutomated: "managed_challenge" } : {}),
  };
}

/** The DNS record type that points at the gateway: an address, or the AWS NLB's host name. */
export function recordType(cloud: string): "A" | "CNAME" {
  return cloud === "aws" ? "CNAME" : "A";
}
