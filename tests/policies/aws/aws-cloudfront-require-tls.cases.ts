import * as aws from "@pulumi/aws";
import { awsCloudfrontRequireTls } from "../../../policies/aws/aws-cloudfront-require-tls";
import { describeResourcePolicy } from "../harness";
import { distribution } from "../fixtures";

describeResourcePolicy(awsCloudfrontRequireTls, [
  {
    type: aws.cloudfront.Distribution,
    props: distribution(),
    cases: [
      {
        rule: "the default behaviour serves HTTP",
        set: ["defaultCacheBehavior.viewerProtocolPolicy", "allow-all"],
        expect: /defaultCacheBehavior viewerProtocolPolicy is allow-all/,
      },
      {
        rule: "an ordered behaviour serves HTTP",
        set: ["orderedCacheBehaviors.0.viewerProtocolPolicy", "allow-all"],
        expect: /orderedCacheBehaviors\[0\]/,
      },
      {
        rule: "TLS 1.1 viewers allowed",
        set: ["viewerCertificate.minimumProtocolVersion", "TLSv1.1_2016"],
        expect: /TLSv1\.1_2016/,
      },
      {
        rule: "the 2019 TLS 1.2 policy with weaker ciphers",
        set: ["viewerCertificate.minimumProtocolVersion", "TLSv1.2_2019"],
        expect: /TLSv1\.2_2019/,
      },
      {
        rule: "the default CloudFront certificate pins TLSv1",
        set: ["viewerCertificate.cloudfrontDefaultCertificate", true],
        expect: /minimumProtocolVersion/,
      },
    ],
    passes: [
      {
        rule: "the viewer policy is https-only",
        set: ["defaultCacheBehavior.viewerProtocolPolicy", "https-only"],
      },
      {
        rule: "the minimum is TLS 1.3",
        set: ["viewerCertificate.minimumProtocolVersion", "TLSv1.3_2025"],
      },
      {
        rule: "only the ACME HTTP-01 challenge path answers plain HTTP",
        set: [
          "orderedCacheBehaviors.1",
          {
            allowedMethods: ["GET", "HEAD"],
            cachedMethods: ["GET", "HEAD"],
            targetOriginId: "gateway-http",
            viewerProtocolPolicy: "allow-all",
            responseHeadersPolicyId: "hsts-policy-id",
            pathPattern: "/.well-known/acme-challenge/*",
          },
        ],
      },
    ],
  },
]);
