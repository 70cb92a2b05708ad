import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { StackConfig } from "../../config";
import type { ClusterFacts } from "../contract";
import { defineCloudLayer, ipGatewayAddress } from "../kit/cloud-layer";

export interface ClusterArgs {
  /** kubeconfig context; the current context when empty. @example "kind-platform" */
  context: string;
}

/**
 * Any cluster reached through a kubeconfig (kind, minikube, k3d, a company cluster): no cloud
 * resources, only the provider the platform layer deploys with. Cost: nothing of ours.
 */
export class Cluster extends pulumi.ComponentResource implements ClusterFacts {
  public readonly provider: k8s.Provider;
  public readonly pools: ClusterFacts["pools"] = [];
  public readonly storageClass = "";
  /** The user's own kubeconfig file and context: the stack reports the context, never the file. */
  public readonly access: ClusterFacts["access"];

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:existing:Cluster", name, args, opts);
    this.provider = new k8s.Provider(
      `${name}-provider`,
      // Server-side apply lets several field managers (operators, us) own parts of one object.
      { context: args.context || undefined, enableServerSideApply: true },
      { parent: this },
    );
    this.access = { context: args.context || undefined };
    this.registerOutputs({});
  }
}

export function existingCluster(config: StackConfig): Cluster {
  return new Cluster("cluster", { context: config.kubernetes.context });
}

/**
 * An existing cluster as the program and the offline plan see it: nothing of ours to price (its
 * volumes are the cluster owner's), no cloud types to mock, and the generic Kubernetes policies.
 */
export const existingLayer = defineCloudLayer("existing", existingCluster, {
  pricing: {
    pricers: {},
    unpriced: {},
    volumeRate: () => ({ free: "on the existing cluster, not billed to this stack" }),
  },
  mocks: { outputs: () => undefined, gatewayAddress: ipGatewayAddress },
  policies: "kubernetes",
});
