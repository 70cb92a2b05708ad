import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isGiven } from "../lib/props";

export const awsCloudfrontRequireWaf: ResourceValidationPolicy = {
  name: "aws-cloudfront-require-waf",
  description:
    "Infrastructure recommendations, Security Infrastructure (layer-7 WAF with rate limiting, IP reputation filtering) and self-hosted deployment §1 (the WAF in the DMZ before the load balancer): every CloudFront distribution is associated with a WAF web ACL.",
  validateResource: validateResourceOfType(aws.cloudfront.Distribution, (dist, _args, report) => {
    if (!isGiven(dist, "webAclId"))
      report(
        `the distribution for ${(dist.aliases ?? []).join(", ") || "its default domain"} has no webAclId, so no WAF inspects its requests.`,
      );
  }),
};
