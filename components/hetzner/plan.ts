import { PROFILES, resolveProfile } from "../../catalog";
import type { Profile, Resolved } from "../../catalog";
import { ROLES, type Role, type StackConfig } from "../../config";
import { type ClientAddressDelivery } from "../contract";
import { TAINTED_ROLES } from "../k8s";
import { ipv4Address, ipv4Network } from "../kit/cidr";
import { physicalName } from "../kit/naming";
import { configProblem } from "../kit/problems";

/** Hetzner names end a cut name with 6 hex digits of its hash (2 fewer than the kit's default). */
export const HETZNER_NAME_HASH_LENGTH = 6;

// Pure planning for the Hetzner layer: addresses, machines, firewall rules and versions are worked
// out here from the stack config, so that every rule can be tested without the Pulumi runtime.

/** Hetzner Cloud's EU locations (prices.md §3 prices them) and the network zone they share. */
export const LOCATIONS = ["fsn1", "nbg1", "hel1"] as const;
export const NETWORK_ZONE = "eu-central";

/** Self-hosted §2.1: "change port from default 22"; the document's example moves it to 2222. */
export const SSH_PORT = 2222;
export const KUBERNETES_API_PORT = 6443;

/** k3s's own pod and service ranges, which the private network must not overlap. */
export const K3S_POD_CIDR = "10.42.0.0/16";
export const K3S_SERVICE_CIDR = "10.43.0.0/16";

/** hcloud volumes are 10 GB to 10 TB each. */
export const VOLUME_MIN_GB = 10;
export const VOLUME_MAX_GB = 10240;

/** A spread placement group holds at most 10 servers, each on different physical hardware. */
export const PLACEMENT_GROUP_SIZE = 10;

/** Labels the layer sets on servers (hcloud) and nodes (Kubernetes). */
export const LABELS = {
  role: "platform/role",
  cluster: "platform/cluster",
  tier: "platform/tier",
  controlPlane: "platform/control-plane",
} as const;

/**
 * k3s release per Kubernetes minor, pinned (config.kubernetes.version names the minor). The
 * install script of the same tag verifies the binary against the release's checksums.
 */
export const K3S_RELEASES: Readonly<Record<string, string>> = {
  "1.32": "v1.32.10+k3s1",
  "1.33": "v1.33.7+k3s1",
  "1.34": "v1.34.2+k3s1",
  "1.35": "v1.35.4+k3s1",
};

/** The pinned k3s release of a Kubernetes minor version. */
export function k3sRelease(minor: string): string {
  const release = K3S_RELEASES[minor];
  if (!release)
    configProblem(
      ["kubernetes", "version"],
      `must have a pinned k3s release (Kubernetes ${minor} has none); supported: ${Object.keys(K3S_RELEASES).join(", ")}`,
    );
  return release;
}

/**
 * The k3s servers when they get machines of their own. k3s's sizing guide asks 2 vCPU / 4 GB of
 * a server with embedded etcd for a cluster of up to 10 agents.
 */
export const CONTROL_PLANE_PROFILE: Profile = {
  vcpu: 2,
  memoryGb: 4,
  diskGb: 0,
  doc: "k3s documentation, server sizing with embedded etcd (up to 10 agents)",
};

// --- Addresses ---------------------------------------------------------------------------------

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

// --- Machines ------------------------------------------------------------------------------------

/** How a server takes part in k3s: the first server, a joining server, or an agent. */
export type K3sMode = "init" | "server" | "agent";

export interface NodeSpec {
  /** Server name, hostname and Kubernetes node name. @example "platform-prod-db-1" */
  name: string;
  group: NodeGroup;
  /** The `platform/role` of a pool's node; undefined on a dedicated k3s server. */
  role?: Role;
  /** 1-based position in its group. */
  index: number;
  /** The cheapest x86 server type meeting the group's profile, with the volume for the rest. */
  resolved: Resolved;
  privateIp: string;
  tier: NetworkTier;
  k3s: K3sMode;
  /** Runs the k3s datastore or keeps data: delete protection, backups and `protect`. */
  stateful: boolean;
  /** k3s `node-taint` values. */
  taints: string[];
  /** Which of the group's spread placement groups (0-based) the server joins. */
  placementGroup: number;
}

/** Roles whose pool keeps data on the node (self-hosted §1.1's database, storage, monitoring). */
export const STATEFUL_ROLES: readonly Role[] = ["db", "storage", "monitoring"];

/**
 * Dedicated k3s servers keep workloads off with k3s's documented taint; the cloud controller,
 * CoreDNS and metrics-server tolerate it.
 */
export const CONTROL_PLANE_TAINT = "CriticalAddonsOnly=true:NoExecute";

