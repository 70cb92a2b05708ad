import { machineByName, SERVICES } from "../../catalog";
import type { LayerPricing } from "../../components/kit/cloud-layer";
import { flatVolumeRate, type PoolRange, type Pricer, unpriced } from "../cost";

// DigitalOcean list prices from the catalog (prices.md §2). A pricer sees one resource's inputs,
// so the two things the layer does not create itself are priced on components that carry what
// they cost: the gateway's load balancer (made by the cloud controller from the gateway Service,
// recorded by the GatewayLoadBalancer component with its size units) and the Spaces subscription
// (once per stack, on the Spaces component, which carries the expected storage). Persistent
// volumes the CSI driver makes from claims are priced on the claims (plan/pricers/kubernetes.ts).

const DO = SERVICES.digitalocean;
const usd = (n: number) => `$${Math.round(n * 100) / 100}`;

/** A size slug's monthly price; unknown slugs are priced at 0 and say so. */
function sized(size: string | undefined): { monthlyUsd: number; known: boolean } {
  const type = size ? machineByName("digitalocean", size) : undefined;
  return { monthlyUsd: type?.monthlyUsd ?? 0, known: !!type };
}

/** Nodes a pool runs: its fixed count, or the autoscaler's floor when it scales. */
function poolNodes(pool: Record<string, any>): number {
  return Number(pool.nodeCount ?? pool.minNodes ?? 1);
}

function poolLine(pool: Record<string, any>): {
  monthlyUsd: number;
  basis: string;
  range: PoolRange;
} {
  const nodes = poolNodes(pool);
  const { monthlyUsd, known } = sized(pool.size);
  const max = pool.autoScale ? Number(pool.maxNodes ?? nodes) : nodes;
  const range = { floorUsd: nodes * monthlyUsd, ceilingUsd: max * monthlyUsd };
  const scaling = pool.autoScale ? ` (autoscaler floor; up to ${pool.maxNodes})` : "";
  const basis = known
    ? `${nodes} × ${pool.size} at ${usd(monthlyUsd)}${scaling}`
    : `${nodes} × ${pool.size}: size not in the catalog, priced at $0`;
  return { monthlyUsd: nodes * monthlyUsd, basis, range };
}

const kubernetesCluster: Pricer = (inputs) => {
  const plane = inputs.ha ? DO.controlPlaneHa.monthlyUsd : DO.controlPlane.monthlyUsd;
  const pool = poolLine(inputs.nodePool ?? {});
  const planeText = inputs.ha ? `HA control plane ${usd(plane)}` : "control plane free";
  return {
    monthlyUsd: plane + pool.monthlyUsd,
    basis: `${planeText}; default pool ${pool.basis}`,
    range: { floorUsd: plane + pool.range.floorUsd, ceilingUsd: plane + pool.range.ceilingUsd },
  };
};

const nodePool: Pricer = (inputs) => poolLine(inputs);

/**
 * Postgres: the primary, ⅔ of it per standby. Valkey: every node at the size's price (prices.md
 * has no standby discount for it).
 */
const databaseCluster: Pricer = (inputs) => {
  const { monthlyUsd: each, known } = sized(inputs.size);
  const nodes = Number(inputs.nodeCount ?? 1);
  if (!known)
    return { monthlyUsd: 0, basis: `${inputs.size}: size not in the catalog, priced at $0` };
  if (inputs.engine === "pg") {
    const standbys = nodes - 1;
    const total = each * (1 + standbys * DO.databaseStandby.fraction);
    const standbyText = standbys > 0 ? ` + ${standbys} standby at ⅔ of it (estimate)` : "";
    return { monthlyUsd: total, basis: `PostgreSQL ${inputs.size} ${usd(each)}${standbyText}` };
  }
  return {
    monthlyUsd: each * nodes,
    basis: `${inputs.engine} ${nodes} × ${inputs.size} at ${usd(each)}`,
  };
};

const databaseReplica: Pricer = (inputs) => {
  const { monthlyUsd, known } = sized(inputs.size);
  const price = monthlyUsd * DO.databaseReadReplica.fraction;
  return {
    monthlyUsd: price,
    basis: known
      ? `read-only node ${inputs.size} at ${usd(price)} (estimate)`
      : `${inputs.size}: size not in the catalog, priced at $0`,
  };
};

