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
import { Network } from "./network";
import { physicalName } from "../kit/naming";
import { SSH_PORT } from "./firewalls";
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

/** Config key of the k3s kubeconfig: the Kubernetes provider's own key, set after the first `up`. */
export const KUBECONFIG_KEY = "kubernetes:kubeconfig";

/** The command that stores the k3s kubeconfig of the first server, its address filled in. */
export function kubeconfigCommand(serverIp: string): string {
  return (
    `ssh -p ${SSH_PORT} root@${serverIp} cat /etc/rancher/k3s/k3s.yaml | ` +
    `sed 's/127.0.0.1/${serverIp}/' | pulumi config set --secret ${KUBECONFIG_KEY}`
  );
}

/**
 * The first `pulumi up` of a stack has no kubeconfig: k3s writes it on the first server at boot.
 * Once every server exists the program stops with this, saying how to fetch it.
 */
export class KubeconfigMissingError extends pulumi.RunError {
  constructor(serverIp: string) {
    const ssh = `ssh -p ${SSH_PORT} root@${serverIp}`;
    super(
      `${KUBECONFIG_KEY} is not set. The servers are up and k3s is starting on ${serverIp}; ` +
        `when \`${ssh} cloud-init status --wait\` reports done, store the kubeconfig with\n` +
        `  ${kubeconfigCommand(serverIp)}\n` +
        "and run `pulumi up` again (docs/hetzner.md, First deployment).",
    );
    this.name = "KubeconfigMissingError";
  }
}

/**
 * The kubeconfig the providers use: the configured one, or (first deployment) an output that
 * fails with `KubeconfigMissingError` once everything in `ready` exists, so the machines are
 * built before the program stops and nothing in the cluster is attempted.
 */
export function kubeconfigOrStop(
  kubeconfig: pulumi.Input<string> | undefined,
  ready: pulumi.Input<unknown>[],
  serverIp: pulumi.Input<string>,
): pulumi.Output<string> {
  if (kubeconfig !== undefined) return pulumi.secret(kubeconfig);
  return pulumi.all([serverIp, ...ready]).apply(([ip]): string => {
    throw new KubeconfigMissingError(String(ip));
  });
}

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
  const kubeconfig = kubeconfigOrStop(
    args.kubeconfig,
    nodeGroups.flatMap((g) => [...g.servers, ...g.volumes].map((r) => r.id)),
    initServerIp,
  );
  const addons = new Addons("hetzner-addons", {
    kubeconfig,
    hcloudToken: args.hcloudToken,
    networkId: network.networkId,
    location: config.region,
  });

  return {
    provider: addons.provider,
    pools: roles,
    storageClass: STORAGE_CLASS,
    gatewayServiceAnnotations: loadBalancer.annotations,
    clientAddress: GATEWAY_CLIENT_ADDRESS,
    loadBalancers: true,
    access: {
      // Only set once the kubeconfig is configured: the first `up` stops before outputs.
      kubeconfig: args.kubeconfig === undefined ? undefined : pulumi.secret(args.kubeconfig),
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