/**
 * Server types are x86 (amd64): the product's own images come from the stack config and may be
 * built for amd64 only, and the catalog has no ARM type cheaper than the x86 choice for any
 * documented profile (a test keeps that true).
 */
export function resolveNode(profile: keyof typeof PROFILES | Profile): Resolved {
  return resolveProfile("hetzner", profile, { arch: "amd64" });
}

/** Roles with a pool of at least one server, in the documents' tier order. */
export function poolRoles(config: StackConfig): Role[] {
  return ROLES.filter((role) => (config.nodePools[role]?.desired ?? 0) > 0);
}

/**
 * Where the k3s control plane runs. One server in all: that server. Production: three dedicated
 * servers (an etcd quorum survives one loss) rather than three of the documented nodes, so that
 * the DMZ node never holds the cluster's datastore and secrets, Prometheus' and Postgres' disk
 * load never delays etcd, and a role's node can be rebuilt without touching the quorum; they add
 * three of the cheapest type. Other multi-node stacks: one dedicated server. The count is
 * `kubernetes.controlPlaneServers` (config/presets.ts: 3 in production, 1 otherwise).
 */
export function controlPlaneServers(config: StackConfig): number {
  const workers = poolRoles(config).reduce((n, r) => n + config.nodePools[r]!.desired, 0);
  if (workers <= 1) return 0;
  return config.kubernetes.controlPlaneServers;
}

/** Every server of the stack: dedicated k3s servers first, then each role's pool. */
export function nodePlan(config: StackConfig, prefix: string): NodeSpec[] {
  const plan = subnetPlan(config.network.cidr);
  const dedicated = controlPlaneServers(config);
  const nodes: NodeSpec[] = [];
  const spec = (group: NodeGroup, index: number, resolved: Resolved) => ({
    name: physicalName([prefix, group, String(index)], 63, HETZNER_NAME_HASH_LENGTH),
    group,
    index,
    resolved,
    privateIp: privateIp(plan, group, index),
    tier: SLOTS[group].tier,
    placementGroup: Math.floor((index - 1) / PLACEMENT_GROUP_SIZE),
  });
  const controlPlane = resolveNode(CONTROL_PLANE_PROFILE);
  for (let i = 1; i <= dedicated; i++) {
    nodes.push({
      ...spec("control-plane", i, controlPlane),
      k3s: i === 1 ? "init" : "server",
      stateful: true,
      taints: [CONTROL_PLANE_TAINT],
    });
  }
  for (const role of poolRoles(config)) {
    const pool = config.nodePools[role]!;
    const resolved = resolveNode(pool.profile);
    for (let i = 1; i <= pool.desired; i++) {
      const single = dedicated === 0;
      nodes.push({
        ...spec(role, i, resolved),
        role,
        // With no dedicated servers the only server runs k3s and, with it, every workload.
        k3s: single ? "init" : "agent",
        stateful: single || STATEFUL_ROLES.includes(role),
        taints: TAINTED_ROLES.includes(role) ? [`${LABELS.role}=${role}:NoSchedule`] : [],
      });
    }
  }
  return nodes;
}

/** Hetzner load balancer types by the most targets each takes. */
export const LOAD_BALANCER_TYPES = [
  { type: "lb11", maxTargets: 25 },
  { type: "lb21", maxTargets: 75 },
  { type: "lb31", maxTargets: 150 },
] as const;

/** The smallest load balancer type that takes `targets` servers. */
export function loadBalancerType(targets: number): string {
  const fit = LOAD_BALANCER_TYPES.find((t) => targets <= t.maxTargets);
  if (!fit) throw new Error(`${targets} load balancer targets exceed lb31's 150`);
  return fit.type;
}

/** Annotation prefix the hcloud cloud controller reads on LoadBalancer Services. */
const LB = "load-balancer.hetzner.cloud";

export interface GatewayLoadBalancerSpec {
  /** Name of the load balancer in Hetzner Cloud. @example "platform-prod-gateway" */
  name: string;
  /** Load balancer type. @example "lb11" */
  type: string;
  location: string;
  /** Its address in the DMZ subnet. @example "10.0.0.5" */
  privateIp: string;
  /** Label selector of the nodes it sends to; every node when absent. @example "platform/role=gateway" */
  nodeSelector?: string;
}

/**
 * How the load balancer hands the gateway the client's address: PROXY protocol, Hetzner's only
 * way, since the load balancer opens its own connection to the node. The header is required:
 * hcloud-cloud-controller-manager v1.28 reports the load balancer's addresses with `ipMode: Proxy`
 * when PROXY protocol is on (hcloud/load_balancers.go), so kube-proxy (k3s 1.32 and later)
 * sends in-cluster clients of those addresses through the load balancer instead of straight to
 * Envoy, and every connection carries the header.
 */
