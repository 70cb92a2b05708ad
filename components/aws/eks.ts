import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { resolveProfile } from "../../catalog";
import type { NodePoolConfig, Role } from "../../config";
import { ROLE_LABEL, TAINTED_ROLES, type ClientAddressDelivery } from "../cluster";
import { addonVersions, CHARTS } from "./addons";
import { assumeRolePolicy, irsaRole, managedPolicy, OidcIssuer, policyJson } from "./iam";
import { clusterAutoscalerPolicy, LOAD_BALANCER_CONTROLLER_POLICY } from "./iam-policies";
import { logRetentionDays } from "./naming";

/** Every EKS control-plane log; self-hosted deployment §2.2 and §7.2 ask for audit trails. */
export const CONTROL_PLANE_LOGS = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
] as const;

/** Smallest node root volume: the EKS AMI, container images and logs need room (EKS default 20 GB). */
export const MIN_ROOT_VOLUME_GB = 50;

/** Node IAM role policies: kubelet, VPC CNI, image pulls from ECR and SSM access (there is no SSH). */
export const NODE_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryReadOnly",
  "AmazonSSMManagedInstanceCore",
] as const;

/** The default storage class: encrypted gp3 volumes through the EBS CSI driver. */
export const STORAGE_CLASS = "gp3";

/** How a node pool of the config becomes an EKS managed node group. */
export interface NodeGroupPlan {
  role: Role;
  instanceType: string;
  amiType: string;
  rootVolumeGb: number;
  minSize: number;
  maxSize: number;
  desiredSize: number;
  taints: { key: string; value: string; effect: "NO_SCHEDULE" }[];
}

/**
 * Node groups sized by the catalog: the cheapest type that meets the pool's documented profile,
 * the root volume carrying the profile's disk beyond the type's own (at least 50 GB), the pool's
 * autoscaling bounds, and a taint on the roles that keep other workloads off.
 */
export function nodeGroupPlans(pools: Partial<Record<Role, NodePoolConfig>>): NodeGroupPlan[] {
  return (Object.entries(pools) as [Role, NodePoolConfig][]).map(([role, pool]) => {
    const resolved = resolveProfile("aws", pool.profile);
    return {
      role,
      instanceType: resolved.type.name,
      // EKS-optimised Amazon Linux 2023 for the type's CPU architecture.
      amiType: resolved.type.arch === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
      rootVolumeGb: Math.max(MIN_ROOT_VOLUME_GB, resolved.extraDiskGb),
      minSize: pool.min,
      maxSize: pool.max,
      desiredSize: pool.desired,
      taints: TAINTED_ROLES.includes(role)
        ? [{ key: ROLE_LABEL, value: role, effect: "NO_SCHEDULE" as const }]
        : [],
    };
  });
}

/**
 * How the NLB hands the gateway the client's address: PROXY protocol v2. With IP targets over TCP,
 * AWS turns client IP preservation off by default, so Envoy would see the NLB's private address
 * (Elastic Load Balancing guide, "Edit target group attributes for your Network Load Balancer",
 * Client IP preservation). Of the two ways back, PROXY protocol is chosen over
 * `preserve_client_ip.enabled=true` because:
 * - the gateway pods keep admitting only the DMZ's security group (the load balancer), where a
 *   preserved source would make internet addresses the packets' source at the pods;
 * - AWS lists limits of preservation that PROXY protocol does not have: no NAT loopback, and
 *   connection errors when one client address and port reach a target through two NLB nodes at
 *   once (cross-zone load balancing is on here);
 * - DigitalOcean and Hetzner can only send PROXY protocol, so every cloud's Envoy reads the same.
 * Its cost: the NLB and Envoy must switch together (Envoy refuses a connection without the header),
 * which the stack does in one update, both derived from this value. In-cluster clients resolve the
 * NLB's host name (its status carries no IP for kube-proxy to short-circuit), so every connection
 * does pass the NLB and the header can be required.
 */
export const GATEWAY_CLIENT_ADDRESS: ClientAddressDelivery = { via: "proxy-protocol" };

