import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { policyJson } from "./iam";
import { accountOf } from "./naming";
import { denyInsecureTransport } from "./storage";

/** CloudFront certificates and web ACLs live in us-east-1 whatever the stack's region. */
export const EDGE_REGION = "us-east-1";

/** Tiers document, Security Infrastructure: HSTS max-age=31536000; includeSubDomains. */
export const HSTS_SECONDS = 31536000;

/** Tiers document, Caching Strategy: the three Cache-Control headers, by kind of content. */
export const CACHE_CONTROL = {
  static: "public, max-age=31536000, immutable",
  dynamic: "public, max-age=60, stale-while-revalidate=300",
  noStore: "no-store",
} as const;

/** Static assets with hashed names (tiers document: *.js, *.css, *.woff2, images with hashes). */
export const STATIC_PATHS = ["/_next/static/*", "/static/*", "*.js", "*.css", "*.woff2"];
/** Auth tokens and sensitive data: never cached (tiers document, No Cache). */
export const NO_STORE_PATHS = ["/auth/*", "/api/auth/*"];
/** Media objects, served from the media bucket with the prefix removed. */
export const MEDIA_PATH = "/media/*";
/**
 * Let's Encrypt's HTTP-01 challenge: it must reach the gateway's HTTP listener in plain HTTP. A
 * redirect to https would send it to an origin that has no certificate yet on the first deploy.
 */
export const ACME_PATH = "/.well-known/acme-challenge/*";

/** CloudFront's viewer security policies for an edge.minTlsVersion (CloudFront developer guide). */
export const VIEWER_TLS_POLICY: Record<string, string> = {
  "1.0": "TLSv1_2016",
  "1.1": "TLSv1.1_2016",
  "1.2": "TLSv1.2_2021",
  "1.3": "TLSv1.3_2025",
};

/**
 * HTTP proxies between a viewer and the gateway on CloudFront's path: CloudFront alone appends the
 * viewer's address to X-Forwarded-For; the NLB behind it works at layer 4 and adds no entry.
 */
export const CLOUDFRONT_PROXY_HOPS = 1;

/** CloudFront's managed policies (fixed ids, the same in every account). */
const MANAGED = {
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  allViewerOriginRequest: "216adef6-5c7f-47e4-b989-5492eafa07d3",
};

/** Per-IP requests a 5-minute window before the WAF blocks (AWS's suggested starting point). */
export const RATE_LIMIT_PER_5_MIN = 2000;

/**
 * Tiers document, DDoS Protection, Layer 7 (rate limiting, IP reputation filtering): AWS managed
 * rule groups and a per-IP rate rule, in evaluation order.
 */
export function wafRules(rateLimit: number): aws.types.input.wafv2.WebAclRule[] {
  const visibility = (metricName: string) => ({
    cloudwatchMetricsEnabled: true,
    metricName,
    sampledRequestsEnabled: true,
  });
  const managed = (name: string, priority: number, count: string[] = []) => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: "AWS",
        name,
        ruleActionOverrides: count.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
      },
    },
    visibilityConfig: visibility(name),
  });
  return [
    managed("AWSManagedRulesAmazonIpReputationList", 1),
    {
      name: "rate-limit",
      priority: 2,
      action: { block: {} },
      statement: {
        rateBasedStatement: { limit: rateLimit, aggregateKeyType: "IP", evaluationWindowSec: 300 },
      },
      visibilityConfig: visibility("rate-limit"),
    },
    managed("AWSManagedRulesKnownBadInputsRuleSet", 3),
    // The common set blocks bodies over 8 KB, which would refuse media uploads: counted instead.
    managed("AWSManagedRulesCommonRuleSet", 4, ["SizeRestrictions_BODY"]),
  ];
}

// CloudFront Functions runtime 2.0: drops the /media prefix so bucket keys start at the root.
const STRIP_MEDIA_PREFIX = `function handler(event) {
  var request = event.request;
  request.uri = request.uri.replace(/^\\/media\\//, "/");
  return request;
}
`;

