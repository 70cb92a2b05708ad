import * as pulumi from "@pulumi/pulumi";
import * as cloudflare from "@pulumi/cloudflare";
import type { CloudflarePlan } from "../../config";
import type { DnsRecordSpec } from "../contract";
import {
  botSettings,
  cacheRules,
  httpsRedirectRules,
  managedWafRules,
  rateLimitRules,
  zoneSettings,
  type EdgeHost,
  type EdgeRule,
} from "./rules";
import { HEALTH_CHECK_ALERT, LOAD_BALANCING_ALERT, healthCheckSpecs } from "./uptime";

/** A gateway the edge sends traffic to: one regional Gateway's load balancer. */
export interface EdgeOrigin {
  /** Names the origin and its pools. @example "primary" */
  name: string;
  /** The load balancer's address: an IP, or a host name (AWS NLB). */
  address: pulumi.Input<string>;
  /**
   * `A` for an address, `CNAME` for a host name (rules.ts `recordType`): the records point at the
   * first origin, so only its type is read. @default "CNAME"
   */
  recordType?: "A" | "CNAME";
}

export interface CloudflareEdgeArgs {
  /** The stack's domain: the apex host. @example "example.com" */
  domain: string;
  /** The zone holding the domain. @example "023e105f4ecef8ad9ca31a8372d0c353" */
  zoneId: string;
  /** The account of the load balancer pools and monitors; empty without load balancing. */
  accountId: string;
  /** The zone's plan: what the WAF can run (rules.ts PLAN_FEATURES). @example "pro" */
  plan: CloudflarePlan;
  /** Every public host, apex first, with its health path (rules.ts `edgeHosts`). */
  hosts: EdgeHost[];
  /**
   * The gateways, this stack's first (the records point at it), then the group's other regions
   * (`multiRegion.peers`), each a pool per host that takes traffic while its address is known.
   */
  origins: EdgeOrigin[];
  /** Oldest TLS version viewers may use. @default "1.2" */
  minTlsVersion?: string;
  /** Managed WAF rulesets, bot protection and the per-client rate limit. @default true */
  waf?: boolean;
  /** Records proxied through Cloudflare (the origin's address stays hidden). @default true */
  proxied?: boolean;
  /** Authenticated origin pulls (the gateway requires Cloudflare's certificate). @default true */
  originLock?: boolean;
  /** A health-checked pool per gateway and a load balancer per host (paid add-on). @default false */
  loadBalancing?: boolean;
  /**
   * Who Cloudflare notifies when a health check or a pool fails: the stack's email receiver.
   * Notification policies belong to the account, so none without `accountId`. @default []
   */
  alertEmails?: string[];
}

/** `apex` for the domain itself, the host's labels under it otherwise (`graphql`, `a-b`). */
export function hostLabel(domain: string, host: string): string {
  return host === domain ? "apex" : host.slice(0, -(domain.length + 1)).replace(/\./g, "-");
}

/**
 * Cloudflare in front of every public host: proxied DNS records at the gateway, TLS full (strict)
 * with minimum 1.2 and 1.3 on, HSTS, http→https at the edge, the plan's managed WAF rulesets, bot
 * protection and IP reputation, the documented per-client rate limit, cache rules after the tiers
 * document's headers, authenticated origin pulls, and (with `loadBalancing`) a health-checked pool
 * per gateway behind a load balancer per host; on Pro and up a standalone health check per host, and
 * notifications of both to `alertEmails`. Cost: the zone's plan and, with load balancing, the add-on
 * per endpoint (catalog/cloudflare.ts); health checks and notifications come with the plan.
 */
export class CloudflareEdge extends pulumi.ComponentResource {
  /** The records the stack manages in the zone (no user action but delegating the domain). */
  public readonly records: pulumi.Output<DnsRecordSpec[]>;
  public readonly zoneId: string;

