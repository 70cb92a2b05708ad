import { ipv4Cidr, ipv4Network } from "../kit/cidr";
import { configProblem } from "../kit/problems";

/** Self-hosted deployment §1.2: the DMZ, application, data and management tiers. */
export const TIERS = ["dmz", "app", "data", "management"] as const;
export type NetworkTier = (typeof TIERS)[number];

/** The subnets of one availability zone, one per tier. */
export type ZoneSubnets = Record<NetworkTier, string>;

/** Zones a VPC can be spread across: us-east-1, the largest region, has six. */
export const MAX_ZONES = 6;
/** EKS control planes and RDS subnet groups refuse subnets in fewer than two zones. */
export const MIN_ZONES = 2;

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
  const { base, prefix } = ipv4Network(cidr);
  if (!Number.isInteger(zones) || zones < 1 || zones > MAX_ZONES) {
    configProblem(["network", "zones"], `must be a whole number in 1..${MAX_ZONES}, got ${zones}`);
  }
  if (prefix < 16 || prefix > 21) {
    configProblem(
      ["network", "cidr"],
      `must be a /16 to /21 on aws (${cidr}): AWS allows no larger VPC, and a smaller one leaves tier subnets below /28`,
    );
  }
  const appPrefix = prefix + 3;
  const appSize = 2 ** (32 - appPrefix);
  const smallPrefix = prefix + 7;
  const smallSize = 2 ** (32 - smallPrefix);
  // The last two eighths (32 small blocks) hold three rows of eight: zone z of row r is 8r + z.
  const smallBase = base + MAX_ZONES * appSize;
  const small = (row: number, zone: number) =>
    ipv4Cidr(smallBase + (row * 8 + zone) * smallSize, smallPrefix);
  return Array.from({ length: zones }, (_, z) => ({
    app: ipv4Cidr(base + z * appSize, appPrefix),
    dmz: small(0, z),
    data: small(1, z),
    management: small(2, z),
  }));
}
