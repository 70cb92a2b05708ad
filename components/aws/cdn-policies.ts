import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** Tiers document, Security Infrastructure: HSTS max-age=31536000; includeSubDomains. */
export const HSTS_SECONDS = 31536000;

/** Tiers document, Caching Strategy: the three Cache-Control headers, by kind of content. */
export const CACHE_CONTROL = {
  static: "public, max-age=31536000, immutable",
  dynamic: "public, max-age=60, stale-while-revalidate=300",
  noStore: "no-store",
} as const;

/** CloudFront's managed policies (fixed ids, the same in every account). */
export const MANAGED = {
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  allViewerOriginRequest: "216adef6-5c7f-47e4-b989-5492eafa07d3",
};

/** Both compressions CloudFront serves from its cache. */
export const COMPRESS = { enableAcceptEncodingBrotli: true, enableAcceptEncodingGzip: true };

/** Keyed on the object alone: no headers, cookies or query strings reach the origin. */
export const OBJECT_ONLY = {
  ...COMPRESS,
  cookiesConfig: { cookieBehavior: "none" },
  headersConfig: { headerBehavior: "none" },
  queryStringsConfig: { queryStringBehavior: "none" },
};

/** A year, CloudFront's longest TTL as the documents' static assets ask for it. */
const YEAR_SECONDS = 31536000;

/** A response headers policy: HSTS, nosniff, a referrer policy and the kind's Cache-Control. */
export function responseHeaders(
  name: string,
  kind: keyof typeof CACHE_CONTROL,
  override: boolean,
  opts: pulumi.CustomResourceOptions,
): aws.cloudfront.ResponseHeadersPolicy {
  return new aws.cloudfront.ResponseHeadersPolicy(
    `${name}-${kind}-headers`,
    {
      comment: `HSTS and Cache-Control: ${CACHE_CONTROL[kind]}`,
      securityHeadersConfig: {
        strictTransportSecurity: {
          accessControlMaxAgeSec: HSTS_SECONDS,
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: false },
      },
      customHeadersConfig: {
        items: [{ header: "Cache-Control", value: CACHE_CONTROL[kind], override }],
      },
    },
    opts,
  );
}

/**
 * The distribution's cache policies, kept at most a year: `minTtl` and `defaultTtl` in seconds
 * (the default applies when the origin sends no Cache-Control), `key` what the cache is keyed on.
 */
interface CacheRule {
  comment: string;
  minTtl: number;
  defaultTtl: number;
  key: aws.types.input.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOrigin;
}

export const CACHE_POLICIES: Record<"static" | "dynamic" | "media", CacheRule> = {
  static: {
    comment: "Hashed static assets: one year",
    minTtl: YEAR_SECONDS,
    defaultTtl: YEAR_SECONDS,
    key: OBJECT_ONLY,
  },
  // Keyed on the host, the caller's credentials and every cookie and query string, so one user's
  // response is never served to another.
  dynamic: {
    comment: "Dynamic content: 60 s unless the origin says otherwise",
    minTtl: 0,
    defaultTtl: 60,
    key: {
      ...COMPRESS,
      cookiesConfig: { cookieBehavior: "all" },
      headersConfig: { headerBehavior: "whitelist", headers: { items: ["Authorization", "Host"] } },
      queryStringsConfig: { queryStringBehavior: "all" },
    },
  },
  // S3 is keyed on the object alone: no headers, cookies or query strings reach it.
  media: {
    comment: "Media (user uploads, avatars): 60 s unless the object says otherwise",
    minTtl: 0,
    defaultTtl: 60,
    key: OBJECT_ONLY,
  },
};

/** The cache policy of one kind of content (CACHE_POLICIES), named `${name}-${kind}-cache`. */
export function cachePolicy(
  name: string,
  kind: keyof typeof CACHE_POLICIES,
  opts: pulumi.CustomResourceOptions,
): aws.cloudfront.CachePolicy {
  const { comment, minTtl, defaultTtl, key } = CACHE_POLICIES[kind];
  return new aws.cloudfront.CachePolicy(
    `${name}-${kind}-cache`,
    {
      comment,
      minTtl,
      defaultTtl,
      maxTtl: YEAR_SECONDS,
      parametersInCacheKeyAndForwardedToOrigin: key,
    },
    opts,
  );
}