/** The NLB of the gateway's Service, as the AWS Load Balancer Controller reads its annotations. */
export function gatewayAnnotations(
  dmzSecurityGroupId: pulumi.Input<string>,
  clientAddress: ClientAddressDelivery = GATEWAY_CLIENT_ADDRESS,
) {
  const lb = "service.beta.kubernetes.io/aws-load-balancer";
  return {
    [`${lb}-type`]: "external",
    [`${lb}-scheme`]: "internet-facing",
    // Targets are the gateway pods themselves; the NLB forwards TCP and the gateway terminates TLS
    // (TCP listeners, no certificate on the NLB).
    [`${lb}-nlb-target-type`]: "ip",
    // AWS Load Balancer Controller v2.13 annotations (docs/guide/service/annotations.md): "*" is
    // proxy protocol v2 on every target group; a preserved source is a target group attribute.
    ...(clientAddress.via === "proxy-protocol"
      ? { [`${lb}-proxy-protocol`]: "*" }
      : { [`${lb}-target-group-attributes`]: "preserve_client_ip.enabled=true" }),
    [`${lb}-ip-address-type`]: "ipv4",
    // The DMZ security group fronts the NLB (controller v2.6+; v2.13 docs/guide/service/
    // annotations.md, security-groups): 80/443 from anywhere, or from CloudFront's origin-facing
    // prefix list alone behind CloudFront (network.ts). With this annotation the controller adds no
    // backend rule unless told; the network component already admits the DMZ group to the gateway
    // pods, so it is told to leave every rule alone.
    [`${lb}-security-groups`]: dmzSecurityGroupId,
    [`${lb}-manage-backend-security-group-rules`]: "false",
    [`${lb}-attributes`]: "load_balancing.cross_zone.enabled=true",
  } as Record<string, pulumi.Input<string>>;
}

/** The kubeconfig of an EKS cluster, with tokens from `aws eks get-token` (no static credentials). */
export function kubeconfig(name: string, endpoint: string, caData: string, region: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": caData } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: [
              "eks",
              "get-token",
              "--cluster-name",
              name,
              "--region",
              region,
              "--output",
              "json",
            ],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}

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

    const secretsKey = new aws.kms.Key(
      `${name}-secrets-key`,
      {
        description: `Envelope encryption of Kubernetes secrets in ${args.clusterName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      },
      // Without it the cluster's Secrets cannot be decrypted: the cluster is lost.
      { ...parent, protect: true },
    );
    // EKS creates this group with no expiry unless it exists first.
    const controlPlaneLogs = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      {
        name: `/aws/eks/${args.clusterName}/cluster`,
        retentionInDays: logRetentionDays(args.logRetentionDays),
        tags: { "platform/expectedIngestGb": String(args.controlPlaneLogGbPerMonth ?? 20) },
      },
      parent,
    );
    const controlPlaneRole = new aws.iam.Role(
      `${name}-control-plane`,
      { assumeRolePolicy: assumeRolePolicy("eks.amazonaws.com") },
      parent,
    );
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

    const nodeRole = new aws.iam.Role(
      `${name}-node`,
      { assumeRolePolicy: assumeRolePolicy("ec2.amazonaws.com") },
      parent,
    );
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
          tags: { [ROLE_LABEL]: plan.role, "platform/rootVolumeGb": String(plan.rootVolumeGb) },
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
    const ebsCsiRole = irsaRole(
      `${name}-ebs-csi`,
      this.oidc,
      ["kube-system:ebs-csi-controller-sa"],
      parent,
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-ebs-csi`,
      { role: ebsCsiRole.name, policyArn: managedPolicy("service-role/AmazonEBSCSIDriverPolicy") },
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

    const lbRole = irsaRole(
      `${name}-lb-controller`,
      this.oidc,
      ["kube-system:aws-load-balancer-controller"],
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-lb-controller`,
      { role: lbRole.id, policy: policyJson(LOAD_BALANCER_CONTROLLER_POLICY) },
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
        { ...inCluster, dependsOn: nodeGroups },
      );
    };
    kubeSystemChart("lb-controller", "loadBalancerController", {
      clusterName: cluster.name,
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

    const autoscalerRole = irsaRole(
      `${name}-autoscaler`,
      this.oidc,
      ["kube-system:cluster-autoscaler"],
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-autoscaler`,
      { role: autoscalerRole.id, policy: policyJson(clusterAutoscalerPolicy(args.clusterName)) },
      parent,
    );
    // Tiers document, Medium Production (auto-scaling min 3, max 10): node groups only bound the
    // size; the Cluster Autoscaler adds nodes when pods are pending and removes idle ones.
    kubeSystemChart("autoscaler", "clusterAutoscaler", {
      cloudProvider: "aws",
      awsRegion: args.region,
      autoDiscovery: { clusterName: cluster.name },
      image: { tag: versions.clusterAutoscalerImage },
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

    this.gatewayServiceAnnotations = gatewayAnnotations(args.securityGroups.dmz);
    this.registerOutputs({ clusterName: this.clusterName });
  }
}
