import { machineByName, SERVICES } from "../../catalog";
import { NETWORK_STORAGE_CLASS } from "../../components/hetzner/addons";
import { VOLUME_MIN_GB } from "../../components/hetzner/data-volume";
import type { LayerPricing, VolumeRate } from "../../components/kit/cloud-layer";
import { type Pricer, unpriced } from "../cost";

// Hetzner Cloud list prices from the catalog (prices.md §3: the 1 April 2026 rate in EUR, at the
// catalog's USD rate). Two things the layer does not create itself are priced on components that
// record them: the gateway's load balancer (made by the cloud controller from the gateway
// Service) and the off-site Object Storage target. Claims are priced in plan/pricers/kubernetes.ts:
// the platform's data lives on the nodes' own volumes, which are priced here.

const H = SERVICES.hetzner;
const usd = (n: number) => `$${(Math.round(n * 100) / 100).toFixed(2)}`;

/** True when the server gets a primary IPv4 of its own making (hcloud's default). */
function ownsIpv4(publicNets: Array<Record<string, any>> | undefined): boolean {
  if (!publicNets || publicNets.length === 0) return true;
  return publicNets.some((n) => n.ipv4Enabled !== false && n.ipv4 === undefined);
}

/** A server: its type, 20 % more with backups (prices.md §3), and its primary IPv4. */
const server: Pricer = (inputs) => {
  const type = inputs.serverType ? machineByName("hetzner", String(inputs.serverType)) : undefined;
  if (!type)
    return { monthlyUsd: 0, basis: `${inputs.serverType}: type not in the catalog, priced at $0` };
  const backups = inputs.backups ? type.monthlyUsd * (H.backups.fraction ?? 0) : 0;
  const ipv4 = ownsIpv4(inputs.publicNets) ? (H.primaryIpv4.monthlyUsd ?? 0) : 0;
  const parts = [
    `${type.name} ${usd(type.monthlyUsd)}`,
    ...(backups > 0 ? [`backups ${usd(backups)} (20 %)`] : []),
    ...(ipv4 > 0 ? [`primary IPv4 ${usd(ipv4)} (estimate)`] : []),
  ];
  return { monthlyUsd: type.monthlyUsd + backups + ipv4, basis: parts.join(" + ") };
};

const volume: Pricer = (inputs) => {
  const gb = Number(inputs.size ?? 0);
  return {
    monthlyUsd: gb * H.volume.perGbMonthUsd,
    basis: `${gb} GB volume at ${usd(H.volume.perGbMonthUsd * 100)} per 100 GB`,
  };
};

const LOAD_BALANCERS: Record<string, { monthlyUsd?: number }> = {
  lb11: H.lb11,
  lb21: H.lb21,
  lb31: H.lb31,
};

/** A load balancer by type; `created` says who makes it. */
function loadBalancerLine(type: string | undefined, created: string) {
  const price = LOAD_BALANCERS[String(type ?? "lb11")];
  if (!price)
    return { monthlyUsd: 0, basis: `load balancer ${type}: not in the catalog, priced at $0` };
  const each = price.monthlyUsd ?? 0;
  return { monthlyUsd: each, basis: `load balancer ${type ?? "lb11"} at ${usd(each)}${created}` };
}

const primaryIp: Pricer = (inputs) =>
  inputs.type === "ipv6"
    ? { monthlyUsd: 0, basis: "primary IPv6: free" }
    : {
        monthlyUsd: H.primaryIpv4.monthlyUsd ?? 0,
        basis: `primary IPv4 at ${usd(H.primaryIpv4.monthlyUsd ?? 0)} (estimate)`,
      };

/**
 * Object Storage: the base fee includes 1 TB stored and 1 TB egress; more is billed per GB
 * (prices.md §3, [H5] docs 2024-10/12: egress €1 per TB).
 */