export const GATEWAY_CLIENT_ADDRESS: ClientAddressDelivery = { via: "proxy-protocol" };

/**
 * Annotations of the gateway's LoadBalancer Service, from which the cloud controller makes the
 * load balancer (the cloud layer creates no hcloud.LoadBalancer itself, so the two never fight
 * over it). Least connections, as self-hosted §6.1's nginx upstream (least_conn). TCP passes TLS
 * through to the gateway, whose certificates, TLS 1.2+ policy and HSTS
 * apply (self-hosted §2.1); port 80 stays plain for the ACME HTTP-01 challenge and the gateway's
 * own redirect. PROXY protocol follows GATEWAY_CLIENT_ADDRESS, as the gateway's listener does.
 * The load balancer
 * reaches the nodes over the private network, so no NodePort is ever public, and health checks
 * use the port the controller picks (the kube-proxy health port of an
 * `externalTrafficPolicy: Local` Service).
 */
export function gatewayAnnotations(
  spec: GatewayLoadBalancerSpec,
  clientAddress: ClientAddressDelivery = GATEWAY_CLIENT_ADDRESS,
): Record<string, string> {
  return {
    [`${LB}/name`]: spec.name,
    [`${LB}/type`]: spec.type,
    [`${LB}/location`]: spec.location,
    [`${LB}/protocol`]: "tcp",
    [`${LB}/uses-proxyprotocol`]: String(clientAddress.via === "proxy-protocol"),
    [`${LB}/algorithm-type`]: "least_connections",
    [`${LB}/use-private-ip`]: "true",
    [`${LB}/private-ipv4`]: spec.privateIp,
    [`${LB}/disable-private-ingress`]: "true",
    [`${LB}/health-check-interval`]: "10s",
    [`${LB}/health-check-timeout`]: "5s",
    [`${LB}/health-check-retries`]: "3",
    ...(spec.nodeSelector ? { [`${LB}/node-selector`]: spec.nodeSelector } : {}),
  };
}

// --- Firewalls -----------------------------------------------------------------------------------

export interface FirewallRuleSpec {
  protocol: "tcp" | "udp" | "icmp";
  /** Port or range; absent for ICMP. */
  port?: string;
  sourceIps: string[];
  description: string;
}

export interface FirewallSpec {
  /** Short name: `nodes`, `web`, `api`. */
  key: string;
  /** Hetzner label selector of the servers it applies to. */
  selector: string;
  rules: FirewallRuleSpec[];
}

const INTERNET = ["0.0.0.0/0", "::/0"];

/**
 * Self-hosted §2.1 as hcloud firewalls, which deny every inbound packet no rule admits. SSH on
 * 2222 from the admin networks only (no rule at all without any), 80 and 443 only on the gateway
 * role, the Kubernetes API from the admin networks and the private network, ICMP for path-MTU
 * discovery. Everything else (etcd, kubelet, flannel, NodePorts, data ports) stays inside the
 * private network: hcloud firewalls filter public interfaces only and never private traffic.
 */
export function firewallPlan(args: {
  cluster: string;
  adminCidrs: readonly string[];
  networkCidr: string;
  gatewayPool: boolean;
}): FirewallSpec[] {
  const cluster = `${LABELS.cluster}=${args.cluster}`;
  const admin = [...args.adminCidrs];
  const nodes: FirewallSpec = {
    key: "nodes",
    selector: cluster,
    rules: [
      { protocol: "icmp", sourceIps: INTERNET, description: "ICMP (path MTU discovery, ping)" },
      ...(admin.length > 0
        ? [
            {
              protocol: "tcp" as const,
              port: String(SSH_PORT),
              sourceIps: admin,
              description: "SSH from the admin networks",
            },
          ]
        : []),
    ],
  };
  const web: FirewallSpec = {
    key: "web",
    selector: `${cluster},${LABELS.role}=gateway`,
    rules: ["80", "443"].map((port) => ({
      protocol: "tcp" as const,
      port,
      sourceIps: INTERNET,
      description: `HTTP${port === "443" ? "S" : ""} to the DMZ`,
    })),
  };
  const api: FirewallSpec = {
    key: "api",
    selector: `${cluster},${LABELS.controlPlane}=true`,
    rules: [
      {
        protocol: "tcp",
        port: String(KUBERNETES_API_PORT),
        sourceIps: [...admin, args.networkCidr],
        description: "Kubernetes API from the admin networks and the private network",
      },
    ],
  };
  return args.gatewayPool ? [nodes, web, api] : [nodes, api];
}
