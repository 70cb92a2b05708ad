import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { logRetentionDays } from "./naming";
import { assumeRolePolicy, policyJson } from "./iam";

/** Self-hosted deployment §1.2: the DMZ, application, data and management tiers. */
export const TIERS = ["dmz", "app", "data", "management"] as const;
export type NetworkTier = (typeof TIERS)[number];

/** The subnets of one availability zone, one per tier. */
export type ZoneSubnets = Record<NetworkTier, string>;

/** Zones a VPC can be spread across: us-east-1, the largest region, has six. */
export const MAX_ZONES = 6;
/** EKS control planes and RDS subnet groups refuse subnets in fewer than two zones. */
export const MIN_ZONES = 2;

function parseIpv4Cidr(cidr: string): { base: number; prefix: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw new RangeError(`"${cidr}" is not an IPv4 CIDR such as 10.0.0.0/16`);
  }
  const base = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const prefix = Number(m[5]);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) {
    throw new RangeError(`"${cidr}" has host bits set; the network address is required`);
  }
  return { base, prefix };
}

function formatCidr(address: number, prefix: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix}`;
}

/**
 * The address plan of a VPC: per zone, one subnet of each tier. The application subnets are the
 * large ones, since the VPC CNI gives every pod an address from its node's subnet: each takes an
 * eighth of the VPC (a /19 of a /16). The last quarter is cut into 1/128ths (/23s of a /16) for
 * the DMZ (load balancers and NAT), data (RDS, ElastiCache) and management (the Kubernetes API's
 * network interfaces) subnets, in three rows of up to six zones.
 *
 * AWS VPCs are /16 to /28 and subnets at least /28, so the VPC must be /16 to /21.
 */
export function subnetPlan(cidr: string, zones: number): ZoneSubnets[] {
  const { base, prefix } = parseIpv4Cidr(cidr);
  if (!Number.isInteger(zones) || zones < 1 || zones > MAX_ZONES) {
    throw new RangeError(`zones must be a whole number in 1..${MAX_ZONES}, got ${zones}`);
  }
  if (prefix < 16 || prefix > 21) {
    throw new RangeError(
      `the VPC ${cidr} must be a /16 to /21: AWS allows no larger VPC, and a smaller one leaves tier subnets below /28`,
    );
  }
  const appPrefix = prefix + 3;
  const appSize = 2 ** (32 - appPrefix);
  const smallPrefix = prefix + 7;
  const smallSize = 2 ** (32 - smallPrefix);
  // The last two eighths (32 small blocks) hold three rows of eight: zone z of row r is 8r + z.
  const smallBase = base + MAX_ZONES * appSize;
  const small = (row: number, zone: number) =>
    formatCidr(smallBase + (row * 8 + zone) * smallSize, smallPrefix);
  return Array.from({ length: zones }, (_, z) => ({
    app: formatCidr(base + z * appSize, appPrefix),
    dmz: small(0, z),
    data: small(1, z),
    management: small(2, z),
  }));
}

export interface NetworkArgs {
  /** VPC address range. @example "10.0.0.0/16" */
  cidr: string;
  /** Availability zones to spread across; at least two are used (EKS and RDS need two). @example 3 */
  zones: number;
  /** One NAT gateway per zone (production: a zone's outage leaves the others online), else one. */
  natPerZone: boolean;
  /** Days the VPC flow logs are kept. @example 30 */
  flowLogRetentionDays: number;
  /** Flow log volume a month, an assumption for the cost estimate. @default 20 */
  flowLogGbPerMonth?: number;
  /** The only networks that reach admin endpoints (the Kubernetes API). @example ["203.0.113.0/24"] */
  adminCidrs: string[];
  /** Outbound TCP ports to the internet beyond 80 and 443 (an SMTP smarthost). @default [] */
  extraEgressPorts?: number[];
  /**
   * Who reaches the DMZ's 80 and 443: anyone, or CloudFront's origin-facing servers alone when
   * CloudFront fronts every public host (so nobody reaches the gateway around its WAF).
   * @default "anywhere"
   */
  webIngress?: "anywhere" | "cloudfront";
}

/** AWS-managed prefix list of CloudFront's origin-facing servers (IPv4). */
export const CLOUDFRONT_ORIGIN_FACING = "com.amazonaws.global.cloudfront.origin-facing";

/** Security groups per tier, mirroring the documents' firewall. */
export interface TierSecurityGroups {
  /**
   * Internet-facing load balancers, tagged tier=dmz: 80 and 443 from anywhere, or from CloudFront's
   * origin-facing servers alone (`webIngress: cloudfront`).
   */
  dmz: pulumi.Output<string>;
  /** Kubernetes nodes and their pods (VPC CNI): the application tier. */
  app: pulumi.Output<string>;
  /** The Kubernetes API's network interfaces: the management tier. */
  management: pulumi.Output<string>;
  /** PostgreSQL: 5432 from the application tier only. */
  database: pulumi.Output<string>;
  /** Valkey: 6379 from the application tier only. */
  cache: pulumi.Output<string>;
}

/** Tiers document, Firewall Rules: the data ports, reachable from the application tier only. */
export const DATA_PORTS = { database: 5432, cache: 6379 } as const;

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
    subnetIds.dmz.forEach(
      (subnetId, z) =>
        new aws.ec2.RouteTableAssociation(
          `${name}-dmz-routes-${z}`,
          { subnetId, routeTableId: publicRoutes.id },
          parent,
        ),
    );

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
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nats[Math.min(z, natCount - 1)].id }],
          tags: { Name: `${name}-private-${z}` },
        },
        parent,
      );
      for (const tier of ["app", "management"] as const) {
        new aws.ec2.RouteTableAssociation(
          `${name}-${tier}-routes-${z}`,
          { subnetId: subnetIds[tier][z], routeTableId: routes.id },
          parent,
        );
      }
    }
    // Tiers document, Firewall Rules (PostgreSQL and Redis internal only): the data tier has no
    // route out of the VPC at all.
    const isolated = new aws.ec2.RouteTable(
      `${name}-data-routes`,
      { vpcId: vpc.id, tags: { Name: `${name}-data`, tier: "data" } },
      parent,
    );
    subnetIds.data.forEach(
      (subnetId, z) =>
        new aws.ec2.RouteTableAssociation(
          `${name}-data-routes-${z}`,
          { subnetId, routeTableId: isolated.id },
          parent,
        ),
    );

    // Self-hosted deployment §2.2 (audit trails): every accepted and rejected flow is logged.
    const flowLogs = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      {
        retentionInDays: logRetentionDays(args.flowLogRetentionDays),
        tags: { "platform/expectedIngestGb": String(args.flowLogGbPerMonth ?? 20) },
      },
      parent,
    );
    const flowRole = new aws.iam.Role(
      `${name}-flow-logs`,
      { assumeRolePolicy: assumeRolePolicy("vpc-flow-logs.amazonaws.com") },
      parent,
    );
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

    this.securityGroups = this.firewall(name, vpc.id, args, zoneCount);
    this.registerOutputs({ vpcId: this.vpcId });
  }

  /**
   * Tiers document, Firewall Rules, and self-hosted deployment §2.1: only 80/443 from anywhere, and
   * only to the DMZ; 5432 and 6379 only from the application tier; no SSH anywhere (nodes are
   * reached through SSM Session Manager); the Kubernetes API only from inside and from adminCidrs.
   * Outbound, the nodes reach HTTP/HTTPS on the internet and anything inside the VPC.
   */
  private firewall(
    name: string,
    vpcId: pulumi.Output<string>,
    args: NetworkArgs,
    zoneCount: number,
  ): TierSecurityGroups {
    const parent = { parent: this };
    const group = (
      tier: string,
      description: string,
      extra: Partial<aws.ec2.SecurityGroupArgs> = {},
    ) =>
      new aws.ec2.SecurityGroup(
        `${name}-${tier}-sg`,
        { vpcId, description, tags: { Name: `${name}-${tier}`, tier }, ...extra },
        parent,
      );
    // The DMZ's rules are inline, so the tier=dmz tag and the public rules are judged together.
    const dmz = group("dmz", "DMZ: internet-facing load balancers, HTTP and HTTPS only", {
      ingress:
        args.webIngress === "cloudfront"
          ? [
              // "Restrict access to your origins using the CloudFront managed prefix list"
              // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html#managed-prefix-list).
              // A rule naming the list weighs its max entries, 55, against the default quota of 60
              // inbound rules per group (https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html#aws-managed-prefix-list-weights):
              // a rule each for 80 and 443 would weigh 110, so one rule spans 80-443. The NLB
              // forwards its listeners alone (80 and 443), so the ports between reach nothing.
              {
                description: "HTTP and HTTPS from CloudFront's origin-facing servers only",
                protocol: "tcp",
                fromPort: 80,
                toPort: 443,
                prefixListIds: [
                  aws.ec2.getManagedPrefixListOutput({ name: CLOUDFRONT_ORIGIN_FACING }, parent).id,
                ],
              },
            ]
          : [80, 443].map((port) => ({
              description:
                port === 443 ? "HTTPS from anywhere" : "HTTP from anywhere (redirected to HTTPS)",
              protocol: "tcp",
              fromPort: port,
              toPort: port,
              cidrBlocks: ["0.0.0.0/0"],
            })),
      egress: [
        {
          description: "to the gateway pods in the application tier",
          protocol: "tcp",
          fromPort: 1024,
          toPort: 65535,
          cidrBlocks: [args.cidr],
        },
      ],
      // The gateway's NLB is created in-cluster by the load balancer controller with this group as its
      // front; the tags let the cost estimate price it (one public address per zone).
      tags: {
        Name: `${name}-dmz`,
        tier: "dmz",
        "platform/gatewayLoadBalancer": "nlb",
        "platform/gatewayLoadBalancerZones": String(zoneCount),
      },
    });
    const app = group("app", "Application tier: Kubernetes nodes and pods");
    const management = group("management", "Management tier: the Kubernetes API endpoint");
    const database = group("database", "Data tier: PostgreSQL from the application tier only");
    const cache = group("cache", "Data tier: Valkey from the application tier only");

    const ingress = (
      rule: string,
      groupId: pulumi.Output<string>,
      from: { sg?: pulumi.Output<string>; cidr?: string },
      ports: [number, number] | "all",
      description: string,
    ) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${rule}`,
        {
          securityGroupId: groupId,
          description,
          referencedSecurityGroupId: from.sg,
          cidrIpv4: from.cidr,
          ...(ports === "all"
            ? { ipProtocol: "-1" }
            : { ipProtocol: "tcp", fromPort: ports[0], toPort: ports[1] }),
        },
        parent,
      );
    const egress = (
      rule: string,
      groupId: pulumi.Output<string>,
      to: { sg?: pulumi.Output<string>; cidr?: string },
      ports: [number, number] | "all",
      description: string,
    ) =>
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-${rule}`,
        {
          securityGroupId: groupId,
          description,
          referencedSecurityGroupId: to.sg,
          cidrIpv4: to.cidr,
          ...(ports === "all"
            ? { ipProtocol: "-1" }
            : { ipProtocol: "tcp", fromPort: ports[0], toPort: ports[1] }),
        },
        parent,
      );

    ingress("app-from-app", app.id, { sg: app.id }, "all", "node to node and pod to pod");
    ingress("app-from-dmz", app.id, { sg: dmz.id }, [1024, 65535], "load balancer to gateway pods");
    // EKS security group guidance: the control plane reaches kubelets (10250) and webhooks.
    ingress(
      "app-from-management",
      app.id,
      { sg: management.id },
      [443, 443],
      "API server to webhooks",
    );
    ingress(
      "app-from-management-high",
      app.id,
      { sg: management.id },
      [1025, 65535],
      "API server to kubelets and extension servers",
    );
    egress("app-to-vpc", app.id, { cidr: args.cidr }, "all", "anything inside the VPC");
    const outbound = [...new Set([80, 443, ...(args.extraEgressPorts ?? [])])].sort(
      (a, b) => a - b,
    );
    for (const port of outbound) {
      egress(
        `app-to-internet-${port}`,
        app.id,
        { cidr: "0.0.0.0/0" },
        [port, port],
        `TCP ${port} to external APIs`,
      );
    }

    ingress(
      "management-from-app",
      management.id,
      { sg: app.id },
      [443, 443],
      "nodes to the Kubernetes API",
    );
    args.adminCidrs
      .filter((cidr) => !cidr.includes(":"))
      .forEach((cidr, i) =>
        ingress(
          `management-from-admin-${i}`,
          management.id,
          { cidr },
          [443, 443],
          "admin networks to the Kubernetes API",
        ),
      );
    egress("management-to-app", management.id, { sg: app.id }, "all", "API server to nodes");

    ingress(
      "database-from-app",
      database.id,
      { sg: app.id },
      [DATA_PORTS.database, DATA_PORTS.database],
      "PostgreSQL from the application tier",
    );
    ingress(
      "cache-from-app",
      cache.id,
      { sg: app.id },
      [DATA_PORTS.cache, DATA_PORTS.cache],
      "Valkey from the application tier",
    );

    return {
      dmz: dmz.id,
      app: app.id,
      management: management.id,
      database: database.id,
      cache: cache.id,
    };
  }
}
