import { machineByName, SERVICES } from "../../catalog";
import type { LayerPricing } from "../../components/kit/cloud-layer";
import { flatVolumeRate, type Pricer, unpriced } from "../cost";
import { COST_TAGS } from "../../components/kit/cost-tags";

// AWS list prices from the catalog (prices.md §1, us-east-1). Usage-based charges (requests,
// NAT and load balancer data, backup storage) are estimated only where a tag the AWS layer sets
// states the assumption; otherwise the basis says what is left out.

const aws = SERVICES.aws;
const usd = (n: number) => `$${n.toFixed(2)}`;
const tag = (inputs: Record<string, any>, key: string): number | undefined => {
  const raw = inputs.tags?.[key];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : undefined;
};

/** A usage-billed resource whose expected usage no tag states: priced at 0, and saying so. */
const byUsage = (service: string, usage: string) => ({
  monthlyUsd: 0,
  basis: `${service} by usage; no expected ${usage} set, so not estimated`,
});

/** The catalog's price of a type by name, or an explicit "unknown" line rather than a silent 0. */
function typePrice(name: string | undefined): { monthlyUsd: number; known: boolean } {
  const type = name ? machineByName("aws", name) : undefined;
  return { monthlyUsd: type?.monthlyUsd ?? 0, known: !!type };
}

const eksCluster: Pricer = (inputs) => {
  const extended = inputs.upgradePolicy?.supportType === "EXTENDED";
  const price = extended ? aws.controlPlaneExtendedSupport : aws.controlPlane;
  return {
    monthlyUsd: price.monthlyUsd,
    basis: `EKS control plane, ${extended ? "extended" : "standard"} support ${usd(price.monthlyUsd)}`,
  };
};

const nodeGroup: Pricer = (inputs) => {
  const desired = Number(inputs.scalingConfig?.desiredSize ?? 0);
  const name = inputs.instanceTypes?.[0];
  const { monthlyUsd, known } = typePrice(name);
  const rootGb = tag(inputs, COST_TAGS.rootVolumeGb) ?? 0;
  const volume = rootGb * aws.volume.perGbMonthUsd;
  const each = monthlyUsd + volume;
  const min = Number(inputs.scalingConfig?.minSize ?? desired);
  const max = Number(inputs.scalingConfig?.maxSize ?? desired);
  return {
    monthlyUsd: desired * each,
    range: { floorUsd: min * each, ceilingUsd: max * each },
    basis:
      `${desired} × ${name ?? "?"} ${known ? usd(monthlyUsd) : "(not in catalog)"}` +
      ` + ${rootGb} GB gp3 root ${usd(volume)} each; autoscaling may add nodes up to ` +
      `${inputs.scalingConfig?.maxSize ?? "?"}`,
  };
};

const natGateway: Pricer = () => ({
  monthlyUsd: aws.natGateway.monthlyUsd,
  basis: `NAT gateway ${usd(aws.natGateway.monthlyUsd)} (its address is priced with the EIP; data processed at $${aws.natGateway.perGbUsd}/GB not estimated)`,
});

/** An address given to the gateway's NLB replaces one it would take: priced with the NLB. */
const eip: Pricer = (inputs) =>
  inputs.tags?.[COST_TAGS.gatewayLoadBalancer] === "nlb"
    ? { monthlyUsd: 0, basis: "the gateway NLB's public IPv4, priced with its security group" }
    : {
        monthlyUsd: aws.publicIpv4.monthlyUsd,
        basis: `public IPv4 address ${usd(aws.publicIpv4.monthlyUsd)}`,
      };

const rdsInstance: Pricer = (inputs) => {
  const { monthlyUsd, known } = typePrice(inputs.instanceClass);
  const copies = inputs.multiAz === true ? 2 : 1;
  const storageGb = Number(inputs.allocatedStorage ?? 0);
  const storage = storageGb * aws.databaseStorage.perGbMonthUsd;
  const role = inputs.replicateSourceDb ? "read replica" : copies === 2 ? "Multi-AZ" : "Single-AZ";
  return {
    monthlyUsd: copies * (monthlyUsd + storage),
    basis:
      `${role} ${inputs.instanceClass ?? "?"} ${known ? usd(monthlyUsd) : "(not in catalog)"}` +
      ` + ${storageGb} GB gp3 ${usd(storage)}${copies === 2 ? ", × 2 for the standby" : ""}` +
      " (backup storage beyond the free allowance not estimated)",
  };
};

