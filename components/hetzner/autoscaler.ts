/**
 * The cluster autoscaler's Hetzner provider (kubernetes/autoscaler,
 * cluster-autoscaler/cloudprovider/hetzner/README.md and hetzner_cloud_provider.go, at the tags
 * of the images pinned below): the app pool grows from the servers the layer keeps to the pool's
 * `max` and back, its new servers joining k3s as the layer's own agents do.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Role, StackConfig } from "../../config";
import { chartRelease, stringSecret } from "../k8s";
import { configProblem } from "../kit/problems";
import { cloudInit, type CloudInitOptions } from "./cloud-init";
import { nodeLabels } from "./k3s-config";
import { CONTROL_PLANE_TAINT, LABELS, resolveNode, roleTaints } from "./node-layout";
import { IMAGE } from "./nodes";

/** The chart the AWS layer pins too (vendor/charts/cluster-autoscaler/9.50.1). */
export const AUTOSCALER_CHART = {
  chart: "cluster-autoscaler",
  version: "9.50.1",
  repo: "https://kubernetes.github.io/autoscaler",
} as const;

/**
 * The autoscaler's image per Kubernetes minor, whose minor must match the cluster's (the
 * project's README, Releases): the newest patch tag of each `cluster-autoscaler-1.x` line.
 */
export const AUTOSCALER_IMAGES: Readonly<Record<string, string>> = {
  "1.32": "v1.32.7",
  "1.33": "v1.33.6",
  "1.34": "v1.34.5",
  "1.35": "v1.35.2",
};

/**
 * The pools the autoscaler may grow: `app` only. Its servers hold no data (the platform's stateful
 * workloads are pinned to the tainted db, storage and monitoring pools, whose data sits on each
 * server's encrypted volume, which a server the autoscaler makes would not have); the gateway's
 * servers take public traffic under the `web` firewall, which the autoscaler cannot attach beside
 * the `nodes` one (it attaches one, HCLOUD_FIREWALL).
 */
export const AUTOSCALED_ROLES: readonly Role[] = ["app"];

/** hetzner_cloud_provider.go: a pool's name must match this (checked at the autoscaler's start). */
export const POOL_NAME = /^[a-z0-9A-Z]+[a-z0-9A-Z\-._]*[a-z0-9A-Z]+$|^[a-z0-9A-Z]{1}$/;
/**
 * hetzner_node_group.go names a server `<pool>-<%x of a random int63>` (up to 16 hex digits), and
 * the server's name is its host name and Kubernetes node name: at most 63 characters of
 * lowercase letters, digits and hyphens (RFC 1123), so the pool's name has at most 46.
 */
export const POOL_NAME_MAX = 63 - 1 - 16;

/** What the autoscaler is told of a pool: `--nodes=<min>:<max>:<type>:<location>:<name>`. */
export interface AutoscaledPool {
  name: string;
  role: Role;
  /** Servers the autoscaler adds beyond the layer's own: 0 at least, max − desired at most. */
  minSize: number;
  maxSize: number;
  /** hcloud server type, the one the layer's own servers of the role have. @example "cx43" */
  instanceType: string;
  /** Hetzner location. @example "fsn1" */
  region: string;
}

/** The pool's name as the autoscaler and Hetzner need it; our prefix always makes one. */
export function poolName(prefix: string, role: Role): string {
  const name = `${prefix}-${role}`;
  if (!POOL_NAME.test(name) || name.length > POOL_NAME_MAX || !/^[a-z0-9-]+$/.test(name))
    throw new Error(`autoscaler pool name ${name} breaks the Hetzner provider's naming rules`);
  return name;
}

/**
 * The autoscaled pools of a stack: each autoscaled role whose `max` is above its `desired`. The
 * layer keeps `desired` servers (with their volumes and fixed addresses); the autoscaler adds up
 * to `max − desired` more while pods are pending and removes its own once idle, so the pool spans
 * `desired..max` and never drops below `min` (the gate holds min ≤ desired ≤ max).
 */
export function autoscaledPools(config: StackConfig, prefix: string): AutoscaledPool[] {
  return AUTOSCALED_ROLES.flatMap((role) => {
    const pool = config.nodePools[role];
    if (!pool || pool.desired < 1 || pool.max <= pool.desired) return [];
    return [
      {
        name: poolName(prefix, role),
        role,
        minSize: 0,
        maxSize: pool.max - pool.desired,
        instanceType: resolveNode(pool.profile).type.name,
        region: config.region,
      },
    ];
  });
}

/** The `--nodes` flag the chart renders for a pool (its deployment template, cloudProvider hetzner). */
export const nodesFlag = (p: AutoscaledPool) =>
  `--nodes=${p.minSize}:${p.maxSize}:${p.instanceType}:${p.region}:${p.name}`;

/** The pinned autoscaler image of a Kubernetes minor; the gate refuses a minor without one. */
export function autoscalerImage(minor: string): string {
  const tag = AUTOSCALER_IMAGES[minor];
  if (!tag)
    configProblem(
      ["kubernetes", "version"],
      `must have a pinned cluster autoscaler image for the Hetzner app pool; supported: ${Object.keys(AUTOSCALER_IMAGES).join(", ")}`,
    );
  return tag;
}

/**
 * HCLOUD_CLUSTER_CONFIG before its base64: the image per architecture, and per pool the user data
 * (not encoded again), labels and taints, which the autoscaler puts on the node template it
 * simulates scale-ups with. The same labels and taints reach the real node through k3s's
 * `node-label` and `node-taint` in the user data.
 */