/** Spaces transfer beyond the included allowance: prices.md §2, [D4] ($0.01 per GiB). */
const spaces: Pricer = (inputs, _provider, usage) => {
  const price = DO.objectStorage;
  const stored = Number(inputs.storageGb ?? 0);
  const extra = Math.max(0, stored - (price.includedGb ?? 0));
  const included = price.includedTransferGb ?? 0;
  const egress = usage ? Math.max(0, usage.transferGb - included) : 0;
  const transfer = usage
    ? `; ${usage.transferGb} GB transfer (cost.usage.transferGb), ${egress} beyond the ${included} GiB included at ${usd(price.perGbUsd ?? 0)}/GiB`
    : `; transfer beyond ${included} GiB not estimated`;
  return {
    monthlyUsd:
      (price.monthlyUsd ?? 0) + extra * (price.perGbMonthUsd ?? 0) + egress * (price.perGbUsd ?? 0),
    basis:
      `Spaces subscription ${usd(price.monthlyUsd ?? 0)} with ${price.includedGb} GiB` +
      (extra > 0 ? ` + ${extra} GiB at ${usd(price.perGbMonthUsd ?? 0)}` : "") +
      `, for ${stored} GB expected${transfer}`,
  };
};

const gatewayLoadBalancer: Pricer = (inputs) => {
  const units = Number(inputs.sizeUnits ?? 1);
  const each = DO.loadBalancerNode.monthlyUsd;
  return {
    monthlyUsd: units * each,
    basis: `gateway load balancer, ${units} size unit(s) at ${usd(each)}, created by the cloud controller from the gateway Service`,
  };
};

const loadBalancer: Pricer = (inputs) => {
  const units = Number(inputs.sizeUnit ?? 1);
  const each = DO.loadBalancerNode.monthlyUsd;
  return {
    monthlyUsd: units * each,
    basis: `load balancer, ${units} size unit(s) at ${usd(each)}`,
  };
};

const volume: Pricer = (inputs) => {
  const gb = Number(inputs.size ?? 0);
  return {
    monthlyUsd: gb * DO.volume.perGbMonthUsd,
    basis: `${gb} GiB block storage at ${usd(DO.volume.perGbMonthUsd)}/GiB`,
  };
};

/** The DigitalOcean layer's pricers, registered through its CloudLayer (components/digitalocean/index.ts). */
export const DIGITALOCEAN_PRICERS: Record<string, Pricer> = {
  "digitalocean:index/kubernetesCluster:KubernetesCluster": kubernetesCluster,
  "digitalocean:index/kubernetesNodePool:KubernetesNodePool": nodePool,
  "digitalocean:index/databaseCluster:DatabaseCluster": databaseCluster,
  "digitalocean:index/databaseReplica:DatabaseReplica": databaseReplica,
  "digitalocean:index/loadBalancer:LoadBalancer": loadBalancer,
  "digitalocean:index/volume:Volume": volume,
  "digitalocean:index/uptimeCheck:UptimeCheck": () => ({
    monthlyUsd: DO.uptimeCheck.monthlyUsd,
    basis: `uptime check at ${usd(DO.uptimeCheck.monthlyUsd)} (estimate)`,
  }),
  "digitalocean:index/cdn:Cdn": () => ({
    monthlyUsd: 0,
    basis: "Spaces CDN: included, its transfer counts against the Spaces allowance",
  }),
  "platform:digitalocean:GatewayLoadBalancer": gatewayLoadBalancer,
  "platform:digitalocean:Spaces": spaces,
};

/** Every class of the DigitalOcean layer makes one block storage volume of the claimed size. */
export const digitaloceanVolumeRate = flatVolumeRate(
  DO.volume.perGbMonthUsd,
  "block storage volume",
);

/** Types the DigitalOcean layer registers that the plan does not price, and why. */
export const DIGITALOCEAN_UNPRICED: Record<string, string> = {
  ...unpriced("free", [
    "digitalocean:index/databaseConnectionPool:DatabaseConnectionPool",
    "digitalocean:index/databaseDb:DatabaseDb",
    "digitalocean:index/databaseFirewall:DatabaseFirewall",
    "digitalocean:index/databasePostgresqlConfig:DatabasePostgresqlConfig",
    "digitalocean:index/databaseValkeyConfig:DatabaseValkeyConfig",
    "digitalocean:index/firewall:Firewall",
    "digitalocean:index/monitorAlert:MonitorAlert",
    "digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration",
    "digitalocean:index/tag:Tag",
    "digitalocean:index/uptimeAlert:UptimeAlert",
    "digitalocean:index/vpc:Vpc",
  ]),
  "digitalocean:index/spacesBucket:SpacesBucket": "priced once per stack on the Spaces component",
  "digitalocean:index/spacesKey:SpacesKey":
    "free; the subscription is priced on the Spaces component",
};

/** What the offline plan prices of the layer, for its CloudLayer. */
export const DIGITALOCEAN_PRICING: LayerPricing = {
  pricers: DIGITALOCEAN_PRICERS,
  unpriced: DIGITALOCEAN_UNPRICED,
  volumeRate: digitaloceanVolumeRate,
};
