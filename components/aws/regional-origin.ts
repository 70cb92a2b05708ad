import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { COST_TAGS } from "../kit/cost-tags";
import { UPTIME_CHECK, type UptimeTarget } from "./alerts";

/**
 * Route 53 health checkers' addresses as an AWS-managed prefix list; a rule naming it weighs 25
 * against the default 60 inbound rules of a group (Amazon VPC User Guide, "AWS-managed prefix
 * lists"), so it gets a group of its own beside the DMZ's, whose CloudFront list weighs 55.
 */
export const ROUTE53_HEALTH_CHECKERS = (region: string) =>
  `com.amazonaws.${region}.route53-healthchecks`;

/** Seconds resolvers may keep an answer: a failed region leaves the origin within a minute. */
export const ORIGIN_TTL = 60;

export interface RegionalOriginArgs {
  /** The hosted zone holding the domain (edge.route53ZoneId). @example "Z0123456789ABC" */
  zoneId: string;
  /** The group's origin name, one latency record per region. @example "origin.example.com" */
  originHost: string;
  /** This region's own name for its gateway. @example "us-east-1.origin.example.com" */
  regionHost: string;
  /** The stack's region: the latency record's region and set identifier. @example "us-east-1" */
  region: string;
  /** The DMZ subnets the gateway's NLB spans, one per zone; each gets a static address. */
  subnetIds: pulumi.Input<string>[];
  /** The VPC of the health checkers' security group. */
  vpcId: pulumi.Input<string>;
  /** A public host and the health path its app answers on (alerts.ts `uptimeTargets`). */
  health: UptimeTarget;
}

/**
 * This region's share of the group's origin: a static address per zone for the gateway's NLB, an
 * HTTPS health check on each (sent to the address with a public host as Host and SNI, so the
 * gateway answers it on the app's health path), a calculated check that is healthy while any zone
 * is, and the region's latency record for `origin.<domain>` with that check. CloudFront's own
 * servers resolve the origin's name, and latency routing answers by where the resolver is (Route
 * 53 Developer Guide, "Latency-based routing", with its EDNS0 client-subnet note), so an edge
 * reaches the region nearest it among the healthy ones, and a region whose check fails drops out
 * of the answers (README, "Several regions").
 * Cost: a public IPv4 per zone (the NLB's, priced with it), health checks (not estimated).
 */
export class RegionalOrigin extends pulumi.ComponentResource {
  /** Annotations that give the gateway's NLB these addresses and admit the health checkers. */
  public readonly annotations: Record<string, pulumi.Input<string>>;
  /** The security group that admits the health checkers to the NLB's 443. */
  public readonly securityGroupId: pulumi.Output<string>;
  /** The region's calculated health check, which the region's latency record carries. */
  public readonly healthCheckId: pulumi.Output<string>;
  /** The records this region owns in the zone, each with why it is there. */
  public readonly records: pulumi.Output<
    { name: string; type: string; value: string; purpose: string }[]
  >;

  constructor(name: string, args: RegionalOriginArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:aws:RegionalOrigin", name, args, opts);
    const parent = { parent: this };
    // The NLB keeps the addresses it is given (AWS Load Balancer Controller v2.13, docs/guide/
    // service/annotations.md: eip-allocations, one per subnet of the subnets annotation), so the
    // records and the checks can name them before the controller has made the NLB.
    const addresses = args.subnetIds.map(
      (_, z) =>
        new aws.ec2.Eip(
          `${name}-address-${z}`,
          {
            domain: "vpc",
            tags: {
              Name: `${args.regionHost} zone ${z}`,
              // Priced as one of the NLB's own public addresses (plan/pricers/aws.ts).
              [COST_TAGS.gatewayLoadBalancer]: "nlb",
            },
          },
          parent,
        ),
    );
    const group = new aws.ec2.SecurityGroup(
      `${name}-health-checkers`,
      {
        vpcId: args.vpcId,
        description: "DMZ: HTTPS from Route 53 health checkers to the gateway's NLB",
        ingress: [
          {
            description: "HTTPS from Route 53 health checkers only",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            prefixListIds: [
              aws.ec2.getManagedPrefixListOutput(
                { name: ROUTE53_HEALTH_CHECKERS(args.region) },
                parent,
              ).id,
            ],
          },
        ],
        tags: { Name: `${name}-health-checkers`, tier: "dmz" },
      },
      parent,
    );
    this.securityGroupId = group.id;

    // With IPAddress set, Route 53 sends FullyQualifiedDomainName as the Host header and, with
    // EnableSNI, in the TLS client hello (Route 53 API Reference, HealthCheckConfig), so the check
    // passes the NLB and reaches the app's health path like a viewer's request through CloudFront.
    const checks = addresses.map(
      (address, z) =>
        new aws.route53.HealthCheck(
          `${name}-check-${z}`,
          {
            type: "HTTPS",
            ipAddress: address.publicIp,
            fqdn: args.health.host,
            port: 443,
            resourcePath: args.health.path,
            enableSni: true,
            requestInterval: UPTIME_CHECK.requestIntervalSeconds,
            failureThreshold: UPTIME_CHECK.failureThreshold,
            tags: { Name: `${args.region} zone ${z}: ${args.health.host}${args.health.path}` },
          },
          parent,
        ),
    );
    // The NLB balances across zones, so the region serves while any of its addresses does.
    const regionCheck = new aws.route53.HealthCheck(
      `${name}-check`,
      {
        type: "CALCULATED",
        childHealthchecks: checks.map((c) => c.id),
        childHealthThreshold: 1,
        tags: { Name: `${args.region} gateway` },
      },
      parent,
    );
    this.healthCheckId = regionCheck.id;
    const ips = addresses.map((a) => a.publicIp);
    // Latency routing answers with the record of the region nearest the resolver among those
    // whose health check passes (Route 53 Developer Guide, "Latency-based routing" and "How
    // Amazon Route 53 chooses records when health checking is configured"). Each stack writes
    // only its own set identifier, so no stack touches another region's record.
    const latency = new aws.route53.Record(
      `${name}-latency`,
      {
        zoneId: args.zoneId,
        name: args.originHost,
        type: "A",
        ttl: ORIGIN_TTL,
        records: ips,
        setIdentifier: args.region,
        latencyRoutingPolicies: [{ region: args.region }],
        healthCheckId: regionCheck.id,
      },
      parent,
    );
    const own = new aws.route53.Record(
      `${name}-region`,
      { zoneId: args.zoneId, name: args.regionHost, type: "A", ttl: ORIGIN_TTL, records: ips },
      parent,
    );
    this.annotations = {
      "service.beta.kubernetes.io/aws-load-balancer-subnets": pulumi
        .all(args.subnetIds)
        .apply((ids) => ids.join(",")),
      "service.beta.kubernetes.io/aws-load-balancer-eip-allocations": pulumi
        .all(addresses.map((a) => a.allocationId))
        .apply((ids) => ids.join(",")),
    };
    this.records = pulumi
      .all([latency.name, own.name, pulumi.all(ips)])
      .apply(([origin, region, values]) => {
        const zone = `created by the stack in Route 53 zone ${args.zoneId}`;
        return [
          ...values.map((value) => ({
            name: origin,
            type: "A",
            value,
            purpose: `${zone}: the CDN's origin, latency record ${args.region} with its health check`,
          })),
          ...values.map((value) => ({
            name: region,
            type: "A",
            value,
            purpose: `${zone}: this region's gateway`,
          })),
        ];
      });
    this.registerOutputs({
      securityGroupId: this.securityGroupId,
      healthCheckId: this.healthCheckId,
      records: this.records,
    });
  }
}