const objectStorage: Pricer = (inputs, _provider, usage) => {
  const price = H.objectStorage;
  const stored = Number(inputs.expectedGb ?? 0);
  const extra = Math.max(0, stored - price.includedGb);
  const egress = usage ? Math.max(0, usage.transferGb - price.includedTransferGb) : 0;
  const transfer = usage
    ? `; ${usage.transferGb} GB egress (cost.usage.transferGb), ${egress} beyond the ${price.includedTransferGb} GB included at ${usd(price.perGbUsd * 1000)} per TB`
    : `; egress beyond ${price.includedTransferGb} GB not estimated`;
  return {
    monthlyUsd: price.monthlyUsd + extra * price.perGbMonthUsd + egress * price.perGbUsd,
    basis:
      `Object Storage base ${usd(price.monthlyUsd)} with ${price.includedGb} GB` +
      (extra > 0 ? ` + ${extra} GB at ${usd(price.perGbMonthUsd * 1000)} per TB` : "") +
      `, for ${stored} GB expected (estimate)${transfer}`,
  };
};

/**
 * The servers the cluster autoscaler may add (components/hetzner/autoscaler.ts): none at the floor,
 * `maxSize` of the pool's type with a primary IPv4 each (HCLOUD_PUBLIC_IPV4's default) and no
 * backups at the ceiling.
 */
const autoscaledServers: Pricer = (inputs) => {
  const each = server({ serverType: inputs.instanceType }, "hetzner");
  const min = Number(inputs.minSize ?? 0);
  const max = Number(inputs.maxSize ?? 0);
  const unit = each?.monthlyUsd ?? 0;
  return {
    monthlyUsd: min * unit,
    basis: `${min}..${max} autoscaled × (${each?.basis ?? inputs.instanceType})`,
    range: { floorUsd: min * unit, ceilingUsd: max * unit },
  };
};

/** The Hetzner layer's pricers, registered through its CloudLayer (components/hetzner/index.ts). */
export const HETZNER_PRICERS: Record<string, Pricer> = {
  "hcloud:index/server:Server": server,
  "hcloud:index/volume:Volume": volume,
  "hcloud:index/loadBalancer:LoadBalancer": (inputs) =>
    loadBalancerLine(inputs.loadBalancerType, ""),
  "hcloud:index/primaryIp:PrimaryIp": primaryIp,
  "platform:hetzner:GatewayLoadBalancer": (inputs) =>
    loadBalancerLine(inputs.type, ", created by the cloud controller from the gateway Service"),
  "platform:hetzner:ObjectStorage": objectStorage,
  "platform:hetzner:AutoscaledServers": autoscaledServers,
};

/**
 * The Hetzner layer's default class is k3s's local-path: a directory on the node's own disk or on
 * the hcloud volume the layer attaches for the profile's disk, both priced with the node, so
 * pricing the claim again would count the disk twice. Only the CSI driver's class makes a new
 * hcloud volume, at least hcloud's minimum size.
 */
export const hetznerVolumeRate = (storageClass: string | undefined): VolumeRate =>
  storageClass === NETWORK_STORAGE_CLASS
    ? { perGbMonthUsd: H.volume.perGbMonthUsd, minGb: VOLUME_MIN_GB, what: "hcloud volume" }
    : { free: "local-path on the node's disk, priced with its server and volume" };

/** Types the Hetzner layer registers that the plan does not price, and why. */
export const HETZNER_UNPRICED: Record<string, string> = unpriced("free", [
  "hcloud:index/firewall:Firewall",
  "hcloud:index/network:Network",
  "hcloud:index/networkSubnet:NetworkSubnet",
  "hcloud:index/placementGroup:PlacementGroup",
  "hcloud:index/sshKey:SshKey",
]);

/** What the offline plan prices of the layer, for its CloudLayer. */
export const HETZNER_PRICING: LayerPricing = {
  pricers: HETZNER_PRICERS,
  unpriced: HETZNER_UNPRICED,
  volumeRate: hetznerVolumeRate,
};
