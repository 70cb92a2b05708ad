import * as aws from "@pulumi/aws";

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
