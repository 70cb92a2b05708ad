import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CHARTS } from "./addons";
import { OidcIssuer, serviceAccountRole } from "./iam";
import { clusterAutoscalerPolicy, LOAD_BALANCER_CONTROLLER_POLICY } from "./iam-policies";

/** What the cluster's own controllers need to know of it. */
export interface KubeSystemArgs {
  /** Physical cluster name. @example "platform-production" */
  clusterName: string;
  /** The cluster's name as EKS reports it (the controllers wait for the cluster). */
  cluster: pulumi.Input<string>;
  region: string;
  vpcId: pulumi.Input<string>;
  oidc: OidcIssuer;
  /** Image tag of the Cluster Autoscaler, matching the Kubernetes minor version. */
  autoscalerImage: string;
  /** The nodes that run the controllers. */
  nodes: pulumi.Resource[];
}

/**
 * The cluster's own controllers, from pinned charts, once the nodes exist to run them: the AWS
 * Load Balancer Controller (the gateway's NLB), the Cluster Autoscaler (the pools' bounds) and
 * metrics-server (the HPAs' CPU), each with its IRSA role.
 */
export function kubeSystemControllers(
  name: string,
  args: KubeSystemArgs,
  parent: pulumi.CustomResourceOptions,
  provider: k8s.Provider,
): void {
  const inCluster = { ...parent, provider };
  const lbRole = serviceAccountRole(
    `${name}-lb-controller`,
    args.oidc,
    "kube-system:aws-load-balancer-controller",
    { statements: LOAD_BALANCER_CONTROLLER_POLICY },
    parent,
  );
  // The cluster's own controllers, from pinned charts, once the nodes exist to run them.
  const kubeSystemChart = (id: string, chart: keyof typeof CHARTS, values: object) => {
    const c = CHARTS[chart];
    return new k8s.helm.v3.Release(
      `${name}-${id}`,
      {
        chart: c.chart,
        version: c.version,
        repositoryOpts: { repo: c.repo },
        namespace: "kube-system",
        values,
      },
      { ...inCluster, dependsOn: args.nodes },
    );
  };
  kubeSystemChart("lb-controller", "loadBalancerController", {
    clusterName: args.cluster,
    // IMDS is one hop away from pods, so the controller is told where it runs.
    region: args.region,
    vpcId: args.vpcId,
    replicaCount: 2,
    serviceAccount: {
      create: true,
      name: "aws-load-balancer-controller",
      annotations: { "eks.amazonaws.com/role-arn": lbRole.arn },
    },
    // Only Services annotated for it get an NLB; no WAF, Shield or backend groups (see the policy).
    enableServiceMutatorWebhook: false,
    enableShield: false,
    enableWaf: false,
    enableWafv2: false,
    enableBackendSecurityGroup: false,
    resources: {
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { cpu: "500m", memory: "256Mi" },
    },
  });

  const autoscalerRole = serviceAccountRole(
    `${name}-autoscaler`,
    args.oidc,
    "kube-system:cluster-autoscaler",
    { statements: clusterAutoscalerPolicy(args.clusterName) },
    parent,
  );
  // Tiers document, Medium Production (auto-scaling min 3, max 10): node groups only bound the
  // size; the Cluster Autoscaler adds nodes when pods are pending and removes idle ones.
  kubeSystemChart("autoscaler", "clusterAutoscaler", {
    cloudProvider: "aws",
    awsRegion: args.region,
    autoDiscovery: { clusterName: args.cluster },
    image: { tag: args.autoscalerImage },
    rbac: {
      serviceAccount: {
        create: true,
        name: "cluster-autoscaler",
        annotations: { "eks.amazonaws.com/role-arn": autoscalerRole.arn },
      },
    },
    extraArgs: { "balance-similar-node-groups": true, expander: "least-waste" },
    resources: {
      requests: { cpu: "100m", memory: "300Mi" },
      limits: { cpu: "500m", memory: "600Mi" },
    },
  });

  // Scaling Strategy (HPA 3..50 at 70 % CPU): the autoscalers read pod CPU from the metrics API,
  // which EKS does not serve by itself. Two replicas, so scaling survives a node drain.
  kubeSystemChart("metrics-server", "metricsServer", {
    replicas: 2,
    podDisruptionBudget: { enabled: true, minAvailable: 1 },
    resources: {
      requests: { cpu: "100m", memory: "200Mi" },
      limits: { cpu: "500m", memory: "500Mi" },
    },
  });
}
