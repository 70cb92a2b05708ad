import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config";
import type { ClusterFacts } from "../contract";
import {
  Addons,
  GatewayLoadBalancer,
  ObjectStorage,
  STORAGE_CLASS,
  type ObjectStorageArgs,
} from "./addons";
import { K3s, NodeGroup } from "./nodes";
import { autoscaledPools, ClusterAutoscaler } from "./autoscaler";
import { SystemUpgrades } from "./upgrades";
import { Reboots } from "./reboots";
import { Network } from "./network";
import { physicalName } from "../kit/naming";
import { KubeconfigFetch, kubeconfigCommand, kubeconfigOrStop } from "./kubeconfig";
import { k3sRelease } from "./k3s";
import { GATEWAY_CLIENT_ADDRESS, loadBalancerType } from "./load-balancer";
import { LABELS, HETZNER_NAME_HASH_LENGTH, nodePlan, poolRoles } from "./node-layout";
import { loadBalancerIp, subnetPlan, type NodeGroup as Group } from "./subnets";
import { defineCloudLayer } from "../kit/cloud-layer";
import { HETZNER_MOCKS } from "../../plan/mock-outputs/hetzner";
import { HETZNER_PRICING } from "../../plan/pricers/hetzner";

export * from "./subnets";
export * from "./k3s";
export * from "./node-layout";
export * from "./load-balancer";
export * from "./firewalls";
export * from "./kubeconfig";
export * from "./autoscaler";
export * from "./upgrades";
export * from "./reboots";
export { VOLUME_MAX_GB, VOLUME_MIN_GB } from "./data-volume";
export { cloudInit, bootstrapScript } from "./cloud-init";
export { k3sConfig } from "./k3s-config";
export { DATA_DIR } from "./data-volume";
export {
  CCM_CHART,
  CSI_CHART,
  HETZNER_CHARTS,
  STORAGE_CLASS,
  NETWORK_STORAGE_CLASS,
} from "./addons";

export interface HetznerClusterArgs {
  /** The validated stack config. */
  config: StackConfig;
  /** Physical name prefix and `platform/cluster` label. @example "platform-production-hetzner" */
  prefix: string;
  /** Hetzner Cloud API token for the cloud controller and CSI driver (`hcloud:token`, secret). */
  hcloudToken: pulumi.Input<string>;
  /** Admin OpenSSH public key for root (`platform:sshPublicKey`); no SSH key when absent. */
  sshPublicKey?: string;
  /** The k3s kubeconfig (`kubernetes:kubeconfig`, secret); absent on the first deployment. */
  kubeconfig?: pulumi.Input<string>;
  /**
   * The admin key's private half (`platform:sshPrivateKey`, secret): without a kubeconfig, the
   * layer fetches it over SSH in the same run. Absent: the documented stop (KubeconfigMissingError).
   */
  sshPrivateKey?: pulumi.Input<string>;
  /** The off-site backup target in Hetzner Object Storage, recorded and priced when set. */
  offsite?: ObjectStorageArgs;
}

/**
 * The Hetzner Cloud layer: the private network and firewalls, k3s on hcloud servers (three
 * dedicated servers in production, a pool per role), the gateway's load balancer, and the hcloud
 * cloud controller and CSI driver in the cluster. Hetzner sells no managed Kubernetes, database or
 * cache, so the platform layer self-hosts them all. Each part is a top-level component so the
 * plan reports its cost apart.
 */
