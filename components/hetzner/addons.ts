import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { stringSecret } from "../k8s";
import { K3S_POD_CIDR } from "./k3s";
import { gatewayAnnotations, type GatewayLoadBalancerSpec } from "./load-balancer";

/** Hetzner's chart repository; both charts are pinned. */
export const HETZNER_CHARTS = "https://charts.hetzner.cloud";
/** hcloud cloud controller manager 1.28.0 (chart and image share the version). */
export const CCM_CHART = { chart: "hcloud-cloud-controller-manager", version: "1.28.0" } as const;
/** hcloud CSI driver 2.18.3 (chart and image share the version). */
export const CSI_CHART = { chart: "hcloud-csi", version: "2.18.3" } as const;

/** The Secret both charts read the API token (and the controller the network) from. */
export const HCLOUD_SECRET = { name: "hcloud", namespace: "kube-system" } as const;

/**
 * The storage class the platform's volumes use: k3s's local-path provisioner, whose directory
 * each node keeps on its LUKS-encrypted hcloud volume (the documented disk; ./data-volume.ts), so
 * the database's data sits on the database node's 2 TB and MinIO's on the storage node's 8 TB.
 */
export const STORAGE_CLASS = "local-path";
/**
 * The CSI driver's class, for claims that must follow a pod to another node. Not the default.
 * Each of its volumes is LUKS-encrypted by the driver with the passphrase in CSI_ENCRYPTION_SECRET
 * (hetznercloud/csi-driver v2.18.3, docs/kubernetes/README.md, "Volumes Encrypted with LUKS").
 */
export const NETWORK_STORAGE_CLASS = "hcloud-volumes-encrypted";
/** The Secret whose `encryption-passphrase` the CSI driver opens its volumes with. */
export const CSI_ENCRYPTION_SECRET = {
  name: "hcloud-volumes-encryption",
  namespace: "kube-system",
};

/**
 * Values of the cloud controller. It names nodes' addresses and zones, clears the "uninitialized"
 * taint `cloud-provider=external` puts on new nodes, and makes the gateway's load balancer.
 * Flannel carries pod traffic over the private network, so the controller's routes stay off (and
 * with them node CIDR allocation, which k3s does).
 */
export function ccmValues(location: string) {
  return {
    networking: { enabled: false, clusterCIDR: K3S_POD_CIDR },
    env: {
      HCLOUD_NETWORK: {
        valueFrom: { secretKeyRef: { name: HCLOUD_SECRET.name, key: "network" } },
      },
      HCLOUD_NETWORK_ROUTES_ENABLED: { value: "false" },
      HCLOUD_LOAD_BALANCERS_LOCATION: { value: location },
      HCLOUD_LOAD_BALANCERS_USE_PRIVATE_IP: { value: "true" },
    },
  };
}

/**
 * Values of the CSI driver: a retained, non-default class beside k3s's local-path one, whose
 * volumes the driver encrypts (the chart's `extraParameters` become the class's parameters; the
 * node plugin reads the Secret when it publishes a volume). The chart's own `hcloud-volumes` class,
 * unencrypted and the default, is replaced by this list.
 */
export function csiValues(location: string) {
  return {
    controller: { hcloudVolumeDefaultLocation: location },
    // The node plugin must run on the tainted role pools too, or their claims could not mount.
    node: { tolerations: [{ operator: "Exists", effect: "NoSchedule" }] },
    storageClasses: [
      {
        name: NETWORK_STORAGE_CLASS,
        defaultStorageClass: false,
        reclaimPolicy: "Retain",
        extraParameters: {
          "csi.storage.k8s.io/node-publish-secret-name": CSI_ENCRYPTION_SECRET.name,
          "csi.storage.k8s.io/node-publish-secret-namespace": CSI_ENCRYPTION_SECRET.namespace,
        },
      },
    ],
  };
}

export interface AddonsArgs {
  /** kubeconfig of the k3s cluster (secret). */
  kubeconfig: pulumi.Input<string>;
  /** Hetzner Cloud API token for the controller and the CSI driver (secret). */
  hcloudToken: pulumi.Input<string>;
  networkId: pulumi.Input<number>;
  /** Hetzner location. @example "fsn1" */
  location: string;
}

