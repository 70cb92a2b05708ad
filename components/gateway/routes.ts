/**
 * Pure planning of the gateway's hosts, listeners and HTTPRoutes: plain values, tested directly.
 * Nothing here registers a resource.
 */

/** A public app as the gateway sees it: where it is served and which Services answer. */
export interface GatewayApp {
  /** App name from the stack config; names its HTTPRoute. @example "api" */
  name: string;
  /** Host label under the stack's domain; empty for the apex. @example "api" */
  host: string;
  /** Path the app owns on its host. @example "/" */
  pathPrefix: string;
  /** Only public apps get an HTTPRoute. @example true */
  public: boolean;
  /** Services of the app's release tracks and their share of requests (App.backends). */
  backends: { service: string; weight: number }[];
  /** Port of those Services (App.port). @example 3000 */
  port: number;
  /**
   * Cache the app's other responses publicly for a minute. @default false — API responses that
   * carry user data must never be stored by a shared cache, so the app has to opt in.
   */
  cacheDynamic?: boolean;
}

/** Where the routes attach: the Gateway and its namespace. */
export interface GatewayRef {
  name: string;
  namespace: string;
}

/** Path classes of the tiers document, CDN & Caching section. */
export interface CachePaths {
  /** Hashed, immutable build output. @example ["/_next/static", "/static", "/assets"] */
  staticPaths: string[];
  /** Auth tokens and other sensitive responses. @example ["/auth", "/api/auth"] */
  authPaths: string[];
}

/** Tiers document, CDN & Caching: the three Cache-Control values, verbatim. */
export const CACHE_CONTROL = {
  static: "public, max-age=31536000, immutable",
  dynamic: "public, max-age=60, stale-while-revalidate=300",
  noStore: "no-store",
} as const;

/** Infrastructure recommendations, Security Infrastructure, SSL/TLS Configuration. */
export const HSTS = {
  name: "Strict-Transport-Security",
  value: "max-age=31536000; includeSubDomains",
} as const;

export const DEFAULT_CACHE_PATHS: CachePaths = {
  staticPaths: ["/_next/static", "/static", "/assets"],
  authPaths: ["/auth", "/api/auth"],
};

/** Name of the plain-HTTP listener; ACME HTTP-01 challenges and the redirect attach to it. */
export const HTTP_LISTENER = "http";

/** The app's fully qualified host: `<host>.<domain>`, or the apex when the host is empty. */
export function hostOf(domain: string, app: Pick<GatewayApp, "host">): string {
  return app.host ? `${app.host}.${domain}` : domain;
}

/** Every host the gateway serves and the certificate covers: the apex first, then each public app's. */
export function hostsOf(
  domain: string,
  apps: readonly Pick<GatewayApp, "host" | "public">[],
): string[] {
  const hosts = [domain];
  for (const app of apps) {
    const host = hostOf(domain, app);
    if (app.public && !hosts.includes(host)) hosts.push(host);
  }
  return hosts;
}

/** The HTTPS listener serving a host: `https` for the apex, `https-<label>` for a subdomain. */
export function listenerName(domain: string, host: string): string {
  if (host === domain) return "https";
  return `https-${host.slice(0, -(domain.length + 1)).replace(/\./g, "-")}`;
}

/**
 * Gateway API ignores a trailing slash in a PathPrefix ("/static/" matches as "/static"), so
 * prefixes are compared without it.
 */
export function normalizePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** True when `prefix` matches `path` element by element, as Gateway API PathPrefix does. */
export function prefixCovers(prefix: string, path: string): boolean {
  const p = normalizePath(prefix);
  const q = normalizePath(path);
  return p === "/" || q === p || q.startsWith(`${p}/`);
}

/** One rule of an app's route: its path prefixes and the Cache-Control it sets, if any. */
export interface CacheRule {
  kind: "static" | "auth" | "default";
  paths: string[];
  cacheControl?: string;
}

/**
 * The app's rules per path class. A class path goes to the public app on the same host with the
 * longest prefix covering it, so two apps sharing a host never claim the same path (Gateway API
 * would break that tie by creation time, not by intent). Auth paths win over static ones: a path
 * listed in both is never cached. The default rule caches only where the app opted in.
 */
export function cacheRules(
  app: GatewayApp,
  apps: readonly GatewayApp[],
  paths: CachePaths = DEFAULT_CACHE_PATHS,
): CacheRule[] {
  const siblings = apps.filter((a) => a.public && a.host === app.host);
  const owns = (path: string) => {
    const covering = siblings.filter((a) => prefixCovers(a.pathPrefix, path));
    const longest = covering.reduce<GatewayApp | undefined>(
      (best, a) =>
        !best || normalizePath(a.pathPrefix).length > normalizePath(best.pathPrefix).length
          ? a
          : best,
      undefined,
    );
    return longest?.name === app.name;
  };
  const unique = (list: string[]) => [...new Set(list.map(normalizePath))];
  const auth = unique(paths.authPaths).filter(owns);
  const statics = unique(paths.staticPaths).filter((p) => owns(p) && !auth.includes(p));
  const rules: CacheRule[] = [];
  if (statics.length > 0)
    rules.push({ kind: "static", paths: statics, cacheControl: CACHE_CONTROL.static });
  if (auth.length > 0)
    rules.push({ kind: "auth", paths: auth, cacheControl: CACHE_CONTROL.noStore });
  // Without the opt-in the app's own Cache-Control passes through untouched: the gateway cannot
  // tell a public listing from a response that carries one user's data.
  rules.push({
    kind: "default",
    paths: [normalizePath(app.pathPrefix)],
    cacheControl: app.cacheDynamic ? CACHE_CONTROL.dynamic : undefined,
  });
  return rules;
}