const replicationGroup: Pricer = (inputs) => {
  // Cluster mode: every shard's primary and its replicas; otherwise the group's nodes.
  const nodes =
    inputs.numNodeGroups !== undefined
      ? Number(inputs.numNodeGroups) * (1 + Number(inputs.replicasPerNodeGroup ?? 0))
      : Number(inputs.numCacheClusters ?? 1);
  const { monthlyUsd, known } = typePrice(inputs.nodeType);
  return {
    monthlyUsd: nodes * monthlyUsd,
    basis: `${nodes} × ${inputs.nodeType ?? "?"} ${known ? usd(monthlyUsd) : "(not in catalog)"}`,
  };
};

const bucket: Pricer = (inputs, _provider, usage) => {
  const stated = tag(inputs, COST_TAGS.expectedGb);
  const gb = stated ?? usage?.objectStorageGrowthGb;
  if (gb === undefined) return byUsage("S3 Standard", "size");
  const monthlyUsd = gb * aws.objectStorage.perGbMonthUsd;
  const assumed =
    stated === undefined
      ? "a month's growth, the config's cost.usage.objectStorageGrowthGb"
      : "the config's objectStorage.storageGb";
  return {
    monthlyUsd,
    basis: `${gb} GB S3 Standard at $${aws.objectStorage.perGbMonthUsd}/GB (assumed size, ${assumed})`,
  };
};

/** Transfer assumed when a distribution states none. */
export const DEFAULT_CDN_TRANSFER_GB = 500;

/**
 * HTTPS requests, $0.0100 per 10,000 in the US and Europe: prices.md §1 CloudFront row, source
 * [A2] cloudfront golden file (2024-07-01).
 */
export const CDN_HTTPS_PER_MILLION_USD = 1;

const distribution: Pricer = (inputs, _provider, usage) => {
  const gb = tag(inputs, COST_TAGS.expectedTransferGb) ?? DEFAULT_CDN_TRANSFER_GB;
  // The catalog's rate is the US/EU one; other edges (PriceClass_200, _All) charge more per GB.
  const others = inputs.priceClass && inputs.priceClass !== "PriceClass_100";
  const transfer = `${gb} GB/month CloudFront transfer at $${aws.cdn.perGbUsd}/GB (assumed${others ? `, all at the US/EU rate: ${inputs.priceClass}'s other edges cost more, not estimated` : ""}`;
  if (!usage)
    return { monthlyUsd: gb * aws.cdn.perGbUsd, basis: `${transfer}; requests not estimated)` };
  const requests = usage.cdnRequestsMillions * CDN_HTTPS_PER_MILLION_USD;
  return {
    monthlyUsd: gb * aws.cdn.perGbUsd + requests,
    basis: `${transfer}) + ${usage.cdnRequestsMillions}M HTTPS requests at ${usd(CDN_HTTPS_PER_MILLION_USD)}/M (cost.usage.cdnRequestsMillions, [A2] 2024-07-01)`,
  };
};

const webAcl: Pricer = (inputs) => {
  const rules = (inputs.rules ?? []).length;
  return {
    monthlyUsd: aws.waf.monthlyUsd + rules * aws.waf.perRuleMonthUsd,
    basis: `web ACL ${usd(aws.waf.monthlyUsd)} + ${rules} rules × ${usd(aws.waf.perRuleMonthUsd)} (requests not estimated)`,
  };
};

const kmsKey: Pricer = () => ({
  monthlyUsd: aws.kmsKey.monthlyUsd,
  basis: `customer-managed KMS key ${usd(aws.kmsKey.monthlyUsd)} (requests not estimated)`,
});

const logGroup: Pricer = (inputs, _provider, usage) => {
  const gb = tag(inputs, COST_TAGS.expectedIngestGb) ?? usage?.logIngestGb;
  if (gb === undefined) return byUsage("CloudWatch Logs", "volume");
  // Steady state: retention days' worth of a month's ingestion is stored.
  const days = Number(inputs.retentionInDays ?? 30) || 30;
  const storedGb = (gb * days) / 30;
  const monthlyUsd = gb * aws.logs.perGbUsd + storedGb * aws.logs.perGbMonthUsd;
  return {
    monthlyUsd,
    basis: `${gb} GB/month ingested (assumed) at $${aws.logs.perGbUsd}/GB + ${storedGb.toFixed(0)} GB kept ${days} days`,
  };
};

