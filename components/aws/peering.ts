import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { cidrsOverlap } from "../../config/cidr";
import type { ReplicationSource } from "../region";

/** A secondary region's side of the peering as the primary's region sees it. */
export interface PrimaryPeeringArgs {
  /** The primary's VPC, data route table and database security group (its output `replication`). */
  source: pulumi.Input<ReplicationSource>;
  /** The peering connection this region's network requested. */
  peeringConnectionId: pulumi.Input<string>;
  /** This region's VPC range: the primary routes and admits it. */
  cidr: string;
  /** An AWS provider in the primary's region. */
  sourceProvider: aws.Provider;
}

/**
 * What "writes go to the primary region" needs in the primary's region: the peering accepted, the
 * primary's data subnets routing this region's range back through it, and the primary's
 * PostgreSQL admitting this region on 5432. Everything here is the secondary's: it comes and goes
 * with the role, and the primary's own program never sees it (its route table declares no routes,
 * so the provider leaves these alone). Peered VPCs must not overlap (Amazon VPC Peering Guide,
 * "VPC peering limitations": no peering between VPCs with matching or overlapping IPv4 CIDR
 * blocks); the config gate keeps the shipped group apart and this checks the primary's real range.
 */
export class PrimaryPeering extends pulumi.ComponentResource {
  constructor(name: string, args: PrimaryPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:aws:PrimaryPeering", name, {}, opts);
    const at = { parent: this, provider: args.sourceProvider };
    const source = pulumi.output(args.source).apply((s) => {
      if (cidrsOverlap(s.cidr, args.cidr))
        throw new pulumi.RunError(
          `platform:network.cidr: ${args.cidr} overlaps the primary's ${s.cidr}; peered VPCs must not overlap`,
        );
      if (!s.network)
        throw new pulumi.RunError(
          "platform:multiRegion.primaryStack: the primary publishes no network to peer with (an aws primary with a managed database)",
        );
      return s.network;
    });
    const accepter = new aws.ec2.VpcPeeringConnectionAccepter(
      `${name}-accepter`,
      { vpcPeeringConnectionId: args.peeringConnectionId, autoAccept: true },
      at,
    );
    new aws.ec2.Route(
      `${name}-route`,
      {
        routeTableId: source.dataRouteTableId,
        destinationCidrBlock: args.cidr,
        vpcPeeringConnectionId: accepter.id,
      },
      at,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-database`,
      {
        securityGroupId: source.databaseSecurityGroupId,
        description: "A secondary region's PgBouncer (writes)",
        cidrIpv4: args.cidr,
        ipProtocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
      },
      at,
    );
    this.registerOutputs({});
  }
}
