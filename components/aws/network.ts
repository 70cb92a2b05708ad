import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { logGroup } from "./log-groups";
import { tierFirewall, type FirewallArgs, type TierSecurityGroups } from "./firewall";
import { policyJson, serviceRole } from "./iam";
import { MIN_ZONES, subnetPlan, TIERS, type NetworkTier } from "./subnets";

export interface NetworkArgs extends FirewallArgs {
  /** Availability zones to spread across; at least two are used (EKS and RDS need two). @example 3 */
  zones: number;
  /** One NAT gateway per zone (production: a zone's outage leaves the others online), else one. */
  natPerZone: boolean;
  /** Days the VPC flow logs are kept. @example 30 */
  flowLogRetentionDays: number;
  /** Flow log volume a month, an assumption for the cost estimate. @default 20 */
  flowLogGbPerMonth?: number;
  /**
   * A secondary region's link to its primary's VPC (components/aws/peering.ts): this VPC requests
   * the peering, routes the primary's range through it from the application and data subnets,
   * and lets the application tier reach the primary's PostgreSQL.
   */
  peer?: PeerVpc;
}

/** The VPC a secondary region peers with: its primary's. */
export interface PeerVpc {
  vpcId: pulumi.Input<string>;
  region: pulumi.Input<string>;
  cidr: pulumi.Input<string>;
}

