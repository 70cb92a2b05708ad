import fc from "fast-check";
import { NO_STORE_PATHS, STATIC_PATHS } from "../../components/aws/cdn";
import { CACHE_CONTROL, HSTS_SECONDS } from "../../components/aws/cdn-policies";
import { wafRules } from "../../components/aws/waf";
import {
  bucketName,
  logRetentionDays,
  LOG_RETENTION_STEPS,
  weeklyWindow,
} from "../../components/aws/naming";
import { physicalName } from "../../components/kit/naming";
import type { Registered } from "../../plan/mocks";
import { ofType, one } from "../helpers/mocks";
import { inputsOf, recordAws, stackConfig } from "./helpers";

describe("naming", () => {
  it("makes valid S3 bucket names for any domain and stack, distinct when the inputs differ", () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 2, maxLength: 6 }),
        label,
        label,
        (parts, stack, name) => {
          const b = bucketName(parts.join("."), stack, name);
          expect(b).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
          expect(b).not.toContain("--");
        },
      ),
    );
    expect(bucketName("example.com", "production", "media")).toBe("example-com-production-media");
    const long = "a".repeat(60);
    expect(physicalName([long, "x"], 40)).not.toBe(physicalName([long, "y"], 40));
  });

  it("rounds log retention up to a period CloudWatch accepts", () => {
    expect(logRetentionDays(30)).toBe(30);
    expect(logRetentionDays(31)).toBe(60);
    expect(logRetentionDays(10_000)).toBe(LOG_RETENTION_STEPS.at(-1));
  });

  it("rolls a maintenance window past midnight into the next day", () => {
    expect(weeklyWindow("sun", 4, 0, 60)).toBe("sun:04:00-sun:05:00");
    expect(weeklyWindow("sun", 23, 30, 60)).toBe("sun:23:30-mon:00:30");
    expect(weeklyWindow("sat", 25, 0, 60)).toBe("sun:01:00-sun:02:00");
  });
});

describe("wafRules", () => {
  it("filters by IP reputation and known bad inputs, applies the common rules and limits each IP's rate", () => {
    const rules = wafRules(2000);
    const groups = rules
      .map((r: any) => r.statement.managedRuleGroupStatement?.name)
      .filter(Boolean);
    expect(groups).toEqual([
      "AWSManagedRulesAmazonIpReputationList",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesCommonRuleSet",
    ]);
    const rate = rules.find((r: any) => r.statement.rateBasedStatement) as any;
    expect(rate.statement.rateBasedStatement).toMatchObject({
      limit: 2000,
      aggregateKeyType: "IP",
    });
    expect(rate.action).toEqual({ block: {} });
    expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
  });
});

describe("Cdn", () => {
  let rs: Registered[];
  beforeAll(async () => {
    rs = await recordAws(stackConfig("production"));
  });

  it("serves every public host and the media host over HTTPS only, TLS 1.2 (2021 ciphers), with a validated certificate from us-east-1", () => {
    const cert = one(rs, "aws:acm/certificate:Certificate").inputs;
    expect(cert).toMatchObject({
      region: "us-east-1",
      domainName: "example.com",
      validationMethod: "DNS",
    });
    const hosts = ["graphql.example.com", "auth.example.com", "media.example.com"];
    expect(cert.subjectAlternativeNames).toEqual(hosts);
    const d = one(rs, "aws:cloudfront/distribution:Distribution").inputs;
    // No public host reaches the gateway around CloudFront's WAF.
    expect(d.aliases).toEqual(["example.com", ...hosts]);
    expect(d.viewerCertificate).toMatchObject({
      minimumProtocolVersion: "TLSv1.2_2021",
      sslSupportMethod: "sni-only",
    });
    const acme = "/.well-known/acme-challenge/*";
    for (const b of [d.defaultCacheBehavior, ...d.orderedCacheBehaviors]) {
      if (b.pathPattern === acme) continue;
      expect(b.viewerProtocolPolicy).toBe("redirect-to-https");
      expect(b.responseHeadersPolicyId).toBeTruthy();
    }
    // Let's Encrypt's HTTP-01 challenge alone reaches the gateway's HTTP listener in plain HTTP.
    const challenge = d.orderedCacheBehaviors.find((b: any) => b.pathPattern === acme);
    expect(challenge).toMatchObject({
      targetOriginId: "gateway-http",
      allowedMethods: ["GET", "HEAD"],
    });
    expect(d.origins.find((o: any) => o.originId === "gateway-http")).toMatchObject({
      domainName: "origin.example.com",
      customOriginConfig: { originProtocolPolicy: "http-only" },
    });
    expect(d.origins.find((o: any) => o.originId === "gateway")).toMatchObject({
      domainName: "origin.example.com",
      customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
    });
  });

  it("caches as the tiers document says: static a year, dynamic 60 s with stale-while-revalidate, auth never", () => {
    const d = one(rs, "aws:cloudfront/distribution:Distribution").inputs;
    const headers = new Map<string, any>(
      ofType(rs, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").map((p) => [
        `${p.name}-id`,
        p.inputs,
      ]),
    );
    const cacheControl = (b: any) =>
      headers.get(b.responseHeadersPolicyId).customHeadersConfig.items[0].value;
    const byPath = new Map<string, any>(
      d.orderedCacheBehaviors.map((b: any) => [b.pathPattern, b]),
    );
    for (const path of STATIC_PATHS)
      expect(cacheControl(byPath.get(path))).toBe(CACHE_CONTROL.static);
    for (const path of NO_STORE_PATHS) expect(cacheControl(byPath.get(path))).toBe("no-store");
    expect(cacheControl(d.defaultCacheBehavior)).toBe(CACHE_CONTROL.dynamic);
    const policies = new Map<string, any>(
      ofType(rs, "aws:cloudfront/cachePolicy:CachePolicy").map((p) => [`${p.name}-id`, p.inputs]),
    );
    expect(policies.get(d.defaultCacheBehavior.cachePolicyId).defaultTtl).toBe(60);
    expect(policies.get(byPath.get(STATIC_PATHS[0]).cachePolicyId).minTtl).toBe(31536000);
    for (const policy of headers.values()) {
      expect(policy.securityHeadersConfig.strictTransportSecurity).toMatchObject({
        accessControlMaxAgeSec: HSTS_SECONDS,
        includeSubdomains: true,
      });
    }
  });

  it("lets only this distribution read the media bucket, over TLS, and decrypt it", () => {
    const policy = inputsOf(rs, "aws:s3/bucketPolicy:BucketPolicy").find((p) =>
      p.bucket.endsWith("-media"),
    )!;
    const statements = JSON.parse(policy.policy).Statement;
    expect(statements.map((s: any) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "CloudFrontReadsMedia",
    ]);
    expect(statements[1].Condition.StringEquals["AWS:SourceArn"]).toContain("cdn-distribution");
    const keyPolicy = JSON.parse(
      one(rs, "aws:kms/keyPolicy:KeyPolicy", "cdn-media-key-policy").inputs.policy,
    );
    expect(keyPolicy.Statement[0].Principal.AWS).toBe("arn:aws:iam::123456789012:root");
    expect(keyPolicy.Statement[1].Action).toBe("kms:Decrypt");
  });

  it("puts a WAF web ACL for CloudFront in front of the distribution", () => {
    const acl = one(rs, "aws:wafv2/webAcl:WebAcl");
    expect(acl.inputs).toMatchObject({ scope: "CLOUDFRONT", region: "us-east-1" });
    expect(one(rs, "aws:cloudfront/distribution:Distribution").inputs.webAclId).toContain(
      "cdn-waf",
    );
  });
});
