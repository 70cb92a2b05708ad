import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";
import { frontsGateway, originLockFindings } from "../lib/origin-lock";
import { ofType } from "../lib/stack";

export const stackCloudfrontRequireOriginLock: StackValidationPolicy = {
  name: "stack-cloudfront-require-origin-lock",
  description:
    "Self-hosted deployment §1 (the WAF in the DMZ before the load balancer) and Infrastructure recommendations, Security Infrastructure: when CloudFront fronts the gateway (a distribution of this stack, or the group's distribution the config names in frontedBy), the gateway's NLB is fronted by security groups (service.beta.kubernetes.io/aws-load-balancer-security-groups) that admit 80 and 443 from no internet address, only from managed prefix lists (CloudFront's origin-facing one), so nobody reaches the gateway around CloudFront's WAF.",
  configSchema: configSchema("frontedBy"),
  validateStack: (args, report) => {
    const fronted =
      readConfig(args).frontedBy !== "" ||
      ofType(args.resources, aws.cloudfront.Distribution).some(frontsGateway);
    if (!fronted) return;
    for (const f of originLockFindings(args.resources).findings) report(f.message, f.urn);
  },
};
