import * as aws from "@pulumi/aws";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { isInternet } from "../lib/cidr";
import { customResourceType } from "../lib/crd";
import { fromAwsResource, IngressRule } from "../lib/ingress";
import { coversPort } from "../lib/ports";
import { whenKnown } from "../lib/props";
import { describe, ofType, refersTo } from "../lib/stack";

const ENVOY_PROXY = customResourceType("gateway.envoyproxy.io/v1alpha1", "EnvoyProxy");

/** AWS Load Balancer Controller v2.13 (docs/guide/service/annotations.md): the NLB's front groups. */
export const NLB_SECURITY_GROUPS = "service.beta.kubernetes.io/aws-load-balancer-security-groups";
const AWS_PREFIX = "service.beta.kubernetes.io/aws-load-balancer-";
/** Marks an annotation whose value is not known during preview. */
const UNKNOWN = Symbol("unknown");

/** True when the rule lets an internet address reach port 80 or 443. */
function admitsInternetWeb(rule: IngressRule): boolean {
  return (
    (rule.protocol === "tcp" || rule.protocol === "all") &&
    [80, 443].some((port) => coversPort(rule.ports, port)) &&
    rule.sources.some(isInternet)
  );
}

/** True when a distribution sends requests to a custom (non-S3) origin: the gateway. */
function frontsGateway(dist: PolicyResource): boolean {
  return whenKnown(
    () =>
      ((dist.props.origins ?? []) as { customOriginConfig?: unknown }[]).some(
        (o) => o.customOriginConfig !== undefined && o.customOriginConfig !== null,
      ),
    false,
  );
}

/** The Service annotations an EnvoyProxy gives the gateway's load balancer. */
function annotationsOf(proxy: PolicyResource): Record<string, unknown> {
  return whenKnown(
    () => proxy.props.spec?.provider?.kubernetes?.envoyService?.annotations ?? {},
    {} as Record<string, unknown>,
  );
}

/**
 * The security groups the annotation names: by id or Name tag where the value is known, else the
 * groups the EnvoyProxy's spec was computed from (in preview the ids are not known yet).
 */
function namedGroups(proxy: PolicyResource, groups: PolicyResource[], value: unknown) {
  if (typeof value === "string") {
    const names = value.split(",").map((s) => s.trim());
    const byName = groups.filter((g) =>
      whenKnown(
        () =>
          names.includes(String(g.props.id)) || names.includes(String(g.props.tags?.Name ?? "")),
        false,
      ),
    );
    if (byName.length > 0) return byName;
  }
  const deps = [...(proxy.propertyDependencies?.spec ?? []), ...(proxy.dependencies ?? [])];
  return groups.filter((g) => deps.some((d) => d.urn === g.urn));
}

export const stackCloudfrontRequireOriginLock: StackValidationPolicy = {
  name: "stack-cloudfront-require-origin-lock",
  description:
    "Self-hosted deployment §1 (the WAF in the DMZ before the load balancer) and Infrastructure recommendations, Security Infrastructure: when CloudFront fronts the gateway, the gateway's NLB is fronted by a security group (service.beta.kubernetes.io/aws-load-balancer-security-groups) that admits 80 and 443 from no internet address, only from CloudFront's origin-facing managed prefix list, so nobody reaches the gateway around CloudFront's WAF.",
  validateStack: (args, report) => {
    if (!ofType(args.resources, aws.cloudfront.Distribution).some(frontsGateway)) return;
    const groups = ofType(args.resources, aws.ec2.SecurityGroup);
    const rules = ofType(
      args.resources,
      aws.ec2.SecurityGroupRule,
      aws.vpc.SecurityGroupIngressRule,
    );
    const eks = ofType(args.resources, aws.eks.Cluster).length > 0;
    for (const proxy of ofType(args.resources, ENVOY_PROXY)) {
      const annotations = annotationsOf(proxy);
      const onAws = Object.keys(annotations).some((k) => k.startsWith(AWS_PREFIX));
      if (!onAws && !eks) continue;
      const value = whenKnown<unknown>(() => annotations[NLB_SECURITY_GROUPS], UNKNOWN);
      if (value === undefined || value === "") {
        report(
          `${describe(proxy)}: the gateway's NLB names no security group (${NLB_SECURITY_GROUPS}), so the controller's own group admits 80/443 from 0.0.0.0/0 and clients reach the gateway around CloudFront's WAF; name a group that admits only CloudFront's origin-facing prefix list.`,
          proxy.urn,
        );
        continue;
      }
      for (const group of namedGroups(proxy, groups, value)) {
        const open = [
          ...whenKnown(() => fromAwsResource(group), []),
          ...rules
            .filter((r) => refersTo(r, "securityGroupId", group))
            .flatMap((r) => whenKnown(() => fromAwsResource(r), [])),
        ].filter(admitsInternetWeb);
        if (open.length > 0)
          report(
            `${describe(group)} fronts the gateway's NLB and admits 80/443 from ${[...new Set(open.flatMap((r) => r.sources.filter(isInternet)))].join(", ")}, so clients reach the gateway around CloudFront's WAF; admit only CloudFront's origin-facing prefix list (com.amazonaws.global.cloudfront.origin-facing).`,
            group.urn,
          );
      }
    }
  },
};
