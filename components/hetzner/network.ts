import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import { firewallPlan } from "./firewalls";
import { LABELS } from "./node-layout";
import { NETWORK_ZONE, subnetPlan, TIERS, type NetworkTier } from "./subnets";

export interface NetworkArgs {
  /** Physical name prefix, also the `platform/cluster` label of every server. @example "platform-prod" */
  prefix: string;
  /** The tiers' address plan (config.network.cidr). @example "10.0.0.0/16" */
  cidr: string;
  /** The only networks SSH and the Kubernetes API admit from outside; none when empty. */
  adminCidrs: string[];
  /** The stack has a gateway pool, which alone serves 80 and 443. @default false */
  gatewayPool: boolean;
}

/**
 * The private network with a subnet per tier inside the nodes' /24, and the hcloud firewalls of
 * self-hosted §2.1 applied by label selector, so every server carrying the cluster's label is
 * covered from its first boot. Cost: networks and firewalls are free.
 */
export class Network extends pulumi.ComponentResource {
  public readonly networkId: pulumi.Output<number>;
  /** hcloud subnet ID per tier; servers join their tier's subnet. */
  public readonly subnetIds: Record<NetworkTier, pulumi.Output<string>>;
  /** The firewalls, which servers wait for so that none runs unfiltered. */
  public readonly firewalls: hcloud.Firewall[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:hetzner:Network", name, args, opts);
    const parent = { parent: this };
    const plan = subnetPlan(args.cidr);
    const labels = { [LABELS.cluster]: args.prefix };

    const network = new hcloud.Network(
      `${name}-network`,
      { name: args.prefix, ipRange: plan.network, labels },
      parent,
    );
    this.networkId = network.id.apply(Number);
    const subnetIds = {} as Record<NetworkTier, pulumi.Output<string>>;
    for (const tier of TIERS) {
      const subnet = new hcloud.NetworkSubnet(
        `${name}-${tier}`,
        {
          networkId: this.networkId,
          type: "cloud",
          networkZone: NETWORK_ZONE,
          ipRange: plan.tiers[tier],
        },
        parent,
      );
      subnetIds[tier] = subnet.id;
    }
    this.subnetIds = subnetIds;

    this.firewalls = firewallPlan({
      cluster: args.prefix,
      adminCidrs: args.adminCidrs,
      networkCidr: plan.network,
      gatewayPool: args.gatewayPool,
    }).map(
      (fw) =>
        new hcloud.Firewall(
          `${name}-${fw.key}-firewall`,
          {
            name: `${args.prefix}-${fw.key}`,
            labels,
            rules: fw.rules.map((r) => ({
              direction: "in",
              protocol: r.protocol,
              port: r.port,
              sourceIps: r.sourceIps,
              description: r.description,
            })),
            applyTos: [{ labelSelector: fw.selector }],
          },
          parent,
        ),
    );

    this.registerOutputs({ networkId: this.networkId, subnetIds: this.subnetIds });
  }
}
