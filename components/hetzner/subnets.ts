/**
 * Addresses of the Hetzner layer: locations, the tiers' subnets of the private network, and the
 * slot of each node group and of the load balancer inside them.
 */
import { type Role } from "../../config";
import { ipv4Address, ipv4Network } from "../kit/cidr";
import { configProblem } from "../kit/problems";

/** Hetzner Cloud's EU locations (prices.md §3 prices them) and the network zone they share. */
export const LOCATIONS = ["fsn1", "nbg1", "hel1"] as const;
export const NETWORK_ZONE = "eu-central";

/** The documents' four tiers (self-hosted §1.2): DMZ, application, data, management. */
export const TIERS = ["dmz", "app", "data", "management"] as const;
export type NetworkTier = (typeof TIERS)[number];

export interface SubnetPlan {
  /** The network (config.network.cidr). */
  network: string;
  /** Every node's address lies here: self-hosted §2.1 admits exactly this range between nodes. */
  nodes: string;
  /** One subnet per tier, the four quarters of `nodes`. */
  tiers: Record<NetworkTier, string>;
}

/** RFC 1918: the only ranges a Hetzner Cloud network accepts. */
export const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/**
 * The address plan: the network's first /24 holds every node (so §2.1's `allow from 10.0.0.0/24`
 * is exactly the nodes when the network is 10.0.0.0/16), split into a /26 per tier. Hetzner's
 * private network routes between its subnets without filtering: the tiers are an address
 * convention that labels, firewalls and the platform's network policies follow.
 */
export function subnetPlan(cidr: string): SubnetPlan {
  const { base, prefix } = ipv4Network(cidr, { clearHostBits: true });
  if (prefix > 24)
    configProblem(
      ["network", "cidr"],
      `must be a /24 or larger (${cidr} is smaller than a /24, which the node subnet needs)`,
    );
  const quarter = (i: number) => `${ipv4Address(base + i * 64)}/26`;
  return {
    network: `${ipv4Address(base)}/${prefix}`,
    nodes: `${ipv4Address(base)}/24`,
    tiers: { dmz: quarter(0), app: quarter(1), data: quarter(2), management: quarter(3) },
  };
}

/** A node group: a role's pool, or the dedicated k3s servers. */
export type NodeGroup = Role | "control-plane";

/**
 * Where each group's servers sit: the tier subnet, the first host number inside it and how many
 * fit. The network's first address (.1) is Hetzner's gateway; the DMZ's .5 is the load balancer.
 */
export const SLOTS: Readonly<Record<NodeGroup, { tier: NetworkTier; first: number; max: number }>> =
  {
    gateway: { tier: "dmz", first: 10, max: 50 },
    app: { tier: "app", first: 10, max: 50 },
    db: { tier: "data", first: 10, max: 20 },
    storage: { tier: "data", first: 30, max: 20 },
    "control-plane": { tier: "management", first: 10, max: 9 },
    monitoring: { tier: "management", first: 20, max: 30 },
  };

/** Host number of the gateway load balancer in the DMZ subnet. */
export const LOAD_BALANCER_HOST = 5;

/** The private address of the `index`-th (1-based) server of a group. */
export function privateIp(plan: SubnetPlan, group: NodeGroup, index: number): string {
  const slot = SLOTS[group];
  if (!Number.isInteger(index) || index < 1 || index > slot.max)
    throw new Error(`${group} holds 1 to ${slot.max} servers in its subnet, not ${index}`);
  const { base } = ipv4Network(plan.tiers[slot.tier]);
  return ipv4Address(base + slot.first + index - 1);
}

export function loadBalancerIp(plan: SubnetPlan): string {
  return ipv4Address(ipv4Network(plan.tiers.dmz).base + LOAD_BALANCER_HOST);
}
