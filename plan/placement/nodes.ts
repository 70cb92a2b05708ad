import { resolveProfile } from "../../catalog";
import type { MachineType } from "../../catalog";
import { ROLE_LABEL, TAINTED_ROLES } from "../../components/k8s/placement";
import { nodePoolSpecs } from "../../components/digitalocean/node-pools";
import { nodeLabels } from "../../components/hetzner/k3s-config";
import { nodePlan } from "../../components/hetzner/node-layout";
import { ROLES, type StackConfig } from "../../config";
import type { PodRequests } from "../workloads";

// The nodes a stack's pools start with, labelled and tainted as each cloud layer makes them.

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** A node the stack's pools start with. */
export interface PlannedNode {
  name: string;
  /** The node pool: a role, or Hetzner's dedicated `control-plane` servers. */
  pool: string;
  /** Machine type. @example "m7g.xlarge" */
  type: string;
  labels: Record<string, string>;
  taints: Taint[];
  allocatable: PodRequests;
}

export const HOSTNAME = "kubernetes.io/hostname";
export const ZONE = "topology.kubernetes.io/zone";
export const REGION = "topology.kubernetes.io/region";

/**
 * Allocatable is what the kubelet offers pods: the machine less what it keeps for itself and the
 * system daemons. An assumption of about 10 % of the CPU and 20 % of the memory, not a provider's
 * published figure; providers' own agents (CNI, kube-proxy, CSI node plugins they install) are
 * meant to fit in it.
 */
export const SYSTEM_RESERVED = { cpu: 0.1, memory: 0.2 };

export function allocatable(type: Pick<MachineType, "vcpu" | "memoryGb">): PodRequests {
  return {
    milliCpu: Math.round(type.vcpu * 1000 * (1 - SYSTEM_RESERVED.cpu)),
    memoryBytes: Math.round(type.memoryGb * 2 ** 30 * (1 - SYSTEM_RESERVED.memory)),
  };
}

export function standardLabels(name: string, type: MachineType, region: string) {
  return {
    [HOSTNAME]: name,
    "kubernetes.io/os": "linux",
    "kubernetes.io/arch": type.arch ?? "amd64",
    "node.kubernetes.io/instance-type": type.name,
    [REGION]: region,
  };
}

/** The taint that keeps other workloads off a role's pool (components/cluster.ts). */
export const roleTaints = (role: string): Taint[] =>
  (TAINTED_ROLES as readonly string[]).includes(role)
    ? [{ key: ROLE_LABEL, value: role, effect: "NoSchedule" }]
    : [];

/** "key=value:Effect" (k3s `node-taint`) as a taint. */
export function parseTaint(s: string): Taint {
  const [kv, effect] = s.split(":");
  const [key, value] = kv.split("=");
  return { key, ...(value !== undefined ? { value } : {}), effect };
}

/**
 * The nodes of a stack at the pools' minimum size, labelled and tainted as each cloud layer does;
 * null on an existing cluster, which is not ours to size.
 * - AWS (components/aws/eks.ts): a managed node group per pool, spread by EKS over the app subnets,
 *   so nodes take the zones round-robin (at least two zones, as components/aws/network.ts builds).
 * - DigitalOcean (components/digitalocean/node-pools.ts): the pools DOKS gets; its nodes carry a
 *   region and no zone label (digitalocean/digitalocean-cloud-controller-manager
 *   docs/controllers/node/labels.md).
 * - Hetzner (components/hetzner/node-layout.ts): the servers `nodePlan` builds, a fixed count with
 *   no autoscaler, the dedicated k3s servers included (tainted CriticalAddonsOnly=true:NoExecute).
 *   The hcloud cloud controller labels the zone with the server's datacenter (hcloud/instances.go,
 *   v1.28.0); all servers share the stack's location, so they share one zone.
 */
export function clusterNodes(config: StackConfig): PlannedNode[] | null {
  const nodes: PlannedNode[] = [];
  if (config.provider === "existing") return null;
  if (config.provider === "aws") {
    const zones = Array.from(
      { length: Math.max(2, config.network.zones) },
      (_, i) => `${config.region}${String.fromCharCode(97 + i)}`,
    );
    for (const role of ROLES) {
      const pool = config.nodePools[role];
      if (!pool) continue;
      const type = resolveProfile("aws", pool.profile).type;
      for (let i = 0; i < pool.min; i++) {
        const name = `${role}-${i + 1}`;
        nodes.push({
          name,
          pool: role,
          type: type.name,
          labels: {
            ...standardLabels(name, type, config.region),
            [ZONE]: zones[i % zones.length],
            [ROLE_LABEL]: role,
          },
          taints: roleTaints(role),
          allocatable: allocatable(type),
        });
      }
    }
  } else if (config.provider === "digitalocean") {
    for (const spec of nodePoolSpecs(config)) {
      const type = resolveProfile("digitalocean", config.nodePools[spec.role]!.profile).type;
      const count = spec.autoScale ? (spec.minNodes ?? spec.nodeCount) : spec.nodeCount;
      for (let i = 0; i < count; i++) {
        const name = `${spec.name}-${i + 1}`;
        nodes.push({
          name,
          pool: spec.role,
          type: type.name,
          labels: { ...standardLabels(name, type, config.region), ...spec.labels },
          taints: spec.taints.map((t) => ({ ...t })),
          allocatable: allocatable(type),
        });
      }
    }
  } else {
    for (const spec of nodePlan(config, "plan")) {
      const type = spec.resolved.type;
      const server = spec.k3s !== "agent";
      const labels: Record<string, string> = {
        ...standardLabels(spec.name, type, config.region),
        [ZONE]: config.region,
        ...Object.fromEntries(nodeLabels(spec.role, spec.k3s).map((l) => l.split("="))),
      };
      // k3s labels its servers with the control-plane roles (docs.k3s.io, "Node labels and taints").
      if (server)
        Object.assign(labels, {
          "node-role.kubernetes.io/control-plane": "true",
          "node-role.kubernetes.io/master": "true",
        });
      nodes.push({
        name: spec.name,
        pool: spec.group,
        type: type.name,
        labels,
        taints: spec.taints.map(parseTaint),
        allocatable: allocatable(type),
      });
    }
  }
  return nodes;
}
