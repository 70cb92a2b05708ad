import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isGiven } from "../lib/props";
import { HSTS_MAX_AGE } from "../lib/tls";

export const awsCloudfrontRequireHsts: ResourceValidationPolicy = {
  name: "aws-cloudfront-require-hsts",
  description:
    "Self-hosted deployment §2.1 (enable HSTS) and Infrastructure recommendations, Security Infrastructure (HSTS max-age=31536000; includeSubDomains): response headers policies send that HSTS header and every CloudFront behaviour attaches one.",
  validateResource: [
    validateResourceOfType(aws.cloudfront.ResponseHeadersPolicy, (policy, _args, report) => {
      const hsts = policy.securityHeadersConfig?.strictTransportSecurity;
      if (!hsts) {
        report("securityHeadersConfig.strictTransportSecurity is not set.");
        return;
      }
      if (hsts.accessControlMaxAgeSec < HSTS_MAX_AGE) {
        report(`HSTS max-age is ${hsts.accessControlMaxAgeSec}; use at least ${HSTS_MAX_AGE}.`);
      }
      if (hsts.includeSubdomains !== true) report("HSTS includeSubdomains is not true.");
    }),
    validateResourceOfType(aws.cloudfront.Distribution, (dist, _args, report) => {
      const behaviours = [dist.defaultCacheBehavior, ...(dist.orderedCacheBehaviors ?? [])];
      behaviours.forEach((b, i) => {
        if (!isGiven(b, "responseHeadersPolicyId")) {
          const where = i === 0 ? "defaultCacheBehavior" : `orderedCacheBehaviors[${i - 1}]`;
          report(`${where} has no responseHeadersPolicyId, so no HSTS header is sent.`);
        }
      });
    }),
  ],
};
