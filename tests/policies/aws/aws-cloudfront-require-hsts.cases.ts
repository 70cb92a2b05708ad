import * as aws from "@pulumi/aws";
import { awsCloudfrontRequireHsts } from "../../../policies/aws/aws-cloudfront-require-hsts";
import { describeResourcePolicy, UNKNOWN } from "../harness";
import { distribution } from "../fixtures";

describeResourcePolicy(awsCloudfrontRequireHsts, [
  {
    type: aws.cloudfront.ResponseHeadersPolicy,
    props: {
      securityHeadersConfig: {
        strictTransportSecurity: {
          accessControlMaxAgeSec: 31536000,
          includeSubdomains: true,
          override: true,
          preload: false,
        },
      },
    },
    cases: [
      {
        rule: "max-age of one day",
        set: ["securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec", 86400],
        expect: /max-age is 86400/,
      },
      {
        rule: "subdomains left out",
        set: ["securityHeadersConfig.strictTransportSecurity.includeSubdomains", false],
        expect: /includeSubdomains/,
      },
      {
        rule: "no HSTS header at all",
        set: ["securityHeadersConfig.strictTransportSecurity", undefined],
        expect: /strictTransportSecurity is not set/,
      },
    ],
  },
  {
    type: aws.cloudfront.Distribution,
    props: distribution(),
    cases: [
      {
        rule: "the default behaviour sends no security headers",
        set: ["defaultCacheBehavior.responseHeadersPolicyId", undefined],
        expect: /defaultCacheBehavior has no responseHeadersPolicyId/,
      },
      {
        rule: "an ordered behaviour sends no security headers",
        set: ["orderedCacheBehaviors.0.responseHeadersPolicyId", undefined],
        expect: /orderedCacheBehaviors\[0\] has no/,
      },
    ],
    passes: [
      {
        rule: "the headers policy is created in the same stack and unknown in preview",
        set: ["defaultCacheBehavior.responseHeadersPolicyId", UNKNOWN],
      },
    ],
  },
]);