  constructor(name: string, args: CloudflareEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    // The plan and the load-balanced endpoints are what the edge costs (plan/pricers/cloudflare.ts).
    super(
      "platform:edge:CloudflareEdge",
      name,
      {
        plan: args.plan,
        zoneId: args.zoneId,
        loadBalancedEndpoints: args.loadBalancing ? args.hosts.length * args.origins.length : 0,
      },
      opts,
    );
    const parent = { parent: this };
    const zoneId = args.zoneId;
    const primary = args.origins[0];
    if (!primary) throw new Error("CloudflareEdge needs at least one origin");
    const waf = args.waf ?? true;
    const proxied = args.proxied ?? true;
    const originLock = args.originLock ?? true;
    const hostNames = args.hosts.map((h) => h.host);

    const records = args.hosts.map(
      (h) =>
        new cloudflare.DnsRecord(
          `${name}-record-${hostLabel(args.domain, h.host)}`,
          {
            zoneId,
            name: h.host,
            type: primary.recordType ?? "CNAME",
            content: primary.address,
            proxied,
            // 1 is "automatic", the only TTL of a proxied record.
            ttl: 1,
            comment: "The gateway, behind the edge (platform)",
          },
          parent,
        ),
    );

    for (const setting of zoneSettings({
      minTlsVersion: args.minTlsVersion ?? "1.2",
      originLock,
    })) {
      new cloudflare.ZoneSetting(
        `${name}-setting-${setting.settingId.replace(/_/g, "-")}`,
        { zoneId, settingId: setting.settingId, value: setting.value },
        parent,
      );
    }

    const ruleset = (role: string, phase: string, rules: EdgeRule[]) =>
      new cloudflare.Ruleset(
        `${name}-${role}`,
        { zoneId, kind: "zone", name: `platform ${role}`, phase, rules },
        parent,
      );
    ruleset("https-redirect", "http_request_dynamic_redirect", httpsRedirectRules(hostNames));
    ruleset("cache", "http_request_cache_settings", cacheRules(args.plan, args.hosts));
    if (waf) {
      ruleset("waf", "http_request_firewall_managed", managedWafRules(args.plan, hostNames));
      ruleset("rate-limit", "http_ratelimit", rateLimitRules(args.plan, hostNames));
      new cloudflare.BotManagement(`${name}-bots`, { zoneId, ...botSettings(args.plan) }, parent);
    }

    const pools = args.loadBalancing ? this.loadBalancers(name, args, proxied) : [];
    this.uptimeChecks(name, args, originLock, pools);

    this.zoneId = zoneId;
    this.records = pulumi
      .all(records.map((r) => pulumi.all([r.name, r.type, r.content])))
      .apply((rows) => rows.map(([n, type, value]) => ({ name: n, type, value: value ?? "" })));
    this.registerOutputs({ records: this.records });
  }

  /**
   * A monitor per host on its app's health path, a pool per gateway and host (a pool has one
   * monitor), and a load balancer per host over its pools: in failover order with one gateway,
   * by measured latency with several regions. A load balancer takes precedence over a record of
   * the same name (cloudflare-docs load-balancing/load-balancers/dns-records), so the records
   * stay as the fallback if the add-on lapses.
   */
  private loadBalancers(
    name: string,
    args: CloudflareEdgeArgs,
    proxied: boolean,
  ): cloudflare.LoadBalancerPool[] {
    const parent = { parent: this };
    const all: cloudflare.LoadBalancerPool[] = [];
    for (const h of args.hosts) {
      const label = hostLabel(args.domain, h.host);
      const monitor = new cloudflare.LoadBalancerMonitor(
        `${name}-monitor-${label}`,
        h.healthPath
          ? {
              accountId: args.accountId,
              description: `${h.host}${h.healthPath}`,
              type: "https",
              method: "GET",
              path: h.healthPath,
              port: 443,
              header: { Host: [h.host] },
              expectedCodes: "2xx",
              followRedirects: false,
              allowInsecure: false,
              // Probes as the zone's own traffic, so they carry its origin settings.
              probeZone: args.domain,
              interval: 60,
              timeout: 5,
              retries: 2,
            }
          : {
              accountId: args.accountId,
              description: `${h.host}: TCP 443`,
              type: "tcp",
              method: "connection_established",
              port: 443,
              interval: 60,
              timeout: 5,
              retries: 2,
            },
        parent,
      );
      const pools = args.origins.map((o) => {
        // A region whose address is not known (a peer not deployed yet) gets a disabled pool,
        // which the load balancer skips.
        const known = pulumi.output(o.address).apply((a) => a !== "");
        return new cloudflare.LoadBalancerPool(
          `${name}-pool-${o.name}-${label}`,
          {
            accountId: args.accountId,
            name: `${o.name}-${label}`,
            description: `Gateway ${o.name} for ${h.host}`,
            origins: [
              {
                name: o.name,
                address: o.address,
                enabled: known,
                header: { hosts: [h.host] },
              },
            ],
            enabled: known,
            monitor: monitor.id,
            minimumOrigins: 1,
          },
          parent,
        );
      });
      new cloudflare.LoadBalancer(
        `${name}-lb-${label}`,
        {
          zoneId: args.zoneId,
          name: h.host,
          description: `Health-checked gateways for ${h.host}`,
          defaultPools: pools.map((p) => p.id),
          fallbackPool: pools[0].id,
          proxied,
          // One gateway: failover, the pools in order. Several regions: each request goes to the
          // healthy pool with the lowest round-trip time from the Cloudflare location serving it,
          // measured by the pools' monitors ("dynamic_latency" needs pool health checks and no
          // coordinates; cloudflare-docs load-balancing/understand-basics/traffic-steering/
          // steering-policies/dynamic-steering), in failover order until those times are known.
          steeringPolicy: args.origins.length > 1 ? "dynamic_latency" : "off",
        },
        parent,
      );
      all.push(...pools);
    }
    return all;
  }

