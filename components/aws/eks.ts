import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type { AccessGrant, NodePoolConfig, Role } from "../../config";
import { accessEntries } from "./access";
import { ROLE_LABEL } from "../k8s";
import { addonVersions } from "./addons";
import { gatewayAnnotations } from "./gateway-nlb";
import { managedPolicy, OidcIssuer, serviceAccountRole, serviceRole } from "./iam";
import { kubeconfig } from "./kubeconfig";
import { kubeSystemControllers } from "./kube-system";
import { logGroup } from "./log-groups";
import { nodeGroupPlans, NODE_POLICIES } from "./node-groups";
import { protectedKey } from "./kms";
import { COST_TAGS } from "../kit/cost-tags";

/** Every EKS control-plane log; self-hosted deployment §2.2 and §7.2 ask for audit trails. */
export const CONTROL_PLANE_LOGS = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
] as const;

/** The default storage class: encrypted gp3 volumes through the EBS CSI driver. */
export const STORAGE_CLASS = "gp3";

export interface EksClusterArgs {
  /** Physical cluster name; also names its log group. @example "platform-production" */
  clusterName: string;
  /** Kubernetes minor version. @example "1.33" */
  version: string;
  /** Region of the cluster, for the kubeconfig and the add-ons. @example "us-east-1" */
  region: string;
  vpcId: pulumi.Input<string>;
  /** Application subnets (nodes) and management subnets (the API's network interfaces). */
  subnetIds: { app: pulumi.Input<string>[]; management: pulumi.Input<string>[] };
  securityGroups: {
    app: pulumi.Input<string>;
    management: pulumi.Input<string>;
    dmz: pulumi.Input<string>;
  };
  /** Networks allowed to the public API endpoint; empty keeps the endpoint private. */
  adminCidrs: string[];
  /** Node pools per role. @example { app: { profile: "medium-app", min: 3, max: 10, desired: 3 } } */
  nodePools: Partial<Record<Role, NodePoolConfig>>;
  /** Days the control-plane logs are kept. @example 30 */
  logRetentionDays: number;
  /** Principals granted access beside the creator, each an access entry. @default [] */
  access?: AccessGrant[];
  /** Control-plane log volume a month, an assumption for the cost estimate. @default 20 */
  controlPlaneLogGbPerMonth?: number;
}

/**
 * An EKS cluster: private API endpoint (public only to adminCidrs), secrets encrypted with a KMS key,
 * every control-plane log, API access entries; a managed node group per role; the VPC CNI,
 * CoreDNS, kube-proxy and EBS CSI add-ons pinned; IRSA; the AWS Load Balancer Controller for the
 * gateway's NLB and the Cluster Autoscaler for the pools' bounds; gp3 as the default storage class.
 * Cost: the control plane, the nodes (catalog) and their root volumes, log ingestion, one KMS key.
 */
