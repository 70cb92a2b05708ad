import * as cloudflare from "@pulumi/cloudflare";
import type { PolicyResource } from "@pulumi/policy";
import { whenKnown } from "./props";
import { ofType } from "./stack";

/**
 * Cloudflare's zone-wide configuration as the pack reads it: a zone's settings and its ruleset
 * phases belong to the zone, and a zone that proxies any host must be configured as a whole.
 */

/** A Cloudflare zone the stack answers hosts in, with the hosts it proxies. */
export interface ProxiedZone {
  zoneId: string;
  /** Host names of proxied records and load balancers. */
  hosts: string[];
  /** The first resource naming the zone, which violations point at. */
  subject: PolicyResource;
}

const read = <T>(r: PolicyResource, key: string, fallback: T): T =>
  whenKnown(() => (r.props[key] ?? fallback) as T, fallback);

/** How messages name a zone: its id and the hosts it proxies. */
export function zoneLabel(zone: ProxiedZone): string {
  return `zone ${zone.zoneId} (${zone.hosts.join(", ")})`;
}

/** Zones with at least one proxied record or load balancer, in stack order. */
export function proxiedZones(resources: PolicyResource[]): ProxiedZone[] {
  const zones = new Map<string, ProxiedZone>();
  for (const r of ofType(resources, cloudflare.DnsRecord, cloudflare.LoadBalancer)) {
    if (read<boolean>(r, "proxied", false) !== true) continue;
    const zoneId = read(r, "zoneId", "");
    const zone = zones.get(zoneId) ?? { zoneId, hosts: [], subject: r };
    zone.hosts.push(read(r, "name", ""));
    zones.set(zoneId, zone);
  }
  return [...zones.values()];
}

/** The value of a zone setting (`ssl`, `min_tls_version`...), or undefined when not managed. */
export function zoneSetting(
  resources: PolicyResource[],
  zoneId: string,
  settingId: string,
): unknown {
  const setting = ofType(resources, cloudflare.ZoneSetting).find(
    (s) => read(s, "zoneId", "") === zoneId && read(s, "settingId", "") === settingId,
  );
  return setting ? read<unknown>(setting, "value", undefined) : undefined;
}

/** A rule of a Cloudflare ruleset, the fields the pack reads. */
export interface RulesetRuleView {
  action?: string;
  enabled?: boolean;
  expression?: string;
  actionParameters?: {
    id?: string;
    fromValue?: { targetUrl?: { value?: string; expression?: string } };
  };
  ratelimit?: { characteristics?: string[]; requestsPerPeriod?: number; period?: number };
}

/** The enabled rules of the zone's entry-point rulesets of one phase. */
export function phaseRules(
  resources: PolicyResource[],
  zoneId: string,
  phase: string,
): RulesetRuleView[] {
  return ofType(resources, cloudflare.Ruleset)
    .filter((r) => read(r, "zoneId", "") === zoneId && read(r, "phase", "") === phase)
    .flatMap((r) => read<RulesetRuleView[]>(r, "rules", []))
    .filter((rule) => rule.enabled !== false);
}

/** TLS versions in order: "1.2" ≥ "1.2". */
export function tlsAtLeast(version: unknown, floor: string): boolean {
  return typeof version === "string" && /^1\.[0-3]$/.test(version) && version >= floor;
}
