import { configProblem } from "../kit/problems";

/**
 * Pinned versions of the cluster's add-ons. EKS add-on versions are tied to the Kubernetes minor
 * (`aws eks describe-addon-versions --kubernetes-version <minor>` lists them); the pins below were
 * read for each minor this program supports. Bump them with the cluster: an unpinned add-on would
 * change under a running cluster on the next `pulumi up`.
 */
export interface AddonVersions {
  "kube-proxy": string;
  coredns: string;
  "vpc-cni": string;
  "aws-ebs-csi-driver": string;
  /** Image tag of the Cluster Autoscaler, whose minor must match the cluster's. */
  clusterAutoscalerImage: string;
}

// The VPC CNI and the EBS CSI driver support every minor listed here with one version.
const shared = { "vpc-cni": "v1.20.4-eksbuild.2", "aws-ebs-csi-driver": "v1.48.0-eksbuild.1" };

export const ADDON_VERSIONS: Record<string, AddonVersions> = {
  "1.33": {
    ...shared,
    "kube-proxy": "v1.33.0-eksbuild.2",
    coredns: "v1.12.1-eksbuild.2",
    clusterAutoscalerImage: "v1.33.6",
  },
  "1.34": {
    ...shared,
    "kube-proxy": "v1.34.0-eksbuild.2",
    coredns: "v1.12.3-eksbuild.1",
    clusterAutoscalerImage: "v1.34.5",
  },
};

/** Helm charts of the in-cluster AWS add-ons, pinned. */
export const CHARTS = {
  loadBalancerController: {
    chart: "aws-load-balancer-controller",
    version: "1.13.4",
    repo: "https://aws.github.io/eks-charts",
  },
  clusterAutoscaler: {
    chart: "cluster-autoscaler",
    version: "9.50.1",
    repo: "https://kubernetes.github.io/autoscaler",
  },
  /** Metrics Server 0.8.0: EKS ships none, and without it no HorizontalPodAutoscaler scales. */
  metricsServer: {
    chart: "metrics-server",
    version: "3.13.0",
    repo: "https://kubernetes-sigs.github.io/metrics-server/",
  },
} as const;

/** The pinned add-ons of a Kubernetes minor; a minor without pins is refused with the known ones. */
export function addonVersions(kubernetesVersion: string): AddonVersions {
  const versions = ADDON_VERSIONS[kubernetesVersion];
  if (!versions) {
    configProblem(
      ["kubernetes", "version"],
      `has no pinned EKS add-on versions for ${kubernetesVersion}; ` +
        `supported: ${Object.keys(ADDON_VERSIONS).join(", ")} (components/aws/addons.ts)`,
    );
  }
  return versions;
}