export interface CdnArgs {
  /** The apex the apps are served on. @example "example.com" */
  domain: string;
  /**
   * Every host the gateway serves, apex first (gateway `hostsOf`): each is an alias of the
   * distribution, so no public host bypasses the WAF. @default [domain]
   */
  hosts?: string[];
  /** Oldest TLS version viewers may use (edge.minTlsVersion). @default "1.2" */
  minTlsVersion?: string;
  /** Associate the WAF web ACL (edge.waf). @default true */
  waf?: boolean;
  /** Host name of the media. @example "media.example.com" */
  mediaHost: string;
  /**
   * DNS name that resolves to the gateway's NLB. The NLB is created in-cluster by the load balancer
   * controller, so its name is not known while planning: a CNAME at this name, pointed at the NLB
   * once it exists, is the origin. @example "origin.example.com"
   */
  originHost: string;
  /** The media bucket and the key that encrypts it, when object storage is managed. */
  media?: { bucket: aws.s3.Bucket; keyId: pulumi.Input<string>; keyArn: pulumi.Input<string> };
  /** Transfer a month the cost estimate assumes, in GB. @default 500 */
  expectedTransferGb?: number;
  /** Per-IP requests in 5 minutes before the WAF blocks. @default RATE_LIMIT_PER_5_MIN */
  rateLimit?: number;
}

/**
 * CloudFront in front of the gateway and the media bucket, with an ACM certificate, the documents'
 * cache rules (static 1 year, dynamic 60 s with stale-while-revalidate 300, auth paths no-store),
 * HTTPS only with TLS 1.2 (2021 ciphers) and HSTS, and a WAF web ACL. Cost: transfer (assumed),
 * the web ACL and its rules.
 */
export class Cdn extends pulumi.ComponentResource {
  public readonly distributionDomain: pulumi.Output<string>;
  /** DNS records that prove the domain to ACM; the first `pulumi up` waits until they exist. */
  public readonly validationRecords: pulumi.Output<{ name: string; type: string; value: string }[]>;