  /**
   * The uptime check from outside the tiers document asks for: a standalone health check per host
   * where the plan includes them (uptime.ts `healthCheckSpecs`), at the gateway's address with the
   * host's name, and notification policies that mail the stack's receiver when a health check or a
   * pool changes health. A pool's own `notificationEmail` is deprecated in favour of Notifications
   * (https://developers.cloudflare.com/load-balancing/reference/migration-guides/health-monitor-notifications/).
   */
  private uptimeChecks(
    name: string,
    args: CloudflareEdgeArgs,
    originLock: boolean,
    pools: cloudflare.LoadBalancerPool[],
  ): void {
    const parent = { parent: this };
    const address = args.origins[0].address;
    const checks = healthCheckSpecs(args.plan, args.hosts, originLock).map(
      (c) =>
        new cloudflare.Healthcheck(
          `${name}-check-${hostLabel(args.domain, c.host)}`,
          {
            zoneId: args.zoneId,
            name: `platform-${hostLabel(args.domain, c.host)}`,
            description: c.type === "HTTPS" ? `${c.host}${c.path}` : `${c.host}: TCP 443`,
            address,
            type: c.type,
            ...(c.type === "HTTPS"
              ? {
                  httpConfig: {
                    method: "GET",
                    path: c.path,
                    port: 443,
                    header: { Host: [c.host] },
                    expectedCodes: ["2xx"],
                    followRedirects: false,
                    allowInsecure: false,
                  },
                }
              : { tcpConfig: { method: "connection_established", port: 443 } }),
            interval: 60,
            timeout: 5,
            retries: 2,
            // Two failed rounds before an alert: one lost probe is not an outage.
            consecutiveFails: 2,
            consecutiveSuccesses: 2,
          },
          parent,
        ),
    );
    const emails = args.alertEmails ?? [];
    if (args.accountId === "" || emails.length === 0) return;
    const mechanisms = { emails: emails.map((id) => ({ id })) };
    if (checks.length > 0)
      new cloudflare.NotificationPolicy(
        `${name}-health-check-alert`,
        {
          accountId: args.accountId,
          name: `platform ${args.domain}: health check status`,
          description: "A public host failed or recovered its Cloudflare health check",
          alertType: HEALTH_CHECK_ALERT,
          enabled: true,
          filters: { healthCheckIds: checks.map((c) => c.id) },
          mechanisms,
        },
        parent,
      );
    if (pools.length > 0)
      new cloudflare.NotificationPolicy(
        `${name}-pool-alert`,
        {
          accountId: args.accountId,
          name: `platform ${args.domain}: load balancer health`,
          description: "A gateway's pool or origin became unhealthy or recovered",
          alertType: LOAD_BALANCING_ALERT,
          enabled: true,
          filters: { poolIds: pools.map((p) => p.id), eventSources: ["pool", "origin"] },
          mechanisms,
        },
        parent,
      );
  }
}
