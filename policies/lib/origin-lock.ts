import * as aws from "@pulumi/aws";
import { PolicyResource } from "@pulumi/policy";
import { isInternet } from "./cidr";
import { CR, customResourceType, GatewayListener } from "./crd";
import { fromAwsResource, IngressRule } from "./ingress";
import { coversPort } from "./ports";
import { whenKnown } from "./props";
import { describe, ofType, refersTo } from "./stack";

// The gateway's NLB behind CloudFront (stack-cloudfront-require-origin-lock and the policies that
// trust a gateway fronted by a group's CloudFront distribution in another stack).

export const ENVOY_PROXY = customResourceType("gateway.envoyproxy.io/v1alpha1", "EnvoyProxy");

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
export function frontsGateway(dist: PolicyResource): boolean {
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

/** True when an inline rule of the group admits 443 from a managed prefix list. */
function admitsWebFromPrefixList(group: PolicyResource): boolean {
  const ingress = whenKnown(
    () =>
      (group.props.ingress ?? []) as {
        fromPort?: number;
        toPort?: number;
        prefixListIds?: string[];
      }[],
    [],
  );
  return ingress.some(
    (r) => (r.prefixListIds ?? []).length > 0 && (r.fromPort ?? 0) <= 443 && (r.toPort ?? 0) >= 443,
  );
}

/** A finding of the origin lock: what lets clients around CloudFront, on which resource. */
export interface LockFinding {
  message: string;
  urn: string;
}

/**
 * What keeps the stack's gateway NLBs from being locked to CloudFront: an NLB that names no
 * security group, or a group of it that admits 80/443 from an internet address. Also reports
 * whether some group admits the web from a prefix list (CloudFront's origin-facing one).
 */
export function originLockFindings(resources: PolicyResource[]): {
  findings: LockFinding[];
  viaPrefixList: boolean;
  proxies: number;
} {
  const findings: LockFinding[] = [];
  let viaPrefixList = false;
  let proxies = 0;
  const report = (message: string, urn: string) => findings.push({ message, urn });
  const groups = ofType(resources, aws.ec2.SecurityGroup);
  const rules = ofType(resources, aws.ec2.SecurityGroupRule, aws.vpc.SecurityGroupIngressRule);
  const eks = ofType(resources, aws.eks.Cluster).length > 0;
  for (const proxy of ofType(resources, ENVOY_PROXY)) {
    const annotations = annotationsOf(proxy);
    const onAws = Object.keys(annotations).some((k) => k.startsWith(AWS_PREFIX));
    if (!onAws && !eks) continue;
    proxies++;
    const value = whenKnown<unknown>(() => annotations[NLB_SECURITY_GROUPS], UNKNOWN);
    if (value === undefined || value === "") {
      report(
        `${describe(proxy)}: the gateway's NLB names no security group (${NLB_SECURITY_GROUPS}), so the controller's own group admits 80/443 from 0.0.0.0/0 and clients reach the gateway around CloudFront's WAF; name a group that admits only CloudFront's origin-facing prefix list.`,
        proxy.urn,
      );
      continue;
    }
    for (const group of namedGroups(proxy, groups, value)) {
      if (admitsWebFromPrefixList(group)) viaPrefixList = true;
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
  return { findings, viaPrefixList, proxies };
}

/**
 * The hosts of the stack's Gateways that the group's CloudFront distribution in stack `frontedBy`
 * answers: every HTTPS listener's host, once the gateway's NLB admits the web from prefix lists
 * alone (so a request that reaches it came through CloudFront). The distribution's own WAF and
 * aliases are judged in its stack. Empty without `frontedBy` or while the lock is open.
 */
export function hostsFrontedElsewhere(resources: PolicyResource[], frontedBy: string): string[] {
  if (frontedBy === "") return [];
  const lock = originLockFindings(resources);
  if (lock.findings.length > 0 || lock.proxies === 0 || !lock.viaPrefixList) return [];
  return ofType(resources, CR.gateway).flatMap((g) =>
    whenKnown(() => (g.props.spec?.listeners ?? []) as GatewayListener[], [])
      .filter((l) => l.protocol === "HTTPS" && l.hostname)
      .map((l) => l.hostname!),
  );
}