  constructor(name: string, args: CdnArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:aws:Cdn", name, args, opts);
    const parent = { parent: this };
    const edge = { region: EDGE_REGION };
    const hosts = args.hosts ?? [args.domain];

    const certificate = new aws.acm.Certificate(
      `${name}-certificate`,
      {
        ...edge,
        domainName: args.domain,
        subjectAlternativeNames: [...hosts.filter((h) => h !== args.domain), args.mediaHost],
        validationMethod: "DNS",
        keyAlgorithm: "EC_prime256v1",
      },
      parent,
    );
    this.validationRecords = certificate.domainValidationOptions.apply((options) =>
      (options ?? []).map((o) => ({
        name: o.resourceRecordName ?? "",
        type: o.resourceRecordType ?? "",
        value: o.resourceRecordValue ?? "",
      })),
    );
    const validated = new aws.acm.CertificateValidation(
      `${name}-certificate-validation`,
      { ...edge, certificateArn: certificate.arn },
      parent,
    );

    const acl =
      (args.waf ?? true)
        ? new aws.wafv2.WebAcl(
            `${name}-waf`,
            {
              ...edge,
              scope: "CLOUDFRONT",
              defaultAction: { allow: {} },
              rules: wafRules(args.rateLimit ?? RATE_LIMIT_PER_5_MIN),
              visibilityConfig: {
                cloudwatchMetricsEnabled: true,
                metricName: name,
                sampledRequestsEnabled: true,
              },
            },
            parent,
          )
        : undefined;

    const headers = (kind: keyof typeof CACHE_CONTROL, override: boolean) =>
      new aws.cloudfront.ResponseHeadersPolicy(
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
        parent,
      );
    // Static and no-store paths are what the document says whatever the origin sends; dynamic
    // content keeps an origin's own Cache-Control (a private response stays private).
    const staticHeaders = headers("static", true);
    const dynamicHeaders = headers("dynamic", false);
    const noStoreHeaders = headers("noStore", true);

    const compress = { enableAcceptEncodingBrotli: true, enableAcceptEncodingGzip: true };
    // Keyed on the object alone: no headers, cookies or query strings reach the origin.
    const objectOnly = {
      ...compress,
      cookiesConfig: { cookieBehavior: "none" },
      headersConfig: { headerBehavior: "none" },
      queryStringsConfig: { queryStringBehavior: "none" },
    };
    const staticCache = new aws.cloudfront.CachePolicy(
      `${name}-static-cache`,
      {
        comment: "Hashed static assets: one year",
        minTtl: 31536000,
        defaultTtl: 31536000,
        maxTtl: 31536000,
        parametersInCacheKeyAndForwardedToOrigin: objectOnly,
      },
      parent,
    );
    // Keyed on the host, the caller's credentials and every cookie and query string, so one user's
    // response is never served to another.
    const dynamicCache = new aws.cloudfront.CachePolicy(
      `${name}-dynamic-cache`,
      {
        comment: "Dynamic content: 60 s unless the origin says otherwise",
        minTtl: 0,
        defaultTtl: 60,
        maxTtl: 31536000,
        parametersInCacheKeyAndForwardedToOrigin: {
          ...compress,
          cookiesConfig: { cookieBehavior: "all" },
          headersConfig: {
            headerBehavior: "whitelist",
            headers: { items: ["Authorization", "Host"] },
          },
          queryStringsConfig: { queryStringBehavior: "all" },
        },
      },
      parent,
    );
    const gatewayMethods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
    const gateway = {
      targetOriginId: "gateway",
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: gatewayMethods,
      cachedMethods: ["GET", "HEAD"],
      compress: true,
    };
    const behaviours: aws.types.input.cloudfront.DistributionOrderedCacheBehavior[] = [
      // Plain HTTP to the gateway's HTTP listener, uncached: only the ACME solver answers there.
      {
        ...gateway,
        targetOriginId: "gateway-http",
        pathPattern: ACME_PATH,
        viewerProtocolPolicy: "allow-all",
        allowedMethods: ["GET", "HEAD"],
        cachePolicyId: MANAGED.cachingDisabled,
        originRequestPolicyId: MANAGED.allViewerOriginRequest,
        responseHeadersPolicyId: noStoreHeaders.id,
      },
      ...NO_STORE_PATHS.map((pathPattern) => ({
        ...gateway,
        pathPattern,
        cachePolicyId: MANAGED.cachingDisabled,
        originRequestPolicyId: MANAGED.allViewerOriginRequest,
        responseHeadersPolicyId: noStoreHeaders.id,
      })),
      ...STATIC_PATHS.map((pathPattern) => ({
        ...gateway,
        pathPattern,
        allowedMethods: ["GET", "HEAD", "OPTIONS"],
        cachePolicyId: staticCache.id,
        responseHeadersPolicyId: staticHeaders.id,
      })),
    ];

    const origins: aws.types.input.cloudfront.DistributionOrigin[] = [
      {
        originId: "gateway",
        domainName: args.originHost,
        customOriginConfig: {
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: "https-only",
          originSslProtocols: ["TLSv1.2"],
        },
      },
      {
        originId: "gateway-http",
        domainName: args.originHost,
        customOriginConfig: {
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: "http-only",
          originSslProtocols: ["TLSv1.2"],
        },
      },
    ];
    if (args.media) {
      const oac = new aws.cloudfront.OriginAccessControl(
        `${name}-media-access`,
        {
          description: "CloudFront reads the media bucket, signed",
          originAccessControlOriginType: "s3",
          signingBehavior: "always",
          signingProtocol: "sigv4",
        },
        parent,
      );
      origins.push({
        originId: "media",
        domainName: args.media.bucket.bucketRegionalDomainName,
        originAccessControlId: oac.id,
      });
      // S3 is keyed on the object alone: no headers, cookies or query strings reach it.
      const mediaCache = new aws.cloudfront.CachePolicy(
        `${name}-media-cache`,
        {
          comment: "Media (user uploads, avatars): 60 s unless the object says otherwise",
          minTtl: 0,
          defaultTtl: 60,
          maxTtl: 31536000,
          parametersInCacheKeyAndForwardedToOrigin: objectOnly,
        },
        parent,
      );
      const strip = new aws.cloudfront.Function(
        `${name}-media-path`,
        {
          runtime: "cloudfront-js-2.0",
          comment: "Removes the /media prefix before the bucket",
          code: STRIP_MEDIA_PREFIX,
          publish: true,
        },
        parent,
      );
      behaviours.push({
        pathPattern: MEDIA_PATH,
        targetOriginId: "media",
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD", "OPTIONS"],
        cachedMethods: ["GET", "HEAD"],
        compress: true,
        cachePolicyId: mediaCache.id,
        responseHeadersPolicyId: dynamicHeaders.id,
        functionAssociations: [{ eventType: "viewer-request", functionArn: strip.arn }],
      });
    }

    const transferGb = args.expectedTransferGb ?? 500;
    const distribution = new aws.cloudfront.Distribution(
      `${name}-distribution`,
      {
        enabled: true,
        comment: `${args.domain}: gateway and media`,
        aliases: [...hosts, args.mediaHost],
        isIpv6Enabled: true,
        httpVersion: "http2and3",
        // North America and Europe edges, the ones the catalog's CloudFront price is for.
        priceClass: "PriceClass_100",
        webAclId: acl?.arn,
        origins,
        defaultCacheBehavior: {
          ...gateway,
          cachePolicyId: dynamicCache.id,
          originRequestPolicyId: MANAGED.allViewerOriginRequest,
          responseHeadersPolicyId: dynamicHeaders.id,
        },
        orderedCacheBehaviors: behaviours,
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: {
          acmCertificateArn: validated.certificateArn,
          sslSupportMethod: "sni-only",
          minimumProtocolVersion: VIEWER_TLS_POLICY[args.minTlsVersion ?? "1.2"],
        },
        tags: { "platform/expectedTransferGb": String(transferGb) },
      },
      parent,
    );
    this.distributionDomain = distribution.domainName;

    if (args.media) {
      const { bucket, keyId, keyArn } = args.media;
      // The media bucket's one policy document: TLS only, and reads by this distribution alone.
      new aws.s3.BucketPolicy(
        `${name}-media-policy`,
        {
          bucket: bucket.bucket,
          policy: policyJson([
            denyInsecureTransport(bucket.arn),
            {
              Sid: "CloudFrontReadsMedia",
              Effect: "Allow",
              Principal: { Service: "cloudfront.amazonaws.com" },
              Action: "s3:GetObject",
              Resource: pulumi.interpolate`${bucket.arn}/*`,
              Condition: { StringEquals: { "AWS:SourceArn": distribution.arn } },
            },
          ]),
        },
        parent,
      );
      // Objects are SSE-KMS, so the distribution also needs to decrypt with the bucket's key.
      const account = pulumi.output(keyArn).apply(accountOf);
      new aws.kms.KeyPolicy(
        `${name}-media-key-policy`,
        {
          keyId,
          policy: policyJson([
            {
              Sid: "AccountAdministers",
              Effect: "Allow",
              Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:root` },
              Action: "kms:*",
              Resource: "*",
            },
            {
              Sid: "CloudFrontDecryptsMedia",
              Effect: "Allow",
              Principal: { Service: "cloudfront.amazonaws.com" },
              Action: "kms:Decrypt",
              Resource: "*",
              Condition: { StringEquals: { "aws:SourceArn": distribution.arn } },
            },
          ]),
        },
        parent,
      );
    }
    this.registerOutputs({
      distributionDomain: this.distributionDomain,
      validationRecords: this.validationRecords,
    });
  }
}
