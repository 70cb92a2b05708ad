import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import { FirewallRule, nodeFirewallRules } from "./node-firewall";

export interface NetworkArgs {
  /** Physical name prefix of the stack's resources. @example "platform-staging" */
  prefix: string;
  /** DigitalOcean region. @example "nyc3" */
  region: string;
  /** The tiers' address plan (config.network.cidr). @example "10.10.0.0/16" */
  cidr: string;
  /** The only networks SSH is open to; none when empty. @example ["203.0.113.0/24"] */
  adminCidrs: string[];
  /** Port of the alert mail relay, opened outbound when set. @example 587 */
  smtpPort?: number;
}

/**
 * The stack's private network: a VPC on the tiers' address plan, a tag every node carries, and a
 * cloud firewall applied by that tag, so nodes the autoscaler adds later are covered too. Cost:
 * VPCs, tags and cloud firewalls are free.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  /** Tag of every node; the firewall and the node alerts select nodes by it. */
  public readonly nodeTag: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:digitalocean:Network", name, args, opts);
    const parent = { parent: this };
    const vpc = new digitalocean.Vpc(
      `${name}-vpc`,
      {
        name: args.prefix,
        region: args.region,
        ipRange: args.cidr,
        description: "Nodes, managed databases and the load balancer of the platform",
      },
      parent,
    );
    // A firewall cannot name a tag that does not exist yet: the tag is created first.
    const tag = new digitalocean.Tag(`${name}-node-tag`, { name: `${args.prefix}-node` }, parent);

    // Cloud firewalls add up (DOKS keeps its own worker firewall for node and load balancer
    // traffic beside this one), so this one only states what the documents allow on top.
    const rules = nodeFirewallRules(args.cidr, args.adminCidrs, args.smtpPort);
    const toInbound = (r: FirewallRule) => ({
      protocol: r.protocol,
      portRange: r.portRange,
      sourceAddresses: r.addresses,
    });
    const toOutbound = (r: FirewallRule) => ({
      protocol: r.protocol,
      portRange: r.portRange,
      destinationAddresses: r.addresses,
    });
    new digitalocean.Firewall(
      `${name}-node-firewall`,
      {
        name: `${args.prefix}-nodes`,
        tags: [tag.name],
        inboundRules: rules.inbound.map(toInbound),
        outboundRules: rules.outbound.map(toOutbound),
      },
      parent,
    );

    this.vpcId = vpc.id;
    this.nodeTag = tag.name;
    this.registerOutputs({ vpcId: this.vpcId, nodeTag: this.nodeTag });
  }
}
