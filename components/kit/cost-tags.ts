/**
 * Cost assumptions a cloud layer states on its resources as tags, for the offline plan's pricers
 * (plan/pricers/): usage-based charges are estimated only where the layer says what to assume. One
 * constant per tag, so the writer and the reader cannot drift apart.
 */
export const COST_TAGS = {
  /** GB of a node's root volume (an EKS launch template's block device). */
  rootVolumeGb: "platform/rootVolumeGb",
  /** GB a log group ingests a month (control-plane logs, RDS logs, VPC flow logs). */
  expectedIngestGb: "platform/expectedIngestGb",
  /** GB a bucket is expected to hold (the config's objectStorage.storageGb). */
  expectedGb: "platform/expectedGb",
  /** GB a CDN distribution serves a month. */
  expectedTransferGb: "platform/expectedTransferGb",
  /** Marks the security group that fronts the gateway's load balancer, of this kind ("nlb"). */
  gatewayLoadBalancer: "platform/gatewayLoadBalancer",
  /** Zones that load balancer spans, each with a public IPv4. */
  gatewayLoadBalancerZones: "platform/gatewayLoadBalancerZones",
} as const;
