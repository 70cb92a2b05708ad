import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { mediaReadGrants, mediaRoute, type CdnMedia } from "./cdn-media";
import { cachePolicy, MANAGED, responseHeaders } from "./cdn-policies";
import { RATE_LIMIT_PER_5_MIN, wafRules } from "./waf";
import { COST_TAGS } from "../kit/cost-tags";

/** CloudFront certificates and web ACLs live in us-east-1 whatever the stack's region. */
export const EDGE_REGION = "us-east-1";

/** Static assets with hashed names (tiers document: *.js, *.css, *.woff2, images with hashes). */
export const STATIC_PATHS = ["/_next/static/*", "/static/*", "*.js", "*.css", "*.woff2"];
/** Auth tokens and sensitive data: never cached (tiers document, No Cache). */
export const NO_STORE_PATHS = ["/auth/*", "/api/auth/*"];
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
  media?: CdnMedia;
  /** Transfer a month the cost estimate assumes, in GB. @default 500 */
  expectedTransferGb?: number;
  /** Per-IP requests in 5 minutes before the WAF blocks. @default RATE_LIMIT_PER_5_MIN */
  rateLimit?: number;
  /**
   * Serve from Asia's edges too: a group with a region there needs them, since the origin's
   * latency record is resolved from the edge that serves the viewer. @default false
   */
  asiaEdges?: boolean;
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

    // Static and no-store paths are what the document says whatever the origin sends; dynamic
    // content keeps an origin's own Cache-Control (a private response stays private).
    const staticHeaders = responseHeaders(name, "static", true, parent);
    const dynamicHeaders = responseHeaders(name, "dynamic", false, parent);
    const noStoreHeaders = responseHeaders(name, "noStore", true, parent);

    const staticCache = cachePolicy(name, "static", parent);
    const dynamicCache = cachePolicy(name, "dynamic", parent);
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
      const media = mediaRoute(name, args.media, dynamicHeaders.id, parent);
      origins.push(media.origin);
      behaviours.push(media.behaviour);
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
        // North America and Europe edges, the ones the catalog's CloudFront price is for; a group
        // of regions adds Asia's (PriceClass_200), or Asian viewers would be served, and their
        // origin resolved, from Europe or America (CloudFront Developer Guide, "Price classes").
        priceClass: args.asiaEdges ? "PriceClass_200" : "PriceClass_100",
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
        tags: { [COST_TAGS.expectedTransferGb]: String(transferGb) },
      },
      parent,
    );
    this.distributionDomain = distribution.domainName;

    if (args.media) mediaReadGrants(name, args.media, distribution.arn, parent);
    this.registerOutputs({
      distributionDomain: this.distributionDomain,
      validationRecords: this.validationRecords,
    });
  }
}