/** Everything `routeFor` needs besides the app. */
export interface RouteContext {
  domain: string;
  gateway: GatewayRef;
  /** Namespace of the apps' Services, where their HTTPRoutes live. @example "platform" */
  appsNamespace: string;
  /** Every app of the stack, so that class paths go to the right app on a shared host. */
  apps: readonly GatewayApp[];
  paths?: CachePaths;
}

/** The HTTPRoute of one public app, as a plain object (metadata and spec). */
export function routeFor(app: GatewayApp, ctx: RouteContext) {
  const host = hostOf(ctx.domain, app);
  const backendRefs = app.backends.map((b) => ({
    group: "",
    kind: "Service",
    name: b.service,
    port: app.port,
    // Weights carry blue-green (0/100) and canary (95/5) exactly as the App computed them.
    weight: b.weight,
  }));
  const rules = cacheRules(app, ctx.apps, ctx.paths).map((rule) => ({
    matches: rule.paths.map((value) => ({ path: { type: "PathPrefix", value } })),
    filters: [
      {
        type: "ResponseHeaderModifier",
        responseHeaderModifier: {
          // One filter per rule: Gateway API refuses a repeated ResponseHeaderModifier.
          set: [
            { name: HSTS.name, value: HSTS.value },
            ...(rule.cacheControl ? [{ name: "Cache-Control", value: rule.cacheControl }] : []),
          ],
        },
      },
    ],
    backendRefs,
  }));
  return {
    metadata: {
      name: app.name,
      namespace: ctx.appsNamespace,
      labels: { "app.kubernetes.io/name": app.name, "app.kubernetes.io/part-of": "platform" },
    },
    spec: {
      parentRefs: [
        // HTTPS only: the plain-HTTP listener carries nothing but the redirect.
        listenerRef(ctx.gateway, listenerName(ctx.domain, host)),
      ],
      hostnames: [host],
      rules,
    },
  };
}

/** A parentRef to one listener (`sectionName`) of the Gateway. */
export function listenerRef(gateway: GatewayRef, sectionName: string) {
  return {
    group: "gateway.networking.k8s.io",
    kind: "Gateway",
    name: gateway.name,
    namespace: gateway.namespace,
    sectionName,
  };
}

/** The only route on port 80: a permanent redirect of every request to HTTPS. */
export function redirectRoute(gateway: GatewayRef) {
  return {
    metadata: { name: `${gateway.name}-https-redirect`, namespace: gateway.namespace },
    spec: {
      parentRefs: [listenerRef(gateway, HTTP_LISTENER)],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          filters: [
            { type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } },
          ],
        },
      ],
    },
  };
}

/** A Gateway listener, as gateway.networking.k8s.io/v1 spells it. */
export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: "HTTP" | "HTTPS";
  tls?: { mode: "Terminate"; certificateRefs: { group: ""; kind: "Secret"; name: string }[] };
  allowedRoutes: {
    namespaces: { from: "Same" | "Selector"; selector?: { matchLabels: Record<string, string> } };
    kinds: { group: string; kind: string }[];
  };
}

/**
 * Gateway listeners: one HTTPS listener per host (explicit names rather than a wildcard, because
 * Let's Encrypt issues wildcard certificates only through DNS-01 and the documents ask for HTTP-01
 * through the gateway), all terminating TLS with the one certificate Secret, and the HTTP listener.
 */
export function listenersFor(
  domain: string,
  hosts: readonly string[],
  certificateSecret: string,
  appsNamespace: string,
): Listener[] {
  const https = hosts.map((hostname): Listener => ({
    name: listenerName(domain, hostname),
    hostname,
    port: 443,
    protocol: "HTTPS",
    tls: {
      mode: "Terminate",
      certificateRefs: [{ group: "", kind: "Secret", name: certificateSecret }],
    },
    // App routes live beside their Services, so no ReferenceGrant is needed for the backends.
    allowedRoutes: {
      namespaces: {
        from: "Selector",
        selector: { matchLabels: { "kubernetes.io/metadata.name": appsNamespace } },
      },
      kinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }],
    },
  }));
  const http: Listener = {
    name: HTTP_LISTENER,
    port: 80,
    protocol: "HTTP",
    // The redirect and cert-manager's HTTP-01 solver routes, both in the gateway's namespace.
    allowedRoutes: {
      namespaces: { from: "Same" },
      kinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }],
    },
  };
  return [...https, http];
}