export class EksCluster extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;
  public readonly pools: Role[];
  public readonly storageClass = STORAGE_CLASS;
  public readonly oidc: OidcIssuer;
  public readonly clusterName: pulumi.Output<string>;
  public readonly gatewayServiceAnnotations: Record<string, pulumi.Input<string>>;
  /** The kubeconfig the provider uses (tokens from `aws eks get-token`); a secret. */
  public readonly kubeconfig: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:aws:EksCluster", name, args, opts);
    const parent = { parent: this };
    const versions = addonVersions(args.version);

    // Without it the cluster's Secrets cannot be decrypted: the cluster is lost.
    const secretsKey = protectedKey(
      `${name}-secrets-key`,
      `Envelope encryption of Kubernetes secrets in ${args.clusterName}`,
      parent,
    );
    // EKS creates this group with no expiry unless it exists first.
    const controlPlaneLogs = logGroup(
      `${name}-control-plane-logs`,
      {
        name: `/aws/eks/${args.clusterName}/cluster`,
        retentionDays: args.logRetentionDays,
        gbPerMonth: args.controlPlaneLogGbPerMonth ?? 20,
      },
      parent,
    );
    const controlPlaneRole = serviceRole(`${name}-control-plane`, "eks.amazonaws.com", parent);
    const controlPlanePolicy = new aws.iam.RolePolicyAttachment(
      `${name}-control-plane`,
      { role: controlPlaneRole.name, policyArn: managedPolicy("AmazonEKSClusterPolicy") },
      parent,
    );

    const publicCidrs = args.adminCidrs.filter((c) => !c.includes(":"));
    const cluster = new aws.eks.Cluster(
      `${name}-eks`,
      {
        name: args.clusterName,
        version: args.version,
        roleArn: controlPlaneRole.arn,
        vpcConfig: {
          subnetIds: args.subnetIds.management,
          securityGroupIds: [args.securityGroups.management],
          endpointPrivateAccess: true,
          // Tiers document, Security Infrastructure: admin access from VPN/jumpbox only. EKS opens a
          // public endpoint to 0.0.0.0/0 unless told otherwise, and takes IPv4 ranges only.
          endpointPublicAccess: publicCidrs.length > 0,
          publicAccessCidrs: publicCidrs.length > 0 ? publicCidrs : undefined,
        },
        encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
        enabledClusterLogTypes: [...CONTROL_PLANE_LOGS],
        // The creator's admin entry stays beside the grants (kubernetes.access): this program's own
        // provider deploys as the creator, and EKS reads the flag at creation only, so dropping it
        // would replace this protected cluster. The docs let the entry go by hand once others
        // exist: https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        // The add-ons below are EKS-managed and pinned, so EKS installs no unmanaged copies.
        bootstrapSelfManagedAddons: false,
        // Extended support costs six times the control plane (catalog controlPlaneExtendedSupport):
        // at the end of standard support EKS upgrades the cluster instead.
        upgradePolicy: { supportType: "STANDARD" },
        deletionProtection: true,
      },
      { ...parent, protect: true, dependsOn: [controlPlaneLogs, controlPlanePolicy] },
    );
    this.clusterName = cluster.name;
    accessEntries(name, args.clusterName, args.access ?? [], { ...parent, dependsOn: [cluster] });

    const issuer = cluster.identities.apply((ids) => ids?.[0]?.oidcs?.[0]?.issuer ?? "");
    const oidcProvider = new aws.iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: issuer, clientIdLists: ["sts.amazonaws.com"] },
      parent,
    );
    this.oidc = {
      arn: oidcProvider.arn,
      hostPath: issuer.apply((url) => url.replace(/^https:\/\//, "")),
    };

    const nodeRole = serviceRole(`${name}-node`, "ec2.amazonaws.com", parent);
    const nodePolicies = NODE_POLICIES.map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-node-${policy}`,
          { role: nodeRole.name, policyArn: managedPolicy(policy) },
          parent,
        ),
    );

    const addon = (
      addonName: Exclude<keyof typeof versions, "clusterAutoscalerImage">,
      extra: Partial<aws.eks.AddonArgs>,
      o: pulumi.CustomResourceOptions = {},
    ) =>
      new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: cluster.name,
          addonName,
          addonVersion: versions[addonName],
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
          ...extra,
        },
        { ...parent, ...o },
      );
    // Nodes turn Ready only once the CNI and kube-proxy run on them.
    // The platform's NetworkPolicies keep the data tier private; EKS enforces them only when the
    // CNI's network policy agent is on (policy aws-eks-require-network-policy).
    const nodeNetworking = [
      addon("vpc-cni", { configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) }),
      addon("kube-proxy", {}),
    ];

    const plans = nodeGroupPlans(args.nodePools);
    this.pools = plans.map((p) => p.role);
    const nodeGroups = plans.map((plan) => {
      const template = new aws.ec2.LaunchTemplate(
        `${name}-${plan.role}-nodes`,
        {
          description: `${plan.role} nodes of ${args.clusterName}`,
          updateDefaultVersion: true,
          blockDeviceMappings: [
            {
              deviceName: "/dev/xvda",
              ebs: {
                volumeSize: plan.rootVolumeGb,
                volumeType: "gp3",
                // Self-hosted deployment §2.2: data at rest is encrypted (the API types it a string).
                encrypted: "true",
                deleteOnTermination: "true",
              },
            },
          ],
          // IMDSv2 only, one hop: pods get AWS credentials through IRSA, never from the node.
          metadataOptions: {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
          },
          vpcSecurityGroupIds: [args.securityGroups.app],
          tagSpecifications: ["instance", "volume"].map((resourceType) => ({
            resourceType,
            tags: { Name: `${args.clusterName}-${plan.role}`, [ROLE_LABEL]: plan.role },
          })),
        },
        parent,
      );
      return new aws.eks.NodeGroup(
        `${name}-${plan.role}`,
        {
          clusterName: cluster.name,
          nodeRoleArn: nodeRole.arn,
          subnetIds: args.subnetIds.app,
          instanceTypes: [plan.instanceType],
          amiType: plan.amiType,
          capacityType: "ON_DEMAND",
          scalingConfig: {
            minSize: plan.minSize,
            maxSize: plan.maxSize,
            desiredSize: plan.desiredSize,
          },
          updateConfig: { maxUnavailable: 1 },
          labels: { [ROLE_LABEL]: plan.role },
          taints: plan.taints,
          launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
          tags: { [ROLE_LABEL]: plan.role, [COST_TAGS.rootVolumeGb]: String(plan.rootVolumeGb) },
        },
        {
          ...parent,
          dependsOn: [...nodePolicies, ...nodeNetworking],
          // The Cluster Autoscaler moves the desired size between the bounds.
          ignoreChanges: ["scalingConfig.desiredSize"],
        },
      );
    });

    addon("coredns", {}, { dependsOn: nodeGroups });
    const ebsCsiRole = serviceAccountRole(
      `${name}-ebs-csi`,
      this.oidc,
      "kube-system:ebs-csi-controller-sa",
      { managed: "service-role/AmazonEBSCSIDriverPolicy" },
      parent,
    );
    const ebsCsi = addon(
      "aws-ebs-csi-driver",
      { serviceAccountRoleArn: ebsCsiRole.arn },
      { dependsOn: nodeGroups },
    );

    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
        .apply(([clusterName, endpoint, ca]) =>
          kubeconfig(clusterName, endpoint, ca?.data ?? "", args.region),
        ),
    );
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: this.kubeconfig,
        // Server-side apply lets several field managers (operators, us) own parts of one object.
        enableServerSideApply: true,
      },
      { ...parent, dependsOn: nodeGroups },
    );
    const inCluster = { ...parent, provider: this.provider };

    new k8s.storage.v1.StorageClass(
      `${name}-gp3`,
      {
        metadata: {
          name: STORAGE_CLASS,
          annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
        // A deleted claim (or namespace, or uninstalled chart) leaves its volume behind, as on
        // DigitalOcean and Hetzner: data volumes go only by hand. A class's reclaimPolicy cannot
        // change in place, so Pulumi replaces this class; volumes made before keep their own.
        reclaimPolicy: "Retain",
        // A volume is created in the zone of the node its pod lands on.
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
      },
      { ...inCluster, dependsOn: [ebsCsi] },
    );

    kubeSystemControllers(
      name,
      {
        clusterName: args.clusterName,
        cluster: cluster.name,
        region: args.region,
        vpcId: args.vpcId,
        oidc: this.oidc,
        autoscalerImage: versions.clusterAutoscalerImage,
        nodes: nodeGroups,
      },
      parent,
      this.provider,
    );

    this.gatewayServiceAnnotations = gatewayAnnotations(args.securityGroups.dmz);
    this.registerOutputs({ clusterName: this.clusterName });
  }
}
