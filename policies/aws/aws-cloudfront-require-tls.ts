import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

const HTTPS_VIEWER = ["redirect-to-https", "https-only"];

/**
 * Let's Encrypt's HTTP-01 challenge path (RFC 8555 §8.3): the one behaviour that may answer plain
 * HTTP, so the gateway can obtain its first certificate through the distribution.
 */
const ACME_PATH = "/.well-known/acme-challenge/*";

/** TLSv1.3_* any year, or TLSv1.2 from the 2021 policy on (the older 1.2 policies keep weak ciphers). */
function modernProtocol(version: string | undefined): boolean {
  const m = /^TLSv1\.([23])_(\d{4})$/.exec(version ?? "");
  return !!m && (m[1] === "3" || Number(m[2]) >= 2021);
}

export const awsCloudfrontRequireTls: ResourceValidationPolicy = {
  name: "aws-cloudfront-require-tls",
  description:
    "Self-hosted deployment §2.1 (minimum TLS 1.2) and Infrastructure recommendations, Security Infrastructure (TLS 1.2+, strong ciphers): every CloudFront behaviour but the ACME HTTP-01 challenge path redirects viewers to HTTPS and the viewer certificate requires TLSv1.2_2021 or newer.",
  validateResource: validateResourceOfType(aws.cloudfront.Distribution, (dist, _args, report) => {
    const behaviours = [
      { where: "defaultCacheBehavior", b: dist.defaultCacheBehavior },
      ...(dist.orderedCacheBehaviors ?? []).map((b, i) => ({
        where: `orderedCacheBehaviors[${i}]`,
        b,
      })),
    ];
    for (const { where, b } of behaviours) {
      const acme = "pathPattern" in b && b.pathPattern === ACME_PATH;
      if (!acme && !HTTPS_VIEWER.includes(b.viewerProtocolPolicy)) {
        report(
          `${where} viewerProtocolPolicy is ${b.viewerProtocolPolicy}; use redirect-to-https.`,
        );
      }
    }
    const cert = dist.viewerCertificate;
    // The default *.cloudfront.net certificate pins the minimum protocol to TLSv1.
    if (
      cert.cloudfrontDefaultCertificate === true ||
      !modernProtocol(cert.minimumProtocolVersion)
    ) {
      report(
        `viewerCertificate minimumProtocolVersion is ${cert.minimumProtocolVersion ?? "TLSv1"}; use TLSv1.2_2021 with an ACM certificate.`,
      );
    }
  }),
};