/**
 * A VPC in the tiers of self-hosted deployment §1.2: public DMZ subnets (load balancers, NAT),
 * private application subnets (nodes, reaching out through NAT), isolated data subnets (no route
 * out) and management subnets, across the zones; VPC flow logs to CloudWatch; the default security
 * group emptied. Cost: a NAT gateway and its public address per zone (or one), flow log ingestion.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly cidr: string;
  public readonly subnetIds: Record<NetworkTier, pulumi.Output<string>[]>;
  public readonly securityGroups: TierSecurityGroups;
  /** The data subnets' route table: a secondary region routes its range back through it. */
  public readonly dataRouteTableId: pulumi.Output<string>;
  /** The peering connection to the primary's VPC, on a secondary region. */
  public readonly peeringConnectionId?: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:aws:Network", name, args, opts);
    const parent = { parent: this };
    const zoneCount = Math.max(MIN_ZONES, args.zones);
    const plan = subnetPlan(args.cidr, zoneCount);
    this.cidr = args.cidr;

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.cidr,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: { Name: name },
      },
      parent,
    );
    this.vpcId = vpc.id;
    // Requested here, accepted in the primary's region (components/aws/peering.ts). A cross-region
    // request cannot accept itself (the peer_region argument of aws_vpc_peering_connection).
    const peering = args.peer
      ? new aws.ec2.VpcPeeringConnection(
          `${name}-peering`,
          {
            vpcId: vpc.id,
            peerVpcId: args.peer.vpcId,
            peerRegion: args.peer.region,
            autoAccept: false,
            tags: { Name: `${name}-to-primary` },
          },
          parent,
        )
      : undefined;
    this.peeringConnectionId = peering?.id;
    const peerRoutes = (
      cidrs: { cidrBlock: string; natGatewayId?: pulumi.Input<string> }[] = [],
    ) => [
      ...cidrs,
      ...(peering && args.peer
        ? [{ cidrBlock: args.peer.cidr, vpcPeeringConnectionId: peering.id }]
        : []),
    ];

    // CIS AWS Foundations 5.4: the default group admits nothing, so nothing lands in it by accident.
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId: vpc.id, tags: { Name: `${name}-default-unused` } },
      parent,
    );

    const igw = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { vpcId: vpc.id, tags: { Name: name } },
      parent,
    );
    const zones = aws.getAvailabilityZonesOutput({ state: "available" }, parent);

    const subnetIds: Record<NetworkTier, pulumi.Output<string>[]> = {
      dmz: [],
      app: [],
      data: [],
      management: [],
    };
    // Load balancer discovery tags of the AWS Load Balancer Controller.
    const roleTags: Partial<Record<NetworkTier, Record<string, string>>> = {
      dmz: { "kubernetes.io/role/elb": "1" },
      app: { "kubernetes.io/role/internal-elb": "1" },
    };
    plan.forEach((zonePlan, z) => {
      const availabilityZone = zones.names.apply((names) => names?.[z]);
      for (const tier of TIERS) {
        const subnet = new aws.ec2.Subnet(
          `${name}-${tier}-${z}`,
          {
            vpcId: vpc.id,
            cidrBlock: zonePlan[tier],
            availabilityZone,
            // Nothing gets a public address by default, not even in the DMZ: load balancers and NAT
            // gateways bring their own.
            mapPublicIpOnLaunch: false,
            tags: { Name: `${name}-${tier}-${z}`, tier, ...roleTags[tier] },
          },
          parent,
        );
        subnetIds[tier].push(subnet.id);
      }
    });
    this.subnetIds = subnetIds;

    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-dmz-routes`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: { Name: `${name}-dmz`, tier: "dmz" },
      },
      parent,
    );
    const associate = (tier: NetworkTier, z: number, table: aws.ec2.RouteTable) =>
      new aws.ec2.RouteTableAssociation(
        `${name}-${tier}-routes-${z}`,
        { subnetId: subnetIds[tier][z], routeTableId: table.id },
        parent,
      );
    subnetIds.dmz.forEach((_, z) => associate("dmz", z, publicRoutes));

    const natCount = args.natPerZone ? zoneCount : 1;
    const nats = Array.from({ length: natCount }, (_, z) => {
      const eip = new aws.ec2.Eip(
        `${name}-nat-ip-${z}`,
        { domain: "vpc", tags: { Name: `${name}-nat-${z}` } },
        parent,
      );
      return new aws.ec2.NatGateway(
        `${name}-nat-${z}`,
        {
          allocationId: eip.id,
          subnetId: subnetIds.dmz[z],
          connectivityType: "public",
          tags: { Name: `${name}-nat-${z}` },
        },
        { ...parent, dependsOn: [igw] },
      );
    });

    // Application and management subnets leave through their zone's NAT gateway (or the only one).
    for (let z = 0; z < zoneCount; z++) {
      const routes = new aws.ec2.RouteTable(
        `${name}-private-routes-${z}`,
        {
          vpcId: vpc.id,
          // Routes inline only: a route table's inline routes and separate aws_route resources
          // overwrite each other (aws_route_table docs), so the peer's range is one of them.
          routes: peerRoutes([
            { cidrBlock: "0.0.0.0/0", natGatewayId: nats[Math.min(z, natCount - 1)].id },
          ]) as aws.types.input.ec2.RouteTableRoute[],
          tags: { Name: `${name}-private-${z}` },
        },
        parent,
      );
      for (const tier of ["app", "management"] as const) associate(tier, z, routes);
    }
    // Tiers document, Firewall Rules (PostgreSQL and Redis internal only): the data tier has no
    // route out of the VPC at all.
    const isolated = new aws.ec2.RouteTable(
      `${name}-data-routes`,
      {
        vpcId: vpc.id,
        // Only the peer's range: the data tier still has no route out of the VPCs.
        ...(peering ? { routes: peerRoutes() as aws.types.input.ec2.RouteTableRoute[] } : {}),
        tags: { Name: `${name}-data`, tier: "data" },
      },
      parent,
    );
    subnetIds.data.forEach((_, z) => associate("data", z, isolated));
    this.dataRouteTableId = isolated.id;

    // Self-hosted deployment §2.2 (audit trails): every accepted and rejected flow is logged.
    const flowLogs = logGroup(
      `${name}-flow-logs`,
      { retentionDays: args.flowLogRetentionDays, gbPerMonth: args.flowLogGbPerMonth ?? 20 },
      parent,
    );
    const flowRole = serviceRole(`${name}-flow-logs`, "vpc-flow-logs.amazonaws.com", parent);
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: flowRole.id,
        policy: policyJson([
          {
            Effect: "Allow",
            Action: [
              "logs:CreateLogStream",
              "logs:PutLogEvents",
              "logs:DescribeLogGroups",
              "logs:DescribeLogStreams",
            ],
            Resource: [flowLogs.arn, pulumi.interpolate`${flowLogs.arn}:*`],
          },
        ]),
      },
      parent,
    );
    new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: flowLogs.arn,
        iamRoleArn: flowRole.arn,
        maxAggregationInterval: 60,
      },
      parent,
    );

    this.securityGroups = tierFirewall(name, vpc.id, args, zoneCount, parent);
    // The application tier reaches the primary's PostgreSQL, and nothing else, over the peering.
    if (args.peer)
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-app-to-primary-database`,
        {
          securityGroupId: this.securityGroups.app,
          description: "PgBouncer to the primary region's PostgreSQL (writes)",
          cidrIpv4: args.peer.cidr,
          ipProtocol: "tcp",
          fromPort: 5432,
          toPort: 5432,
        },
        parent,
      );
    this.registerOutputs({ vpcId: this.vpcId });
  }
}
