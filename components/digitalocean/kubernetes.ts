import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import * as k8s from "@pulumi/kubernetes";
import { doksVersion } from "./doks";
import { gatewayAnnotations } from "./load-balancer";
import { CLUSTER_MAINTENANCE } from "./maintenance-windows";
import { PoolSpec } from "./node-pools";
import { configProblem } from "../kit/problems";

export interface GatewayLoadBalancerArgs {
  /** Name of the load balancer in DigitalOcean. @example "platform-staging-gateway" */
  name: string;
  /** Load balancer size units. @default 1 (staging), 2 (production) */
  sizeUnits: number;
}

/**
 * The gateway's load balancer. DigitalOcean's cloud controller creates it from the gateway's
 * LoadBalancer Service (platform layer), configured by `annotations`; this component records
 * it so the plan prices it (its size units) and readers find it. Cost: $12 a size unit.
 */
export class GatewayLoadBalancer extends pulumi.ComponentResource {
  public readonly annotations: Record<string, string>;

  constructor(name: string, args: GatewayLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:digitalocean:GatewayLoadBalancer", name, args, opts);
    this.annotations = gatewayAnnotations(args.name, args.sizeUnits);
    this.registerOutputs({ annotations: this.annotations });
  }
}

export interface KubernetesArgs {
  /** Physical name prefix. @example "platform-staging" */
  prefix: string;
  /** DigitalOcean region. @example "nyc3" */
  region: string;
  /** Kubernetes minor version; the newest DOKS patch of it is used. @example "1.33" */
  version: string;
  /** The stack's VPC (Network component). */
  vpcId: pulumi.Input<string>;
  /** Tag every node carries (firewall and node alerts). */
  nodeTag: pulumi.Input<string>;
  /** Node pools, the app pool first: it is the cluster's default pool. */
  pools: PoolSpec[];
  /** Highly available control plane. @default true */
  ha: boolean;
  /** Networks the Kubernetes API accepts; open to any holder of a token when empty. */
  adminCidrs: string[];
  /** Size units of the gateway's load balancer. @example 2 */
  gatewaySizeUnits: number;
}

function poolArgs(spec: PoolSpec, nodeTag: pulumi.Input<string>) {
  return {
    name: spec.name,
    size: spec.size,
    // With the autoscaler on, a node count would reset its choice on every update.
    nodeCount: spec.autoScale ? undefined : spec.nodeCount,
    autoScale: spec.autoScale,
    minNodes: spec.minNodes,
    maxNodes: spec.maxNodes,
    labels: spec.labels,
    taints: spec.taints,
    tags: [nodeTag],
  };
}

/**
 * DOKS in the stack's VPC: the app pool as the default pool, one more pool per role, patch
 * upgrades in a weekly window with surge nodes, and a Kubernetes provider for the platform layer.
 * Cost: the nodes at Droplet prices, $40 for the HA control plane, the gateway load balancer.
 */
export class Kubernetes extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;
  public readonly clusterId: pulumi.Output<string>;
  public readonly gatewayServiceAnnotations: Record<string, string>;
  /** The cluster's kubeconfig as DigitalOcean issues it (a secret; its token lasts 7 days). */
  public readonly kubeconfig: pulumi.Output<string>;
  /** The cluster's name, for `doctl kubernetes cluster kubeconfig save`. */
  public readonly clusterName: pulumi.Output<string>;

  constructor(name: string, args: KubernetesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:digitalocean:Kubernetes", name, args, opts);
    const parent = { parent: this };
    const [defaultPool, ...extraPools] = args.pools;
    if (!defaultPool || defaultPool.role !== "app")
      configProblem(
        ["nodePools", "app"],
        "is required on digitalocean and comes first: DOKS makes it the cluster's default pool",
      );

    const versions = digitalocean.getKubernetesVersionsOutput(
      { versionPrefix: `${args.version}.` },
      parent,
    );
    const cluster = new digitalocean.KubernetesCluster(
      `${name}-cluster`,
      {
        name: args.prefix,
        region: args.region,
        version: versions.apply((v) => doksVersion(args.version, v)),
        vpcUuid: args.vpcId,
        nodePool: poolArgs(defaultPool, args.nodeTag),
        ha: args.ha,
        // Self-hosted §8: patch releases applied weekly, nodes replaced by surge without downtime.
        autoUpgrade: true,
        surgeUpgrade: true,
        maintenancePolicy: { ...CLUSTER_MAINTENANCE },
        registryIntegration: false,
        // Volumes and load balancers the cluster created outlive it: data is never deleted with it.
        destroyAllAssociatedResources: false,
        // The API is an admin endpoint: only the admin networks reach it, when any are listed.
        controlPlaneFirewall:
          args.adminCidrs.length > 0
            ? { enabled: true, allowedAddresses: args.adminCidrs }
            : undefined,
      },
      // Everything in it (Secrets, the operators' state, the volumes' claims) goes with it.
      { ...parent, protect: true },
    );

    const pools = extraPools.map(
      (spec) =>
        new digitalocean.KubernetesNodePool(
          `${name}-pool-${spec.role}`,
          { clusterId: cluster.id, ...poolArgs(spec, args.nodeTag) },
          parent,
        ),
    );

    // The cluster's own kubeconfig carries a token that expires after 7 days; looking it up on
    // every run hands the provider fresh credentials. The offline plan's lookup echoes its inputs,
    // so there the provider gets no kubeconfig (nothing connects).
    const live = digitalocean.getKubernetesClusterOutput(
      { name: cluster.name },
      { parent: this, dependsOn: [cluster, ...pools] },
    );
    const kubeconfig = pulumi.secret(live.apply((c) => c?.kubeConfigs?.[0]?.rawConfig ?? ""));
    this.provider = new k8s.Provider(
      `${name}-provider`,
      // Server-side apply lets several field managers (operators, us) own parts of one object.
      { kubeconfig, enableServerSideApply: true },
      parent,
    );

    const lb = new GatewayLoadBalancer(
      `${name}-gateway-lb`,
      { name: `${args.prefix}-gateway`, sizeUnits: args.gatewaySizeUnits },
      parent,
    );

    this.clusterId = cluster.id;
    this.clusterName = cluster.name;
    this.kubeconfig = kubeconfig;
    this.gatewayServiceAnnotations = lb.annotations;
    this.registerOutputs({ clusterId: this.clusterId });
  }
}