/**
 * The provider add-ons inside the cluster (the only in-cluster parts of the cloud layer): the
 * hcloud cloud controller manager and CSI driver, and the Kubernetes provider the platform layer
 * deploys with, which waits for both so that no workload lands on an uninitialized node. Cost:
 * their pods' requests on the cluster.
 */
export class Addons extends pulumi.ComponentResource {
  public readonly provider: k8s.Provider;

  constructor(name: string, args: AddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:hetzner:Addons", name, {}, opts);
    const parent = { parent: this };
    const bootstrap = new k8s.Provider(
      `${name}-bootstrap-provider`,
      { kubeconfig: args.kubeconfig, enableServerSideApply: true },
      parent,
    );
    const withBootstrap = { ...parent, provider: bootstrap };
    const secret = stringSecret(
      `${name}-hcloud`,
      {
        ...HCLOUD_SECRET,
        stringData: {
          token: pulumi.secret(args.hcloudToken),
          network: pulumi.output(args.networkId).apply(String),
        },
      },
      withBootstrap,
    );
    // Self-hosted §2.2 (encrypt data at rest): the CSI volumes' passphrase, generated, secret and
    // protected (a volume cannot be opened without it).
    const passphrase = new random.RandomPassword(
      `${name}-csi-encryption-passphrase`,
      { length: 64, special: false },
      { ...parent, protect: true },
    );
    const encryption = stringSecret(
      `${name}-csi-encryption`,
      {
        ...CSI_ENCRYPTION_SECRET,
        stringData: { "encryption-passphrase": pulumi.secret(passphrase.result) },
      },
      { ...withBootstrap, protect: true },
    );
    const release = (
      key: string,
      chart: { chart: string; version: string },
      values: object,
      extra: pulumi.Resource[] = [],
    ) =>
      new k8s.helm.v3.Release(
        `${name}-${key}`,
        {
          name: chart.chart,
          chart: chart.chart,
          version: chart.version,
          repositoryOpts: { repo: HETZNER_CHARTS },
          namespace: HCLOUD_SECRET.namespace,
          createNamespace: false,
          values,
          skipAwait: false,
          timeout: 600,
        },
        { ...withBootstrap, dependsOn: [secret, ...extra] },
      );
    const ccm = release("ccm", CCM_CHART, ccmValues(args.location));
    const csi = release("csi", CSI_CHART, csiValues(args.location), [encryption]);
    this.provider = new k8s.Provider(
      `${name}-provider`,
      // Server-side apply lets several field managers (operators, us) own parts of one object.
      { kubeconfig: args.kubeconfig, enableServerSideApply: true },
      { ...parent, dependsOn: [ccm, csi] },
    );
    this.registerOutputs({});
  }
}

/**
 * The gateway's load balancer. The cloud controller creates it from the gateway's LoadBalancer
 * Service (platform layer), configured by `annotations`; this component records it so the plan
 * prices it by its type and readers find it. Cost: lb11 €7.49 a month (catalog).
 */
export class GatewayLoadBalancer extends pulumi.ComponentResource {
  public readonly annotations: Record<string, string>;

  constructor(name: string, args: GatewayLoadBalancerSpec, opts?: pulumi.ComponentResourceOptions) {
    super("platform:hetzner:GatewayLoadBalancer", name, args, opts);
    this.annotations = gatewayAnnotations(args);
    this.registerOutputs({ annotations: this.annotations });
  }
}

export interface ObjectStorageArgs {
  /** S3 endpoint of Hetzner Object Storage in the location. @example "https://fsn1.your-objectstorage.com" */
  endpoint: string;
  /** Bucket that receives the off-site copies. @example "platform-prod-offsite" */
  bucket: string;
  /** Region of the endpoint. @example "fsn1" */
  region: string;
  /** Data the bucket is expected to hold, for the estimate. @example 500 */
  expectedGb: number;
}

/**
 * The off-site backup target in Hetzner Object Storage (self-hosted §3.1's "upload to remote
 * storage"). Its bucket and keys are made in the Hetzner console (the hcloud API has none for
 * them); this component records the target so the plan prices it. Cost: the €4.99 base with 1 TB
 * stored and 1 TB egress, then per GB (catalog).
 */
export class ObjectStorage extends pulumi.ComponentResource {
  constructor(name: string, args: ObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:hetzner:ObjectStorage", name, args, opts);
    this.registerOutputs({});
  }
}