export function clusterConfig(
  pools: readonly AutoscaledPool[],
  userData: Readonly<Record<string, string>>,
  taints: Readonly<Record<string, string[]>>,
) {
  return {
    imagesForArch: { amd64: IMAGE },
    nodeConfigs: Object.fromEntries(
      pools.map((p) => [
        p.name,
        {
          cloudInit: userData[p.name],
          labels: Object.fromEntries(nodeLabels(p.role, "agent").map((l) => l.split("="))),
          taints: (taints[p.name] ?? []).map((t) => {
            const [kv, effect] = t.split(":");
            const [key, value] = kv.split("=");
            return { key, value, effect };
          }),
        },
      ]),
    ),
  };
}

export interface ClusterAutoscalerArgs {
  /** The validated stack config. */
  config: StackConfig;
  /** Physical name prefix. @example "platform-prod" */
  prefix: string;
  /** The pools to scale, from `autoscaledPools`. */
  pools: AutoscaledPool[];
  /** Everything the user data of a new server needs but its address. */
  join: Omit<
    CloudInitOptions,
    "nodeIp" | "labels" | "taints" | "dataVolume" | "k3s" | "serverToken" | "agentToken"
  > & { serverToken: pulumi.Input<string>; agentToken: pulumi.Input<string> };
  /** Hetzner Cloud API token (secret). */
  hcloudToken: pulumi.Input<string>;
  networkId: pulumi.Input<number>;
  /** Name of the firewall every node gets (`<prefix>-nodes`). */
  firewallName: pulumi.Input<string>;
  /** Name of the admin SSH key, when the stack has one. */
  sshKeyName?: pulumi.Input<string>;
  /** The cluster's Kubernetes provider (the add-ons' bootstrap one). */
  provider: k8s.Provider;
  /** What must run before it (the cloud controller that initialises new nodes). */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The Secret holding the API token and the cluster config (with the agents' join token). */
export const AUTOSCALER_SECRET = { name: "cluster-autoscaler-hcloud", namespace: "kube-system" };

/**
 * The cluster autoscaler with the Hetzner provider, on the k3s servers (it must not run on a node
 * it may remove), from the pinned chart and image. The API token and the user data (it carries the
 * agents' join token) sit in a Secret, never in the pod spec. Cost: its pods' requests; the
 * servers it adds are priced by `AutoscaledServers` between 0 and its maximum.
 */
export class ClusterAutoscaler extends pulumi.ComponentResource {
  constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:hetzner:ClusterAutoscaler", name, {}, opts);
    const parent = { parent: this };
    for (const p of args.pools) new AutoscaledServers(`${name}-${p.role}`, p, parent);
    const taints = Object.fromEntries(args.pools.map((p) => [p.name, roleTaints(p.role)]));
    const userData = pulumi
      .all([args.join.serverToken, args.join.agentToken])
      .apply(([serverToken, agentToken]) =>
        Object.fromEntries(
          args.pools.map((p) => [
            p.name,
            cloudInit(p.role, {
              ...args.join,
              serverToken,
              agentToken,
              k3s: "agent",
              labels: nodeLabels(p.role, "agent"),
              taints: taints[p.name],
              // No volume: the autoscaled roles keep no data (AUTOSCALED_ROLES).
              dataVolume: false,
            }),
          ]),
        ),
      );
    const config = userData.apply((u) =>
      Buffer.from(JSON.stringify(clusterConfig(args.pools, u, taints))).toString("base64"),
    );
    const inCluster = { ...parent, provider: args.provider };
    const secret = stringSecret(
      `${name}-hcloud`,
      {
        ...AUTOSCALER_SECRET,
        stringData: {
          token: pulumi.secret(args.hcloudToken),
          "cluster-config": pulumi.secret(config),
        },
      },
      inCluster,
    );
    chartRelease(
      `${name}-release`,
      {
        name: "cluster-autoscaler",
        chart: AUTOSCALER_CHART,
        namespace: AUTOSCALER_SECRET.namespace,
        values: {
          cloudProvider: "hetzner",
          autoscalingGroups: args.pools.map((p) => ({
            name: p.name,
            minSize: p.minSize,
            maxSize: p.maxSize,
            instanceType: p.instanceType,
            region: p.region,
          })),
          extraEnvSecrets: {
            HCLOUD_TOKEN: { name: AUTOSCALER_SECRET.name, key: "token" },
            HCLOUD_CLUSTER_CONFIG: { name: AUTOSCALER_SECRET.name, key: "cluster-config" },
          },
          extraEnv: {
            HCLOUD_NETWORK: pulumi.output(args.networkId).apply(String),
            HCLOUD_FIREWALL: args.firewallName,
            ...(args.sshKeyName ? { HCLOUD_SSH_KEY: args.sshKeyName } : {}),
          },
          image: { tag: autoscalerImage(args.config.kubernetes.version) },
          // On the k3s servers, never on a node it may remove.
          nodeSelector: { [LABELS.controlPlane]: "true" },
          tolerations: [
            { key: CONTROL_PLANE_TAINT.split("=")[0], operator: "Exists", effect: "NoExecute" },
          ],
          extraArgs: { expander: "least-waste", "balance-similar-node-groups": true },
          resources: {
            requests: { cpu: "100m", memory: "300Mi" },
            limits: { cpu: "500m", memory: "600Mi" },
          },
        },
      },
      { ...inCluster, dependsOn: [secret, ...args.dependsOn] },
    );
    this.registerOutputs({});
  }
}

/**
 * The servers the autoscaler may add to a pool, recorded so the plan prices the pool's range:
 * none at the floor, `maxSize` of the type (with its primary IPv4, without backups) at the
 * ceiling. Cost: 0 to maxSize × the type.
 */
export class AutoscaledServers extends pulumi.ComponentResource {
  constructor(name: string, args: AutoscaledPool, opts?: pulumi.ComponentResourceOptions) {
    super("platform:hetzner:AutoscaledServers", name, args, opts);
    this.registerOutputs({});
  }
}
