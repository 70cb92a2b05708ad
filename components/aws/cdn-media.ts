import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { cachePolicy } from "./cdn-policies";
import { keyPolicyJson } from "./kms";
import { accountOf } from "./naming";
import { bucketPolicy, serviceObjectGrant } from "./storage";

/** Media objects, served from the media bucket with the prefix removed. */
export const MEDIA_PATH = "/media/*";

// CloudFront Functions runtime 2.0: drops the /media prefix so bucket keys start at the root.
const STRIP_MEDIA_PREFIX = `function handler(event) {
  var request = event.request;
  request.uri = request.uri.replace(/^\\/media\\//, "/");
  return request;
}
`;

/** The media bucket and the key that encrypts it. */
export interface CdnMedia {
  bucket: aws.s3.Bucket;
  keyId: pulumi.Input<string>;
  keyArn: pulumi.Input<string>;
}

/**
 * The media bucket as an origin reached by signed requests (origin access control), and the
 * behaviour that serves /media/* from it, the prefix removed by a CloudFront function.
 */
export function mediaRoute(
  name: string,
  media: CdnMedia,
  responseHeadersPolicyId: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): {
  origin: aws.types.input.cloudfront.DistributionOrigin;
  behaviour: aws.types.input.cloudfront.DistributionOrderedCacheBehavior;
} {
  const oac = new aws.cloudfront.OriginAccessControl(
    `${name}-media-access`,
    {
      description: "CloudFront reads the media bucket, signed",
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    },
    opts,
  );
  const mediaCache = cachePolicy(name, "media", opts);
  const strip = new aws.cloudfront.Function(
    `${name}-media-path`,
    {
      runtime: "cloudfront-js-2.0",
      comment: "Removes the /media prefix before the bucket",
      code: STRIP_MEDIA_PREFIX,
      publish: true,
    },
    opts,
  );
  return {
    origin: {
      originId: "media",
      domainName: media.bucket.bucketRegionalDomainName,
      originAccessControlId: oac.id,
    },
    behaviour: {
      pathPattern: MEDIA_PATH,
      targetOriginId: "media",
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS"],
      cachedMethods: ["GET", "HEAD"],
      compress: true,
      cachePolicyId: mediaCache.id,
      responseHeadersPolicyId,
      functionAssociations: [{ eventType: "viewer-request", functionArn: strip.arn }],
    },
  };
}

/**
 * The media bucket's one policy document (TLS only, reads by this distribution alone) and its key's
 * policy: objects are SSE-KMS, so the distribution also needs to decrypt with the bucket's key.
 */
export function mediaReadGrants(
  name: string,
  media: CdnMedia,
  distributionArn: pulumi.Output<string>,
  opts: pulumi.CustomResourceOptions,
): void {
  const { bucket, keyId, keyArn } = media;
  bucketPolicy(
    `${name}-media-policy`,
    bucket,
    [
      serviceObjectGrant(
        "CloudFrontReadsMedia",
        "cloudfront.amazonaws.com",
        "s3:GetObject",
        bucket.arn,
        { StringEquals: { "AWS:SourceArn": distributionArn } },
      ),
    ],
    opts,
  );
  const account = pulumi.output(keyArn).apply(accountOf);
  new aws.kms.KeyPolicy(
    `${name}-media-key-policy`,
    {
      keyId,
      policy: keyPolicyJson(account, [
        {
          Sid: "CloudFrontDecryptsMedia",
          Effect: "Allow",
          Principal: { Service: "cloudfront.amazonaws.com" },
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceArn": distributionArn } },
        },
      ]),
    },
    opts,
  );
}
