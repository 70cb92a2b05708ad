import * as aws from "@pulumi/aws";
import type * as digitalocean from "@pulumi/digitalocean";
import type * as hcloud from "@pulumi/hcloud";
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import { cidrWithinAny, isInternet, isPrivate } from "./cidr";
import { typeToken } from "./stack";
import {
  ALL_PORTS,
  coversPort,
  exposedServices,
  formatRange,
  isPublicWebRange,
  parsePortRange,
  PortRange,
  SSH_PORTS,
} from "./ports";

/** One inbound rule of any provider, reduced to what the network rules judge. */
export interface IngressRule {
  protocol: "tcp" | "udp" | "icmp" | "all" | "other";
  ports: PortRange;
  /** CIDR sources only; rules that name a security group, droplet or tag carry none. */
  sources: string[];
  /** Where the rule sits in the resource, for messages: "ingress[1]". */
  where: string;
}

function protocolOf(value: string | undefined): IngressRule["protocol"] {
  switch ((value ?? "").toLowerCase()) {
    case "-1":
    case "all":
      return "all";
    case "tcp":
    case "6":
      return "tcp";
    case "udp":
    case "17":
      return "udp";
    case "icmp":
    case "icmpv6":
    case "1":
    case "58":
      return "icmp";
    default:
      return "other";
  }
}

function awsRule(
  protocol: string | undefined,
  fromPort: number | undefined,
  toPort: number | undefined,
  sources: (string | undefined)[],
  where: string,
): IngressRule {
  const p = protocolOf(protocol);
  const ports =
    p === "all" || fromPort === undefined ? ALL_PORTS : { from: fromPort, to: toPort ?? fromPort };
  return { protocol: p, ports, sources: sources.filter((s): s is string => !!s), where };
}

type Props<T> = Unwrap<NonNullable<T>>;

export function fromAwsSecurityGroup(sg: Props<aws.ec2.SecurityGroupArgs>): IngressRule[] {
  return (sg.ingress ?? []).map((r, i) =>
    awsRule(
      r.protocol,
      r.fromPort,
      r.toPort,
      [...(r.cidrBlocks ?? []), ...(r.ipv6CidrBlocks ?? [])],
      `ingress[${i}]`,
    ),
  );
}

export function fromAwsSecurityGroupRule(
  rule: Props<aws.ec2.SecurityGroupRuleArgs>,
): IngressRule[] {
  if (rule.type !== "ingress") return [];
  const sources = [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])];
  return [awsRule(rule.protocol, rule.fromPort, rule.toPort, sources, "rule")];
}

export function fromAwsIngressRule(
  rule: Props<aws.vpc.SecurityGroupIngressRuleArgs>,
): IngressRule[] {
  return [
    awsRule(rule.ipProtocol, rule.fromPort, rule.toPort, [rule.cidrIpv4, rule.cidrIpv6], "rule"),
  ];
}

/** Inbound rules of any AWS security-group resource, picked by its type token (stack policies). */
export function fromAwsResource(r: { type: string; props: Record<string, any> }): IngressRule[] {
  switch (r.type) {
    case typeToken(aws.ec2.SecurityGroup):
      return fromAwsSecurityGroup(r.props as Props<aws.ec2.SecurityGroupArgs>);
    case typeToken(aws.ec2.SecurityGroupRule):
      return fromAwsSecurityGroupRule(r.props as Props<aws.ec2.SecurityGroupRuleArgs>);
    case typeToken(aws.vpc.SecurityGroupIngressRule):
      return fromAwsIngressRule(r.props as Props<aws.vpc.SecurityGroupIngressRuleArgs>);
    default:
      return [];
  }
}

export function fromDigitalOceanFirewall(fw: Props<digitalocean.FirewallArgs>): IngressRule[] {
  return (fw.inboundRules ?? []).map((r, i) => {
    const protocol = protocolOf(r.protocol);
    // DigitalOcean leaves portRange empty for ICMP and means "every port" by "all" or "1-65535".
    const ports = protocol === "icmp" ? ALL_PORTS : (parsePortRange(r.portRange) ?? ALL_PORTS);
    return { protocol, ports, sources: r.sourceAddresses ?? [], where: `inboundRules[${i}]` };
  });
}

