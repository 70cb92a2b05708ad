import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { COST_TAGS } from "../kit/cost-tags";

export interface FirewallArgs {
  /** VPC address range. @example "10.0.0.0/16" */
  cidr: string;
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
 * Tiers document, Firewall Rules, and self-hosted deployment §2.1: only 80/443 from anywhere, and
 * only to the DMZ; 5432 and 6379 only from the application tier; no SSH anywhere (nodes are
 * reached through SSM Session Manager); the Kubernetes API only from inside and from adminCidrs.
 * Outbound, the nodes reach HTTP/HTTPS on the internet and anything inside the VPC.
 */
export function tierFirewall(
  name: string,
  vpcId: pulumi.Output<string>,
  args: FirewallArgs,
  zoneCount: number,
  parent: pulumi.CustomResourceOptions,
): TierSecurityGroups {
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
      [COST_TAGS.gatewayLoadBalancer]: "nlb",
      [COST_TAGS.gatewayLoadBalancerZones]: String(zoneCount),
    },
  });
  const app = group("app", "Application tier: Kubernetes nodes and pods");
  const management = group("management", "Management tier: the Kubernetes API endpoint");
  const database = group("database", "Data tier: PostgreSQL from the application tier only");
  const cache = group("cache", "Data tier: Valkey from the application tier only");

  const rule =
    (Rule: typeof aws.vpc.SecurityGroupIngressRule | typeof aws.vpc.SecurityGroupEgressRule) =>
    (
      id: string,
      groupId: pulumi.Output<string>,
      peer: { sg?: pulumi.Output<string>; cidr?: string },
      ports: [number, number] | "all",
      description: string,
    ) =>
      new Rule(
        `${name}-${id}`,
        {
          securityGroupId: groupId,
          description,
          referencedSecurityGroupId: peer.sg,
          cidrIpv4: peer.cidr,
          ...(ports === "all"
            ? { ipProtocol: "-1" }
            : { ipProtocol: "tcp", fromPort: ports[0], toPort: ports[1] }),
        },
        parent,
      );
  const ingress = rule(aws.vpc.SecurityGroupIngressRule);
  const egress = rule(aws.vpc.SecurityGroupEgressRule);

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
  const outbound = [...new Set([80, 443, ...(args.extraEgressPorts ?? [])])].sort((a, b) => a - b);
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

  const dataServices = [
    ["database", database, "PostgreSQL"],
    ["cache", cache, "Valkey"],
  ] as const;
  for (const [service, sg, product] of dataServices) {
    const port = DATA_PORTS[service];
    ingress(
      `${service}-from-app`,
      sg.id,
      { sg: app.id },
      [port, port],
      `${product} from the application tier`,
    );
  }

  return {
    dmz: dmz.id,
    app: app.id,
    management: management.id,
    database: database.id,
    cache: cache.id,
  };
}