/**
 * The gateway's NLB is created in-cluster by the load balancer controller, so no resource of the
 * program is the NLB: the DMZ security group that fronts it carries a tag, and is priced as it.
 */
const securityGroup: Pricer = (inputs) => {
  if (inputs.tags?.[COST_TAGS.gatewayLoadBalancer] !== "nlb") return undefined;
  const zones = tag(inputs, COST_TAGS.gatewayLoadBalancerZones) ?? 1;
  const addresses = zones * aws.publicIpv4.monthlyUsd;
  const monthlyUsd = aws.nlb.monthlyUsd + aws.nlb.perCapacityUnitMonthUsd + addresses;
  return {
    monthlyUsd,
    basis:
      `gateway NLB (made by the load balancer controller) ${usd(aws.nlb.monthlyUsd)} + 1 NLCU ` +
      `${usd(aws.nlb.perCapacityUnitMonthUsd)} + ${zones} public IPv4 ${usd(addresses)}`,
  };
};

const hostedZone: Pricer = () => ({
  monthlyUsd: aws.dnsZone.monthlyUsd,
  basis: `Route 53 hosted zone ${usd(aws.dnsZone.monthlyUsd)} (queries not estimated)`,
});

/** The AWS layer's pricers, registered through its CloudLayer (components/aws/index.ts). */
export const AWS_PRICERS: Record<string, Pricer> = {
  "aws:eks/cluster:Cluster": eksCluster,
  "aws:eks/nodeGroup:NodeGroup": nodeGroup,
  "aws:ec2/natGateway:NatGateway": natGateway,
  "aws:ec2/eip:Eip": eip,
  "aws:rds/instance:Instance": rdsInstance,
  "aws:elasticache/replicationGroup:ReplicationGroup": replicationGroup,
  "aws:s3/bucket:Bucket": bucket,
  "aws:cloudfront/distribution:Distribution": distribution,
  "aws:wafv2/webAcl:WebAcl": webAcl,
  "aws:kms/key:Key": kmsKey,
  "aws:cloudwatch/logGroup:LogGroup": logGroup,
  "aws:ec2/securityGroup:SecurityGroup": securityGroup,
  "aws:route53/zone:Zone": hostedZone,
};

/** Every class of the EKS layer makes one gp3 volume of the claimed size, within gp3's free baseline. */
export const awsVolumeRate = flatVolumeRate(aws.volume.perGbMonthUsd, "gp3 volume");

/** Types the AWS layer registers that the plan does not price, and why. */
export const AWS_UNPRICED: Record<string, string> = {
  ...unpriced("configuration, no charge of its own", [
    "aws:acm/certificate:Certificate",
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:backup/plan:Plan",
    "aws:backup/selection:Selection",
    "aws:cloudfront/cachePolicy:CachePolicy",
    "aws:cloudfront/originAccessControl:OriginAccessControl",
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc",
    // Access entries and their policies are free: https://aws.amazon.com/eks/pricing/
    "aws:eks/accessEntry:AccessEntry",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    "aws:eks/addon:Addon",
    "aws:elasticache/parameterGroup:ParameterGroup",
    "aws:elasticache/subnetGroup:SubnetGroup",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:kms/keyPolicy:KeyPolicy",
    "aws:rds/parameterGroup:ParameterGroup",
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  ]),
  "aws:backup/vault:Vault": "recovery points billed by the GB stored, not estimated",
  "aws:cloudfront/function:Function": "billed per invocation, not estimated",
  "aws:cloudwatch/metricAlarm:MetricAlarm": "billed per alarm-month, not estimated",
  "aws:ec2/flowLog:FlowLog": "its log group is priced (plan/pricers/aws.ts logGroup)",
  "aws:route53/healthCheck:HealthCheck": "billed per health check, not estimated",
  "aws:route53/record:Record": "no charge per record; queries billed, not estimated",
  "aws:s3/bucketLogging:BucketLogging": "its log objects are priced with the bucket they land in",
  "aws:sns/topic:Topic": "billed per notification, not estimated",
};

/** What the offline plan prices of the layer, for its CloudLayer. */
export const AWS_PRICING: LayerPricing = {
  pricers: AWS_PRICERS,
  unpriced: AWS_UNPRICED,
  volumeRate: awsVolumeRate,
};