export function buildHetznerCluster(args: HetznerClusterArgs): ClusterFacts {
  const { config, prefix } = args;
  // What Hetzner Cloud cannot build was refused by the config gate (config/providers.ts).
  const plan = subnetPlan(config.network.cidr);
  const nodes = nodePlan(config, prefix);
  const roles = poolRoles(config);
  const gatewayPool = roles.includes("gateway");
  const initServer = nodes.find((n) => n.k3s === "init")!;

  const network = new Network("hetzner-network", {
    prefix,
    cidr: config.network.cidr,
    adminCidrs: config.adminCidrs,
    gatewayPool,
  });
  const k3s = new K3s("hetzner-k3s", { prefix, sshPublicKey: args.sshPublicKey });

  const groups = new Map<Group, typeof nodes>();
  for (const node of nodes) groups.set(node.group, [...(groups.get(node.group) ?? []), node]);
  const nodeGroups = [...groups].map(
    ([group, members]) =>
      new NodeGroup(
        `hetzner-${group}`,
        {
          prefix,
          location: config.region,
          group,
          nodes: members,
          subnetId: network.subnetIds[members[0].tier],
          sshKeyIds: k3s.sshKeyIds,
          k3sVersion: k3sRelease(config.kubernetes.version),
          initServerIp: initServer.privateIp,
          serverToken: k3s.serverToken,
          agentToken: k3s.agentToken,
          adminCidrs: config.adminCidrs,
          nodesCidr: plan.nodes,
        },
        // No server boots before the firewalls that cover it exist.
        { dependsOn: network.firewalls },
      ),
  );

  const targets = gatewayPool
    ? config.nodePools.gateway!.desired
    : nodes.filter((n) => n.role !== undefined).length;
  const loadBalancer = new GatewayLoadBalancer("hetzner-gateway-lb", {
    name: `${prefix}-gateway`,
    type: loadBalancerType(targets),
    location: config.region,
    privateIp: loadBalancerIp(plan),
    nodeSelector: gatewayPool ? `${LABELS.role}=gateway` : undefined,
  });

  if (args.offsite) new ObjectStorage("hetzner-offsite", args.offsite);

  const initGroup = nodeGroups[[...groups.keys()].indexOf(initServer.group)];
  const initServerIp = initGroup.servers[initServer.index - 1].ipv4Address;
  const initServerId = initGroup.servers[initServer.index - 1].id;
  const fetched =
    args.kubeconfig === undefined && args.sshPrivateKey !== undefined
      ? new KubeconfigFetch("hetzner-kubeconfig", {
          serverIp: initServerIp,
          serverId: initServerId,
          privateKey: args.sshPrivateKey,
        }).kubeconfig
      : undefined;
  const kubeconfig = kubeconfigOrStop(
    args.kubeconfig ?? fetched,
    nodeGroups.flatMap((g) => [...g.servers, ...g.volumes].map((r) => r.id)),
    initServerIp,
  );
  const addons = new Addons("hetzner-addons", {
    kubeconfig,
    hcloudToken: args.hcloudToken,
    networkId: network.networkId,
    location: config.region,
  });

  // Day two: k3s upgrades through the system upgrade controller, kernel reboots through kured.
  const upgrades = new SystemUpgrades("hetzner-upgrades", {
    k3sVersion: k3sRelease(config.kubernetes.version),
    provider: addons.provider,
  });
  new Reboots("hetzner-reboots", { namespace: upgrades.namespace, provider: addons.provider });
  const scaled = autoscaledPools(config, prefix);
  if (scaled.length > 0)
    new ClusterAutoscaler("hetzner-autoscaler", {
      config,
      prefix,
      pools: scaled,
      join: {
        k3sVersion: k3sRelease(config.kubernetes.version),
        initServerIp: initServer.privateIp,
        serverToken: k3s.serverToken,
        agentToken: k3s.agentToken,
        adminCidrs: config.adminCidrs,
        nodesCidr: plan.nodes,
      },
      hcloudToken: args.hcloudToken,
      networkId: network.networkId,
      firewallName: `${prefix}-nodes`,
      sshKeyName: args.sshPublicKey ? `${prefix}-admin` : undefined,
      provider: addons.provider,
      // The firewall and key exist by name before the first server the autoscaler makes.
      dependsOn: [...network.firewalls, k3s],
    });

  return {
    provider: addons.provider,
    pools: roles,
    storageClass: STORAGE_CLASS,
    gatewayServiceAnnotations: loadBalancer.annotations,
    clientAddress: GATEWAY_CLIENT_ADDRESS,
    loadBalancers: true,
    access: {
      // Unset only on the documented stop, which ends the run before any output.
      kubeconfig: args.kubeconfig === undefined && fetched === undefined ? undefined : kubeconfig,
      command: initServerIp.apply(kubeconfigCommand),
    },
  };
}

/** The Hetzner layer of a stack, its secrets and keys read from the stack's config. */
export function hetznerCluster(config: StackConfig): ClusterFacts {
  return buildHetznerCluster({
    config,
    prefix: physicalName([pulumi.getProject(), pulumi.getStack()], 40, HETZNER_NAME_HASH_LENGTH),
    hcloudToken: new pulumi.Config("hcloud").requireSecret("token"),
    sshPublicKey: config.sshPublicKey || undefined,
    kubeconfig: new pulumi.Config("kubernetes").getSecret("kubeconfig"),
    sshPrivateKey: new pulumi.Config("platform").getSecret("sshPrivateKey"),
    // The backup bucket holds at most what object storage holds: the estimate's upper bound.
    offsite: config.backups.offsite && {
      endpoint: config.backups.offsite.endpoint,
      bucket: config.backups.offsite.bucket,
      region: config.backups.offsite.region,
      expectedGb: config.objectStorage.storageGb,
    },
  });
}

/** The Hetzner layer as the program and the offline plan see it (components/kit/cloud-layer.ts). */
export const hetznerLayer = defineCloudLayer("hetzner", hetznerCluster, {
  package: "hcloud",
  pricing: HETZNER_PRICING,
  mocks: HETZNER_MOCKS,
});