export function fromHetznerFirewall(fw: Props<hcloud.FirewallArgs>): IngressRule[] {
  return (fw.rules ?? []).flatMap((r, i) => {
    if (r.direction !== "in") return [];
    const protocol = protocolOf(r.protocol);
    const ports = parsePortRange(r.port) ?? ALL_PORTS;
    return [{ protocol, ports, sources: r.sourceIps ?? [], where: `rules[${i}]` }];
  });
}

function reachesSsh(rule: IngressRule): number | undefined {
  if (rule.protocol !== "tcp" && rule.protocol !== "all") return undefined;
  return SSH_PORTS.find((port) => coversPort(rule.ports, port));
}

/**
 * SSH findings: a source that reaches port 22 or 2222 must be inside `adminCidrs`, or be private
 * address space (self-hosted deployment §2.1 keeps "allow from 10.0.0.0/24" for internal traffic).
 */
export function sshFindings(rules: IngressRule[], adminCidrs: readonly string[]): string[] {
  return rules.flatMap((rule) => {
    const port = reachesSsh(rule);
    if (port === undefined) return [];
    return rule.sources.flatMap((source) => {
      if (isInternet(source)) {
        return [`${rule.where} opens SSH port ${port} to ${source}; allow only adminCidrs.`];
      }
      if (!isPrivate(source) && !cidrWithinAny(source, adminCidrs)) {
        return [
          `${rule.where} allows SSH port ${port} from ${source}, which is not in adminCidrs.`,
        ];
      }
      return [];
    });
  });
}

/**
 * A resource check that reports each SSH finding on the rules `rulesOf` reads, against the
 * adminCidrs that `adminCidrsOf` reads from the policy's config.
 */
export function sshCheck<T>(
  rulesOf: (props: T) => IngressRule[],
  adminCidrsOf: (args: ResourceValidationArgs) => readonly string[],
) {
  return (props: T, args: ResourceValidationArgs, report: ReportViolation): void =>
    sshFindings(rulesOf(props), adminCidrsOf(args)).forEach((m) => report(m));
}

/** A resource check that reports each public-port finding on the rules `rulesOf` reads. */
export function publicPortCheck<T>(rulesOf: (props: T) => IngressRule[]) {
  return (props: T, _args: ResourceValidationArgs, report: ReportViolation): void =>
    publicPortFindings(rulesOf(props)).forEach((m) => report(m));
}

/**
 * Public-port findings: from the internet only 80 and 443 (TCP, or UDP for HTTP/3) may be open.
 * ICMP stays allowed, as ufw's default rules in §2.1's firewall example allow it.
 */
export function publicPortFindings(rules: IngressRule[]): string[] {
  return rules.flatMap((rule) => {
    if (rule.protocol === "icmp") return [];
    const web =
      (rule.protocol === "tcp" || rule.protocol === "udp") && isPublicWebRange(rule.ports);
    if (web) return [];
    const open = rule.sources.filter(isInternet);
    if (open.length === 0) return [];
    const what = rule.protocol === "other" ? "a non-TCP protocol" : formatRange(rule.ports);
    const services = what === "all ports" ? [] : exposedServices(rule.ports);
    const more = services.length > 4 ? ` and ${services.length - 4} more` : "";
    const named = services.length > 0 ? ` (${services.slice(0, 4).join(", ")}${more})` : "";
    return [
      `${rule.where} opens ${what}${named} to ${open.join(", ")}; only 80 and 443 may be public.`,
    ];
  });
}

/** True when the rule serves HTTP or HTTPS to the internet. */
export function isPublicWebRule(rule: IngressRule): boolean {
  return (
    (rule.protocol === "tcp" || rule.protocol === "udp") &&
    isPublicWebRange(rule.ports) &&
    rule.sources.some(isInternet)
  );
}
