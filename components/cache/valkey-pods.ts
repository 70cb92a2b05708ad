/**
 * The pod specs of the self-hosted Valkey: the servers (with their exporter), the sentinels and the
 * HAProxy in front of the primary. Plain functions from names and sizes to specs; the component
 * (./index.ts) registers the resources.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { Role } from "../../config";
import { restrictedContainer, restrictedPod } from "../apps/pod";
import { CONFIG_CHECKSUM, containerResources, httpProbe, placement, spreadOverHosts } from "../k8s";
import { dataClaimTemplate } from "../storage/volume-claims";
import {
  EXPORTER_IMAGE,
  EXPORTER_PORT,
  HAPROXY_IMAGE,
  HAPROXY_UID,
  PROXY_HEALTH_PORT,
  SENTINEL_PORT,
  VALKEY_IMAGE,
  VALKEY_NAMES,
  VALKEY_PORT,
  VALKEY_UID,
  valkeyResources,
  valkeyVolumeGi,
} from "./valkey-topology";
import { SECRET_CHECKSUM } from "../kit/rotation";

const n = VALKEY_NAMES;

/** What every pod of the set shares. */
export interface ValkeyPods {
  /** Roles with dedicated node pools; the pods go to the `db` pool when there is one. */
  pools: readonly Role[];
  /** SHA-256 of the files servers and sentinels read at start (see `CONFIG_CHECKSUM`). */
  checksum: string;
  /**
   * SHA-256 of the set's Secret (see `SECRET_CHECKSUM`): the servers take `requirepass` from the
   * environment at start, so a rotated password rolls them.
   */
  secretChecksum: pulumi.Input<string>;
  /** The ConfigMap holding those files. */
  configMap: pulumi.Input<string>;
  /** DNS domain of the cluster, for the pods' stable names. @example "cluster.local" */
  domain: string;
  /** Sentinels watch the servers (at least one replica, Sentinel on). */
  withSentinel: boolean;
}

/** The password from the set's Secret, under every name the images and the CLI read. */
export const VALKEY_PASSWORD_ENV = ["VALKEY_PASSWORD", "REDISCLI_AUTH", "VALKEYCLI_AUTH"].map(
  (envName) => ({
    name: envName,
    valueFrom: { secretKeyRef: { name: n.secret, key: "password" } },
  }),
);

const SMALL = containerResources("50m", "32Mi", "200m", "128Mi");

function podBase(pods: ValkeyPods) {
  return {
    automountServiceAccountToken: false,
    // Service links would put VALKEY_PORT=tcp://... into the environment of every container.
    enableServiceLinks: false,
    securityContext: restrictedPod(VALKEY_UID),
    ...placement("db", pods.pools),
  };
}

// Servers and sentinels read their files at start: a change rolls them through this annotation.
function templateMeta(pods: ValkeyPods, labels: Record<string, string>) {
  return {
    labels,
    annotations: { [CONFIG_CHECKSUM]: pods.checksum, [SECRET_CHECKSUM]: pods.secretChecksum },
  };
}

function commonEnv(pods: ValkeyPods) {
  return [
    ...VALKEY_PASSWORD_ENV,
    { name: "NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    { name: "CLUSTER_DOMAIN", value: pods.domain },
    { name: "STATEFULSET", value: n.statefulSet },
    { name: "HEADLESS", value: n.headless },
    ...(pods.withSentinel ? [{ name: "SENTINEL_SERVICE", value: n.sentinel }] : []),
  ];
}

/** A StatefulSet of the set: its pods start together, one per node where the nodes allow. */
function statefulSetSpec(
  pods: ValkeyPods,
  serviceName: string,
  labels: Record<string, string>,
  replicas: number,
  pod: Pick<
    k8s.types.input.core.v1.PodSpec,
    "terminationGracePeriodSeconds" | "containers" | "volumes"
  >,
) {
  return {
    serviceName,
    replicas,
    // A replica must be able to start while pod 0 is down (Sentinel may have promoted it).
    podManagementPolicy: "Parallel",
    selector: { matchLabels: labels },
    template: {
      metadata: templateMeta(pods, labels),
      spec: { ...podBase(pods), affinity: spreadOverHosts(labels), ...pod },
    },
  };
}

function cli(port: number, accept: string) {
  return { exec: { command: ["sh", "-c", `valkey-cli -p ${port} ping | grep -Eq '${accept}'`] } };
}

/** The servers' StatefulSet spec: pod 0 starts as the primary, a metrics exporter beside each. */
export function valkeyServerSpec(
  pods: ValkeyPods,
  args: {
    labels: Record<string, string>;
    replicas: number;
    memoryMb: number;
    storageClass: string;
  },
) {
  const labels = args.labels;
  return {
    ...statefulSetSpec(pods, n.headless, labels, args.replicas, {
      terminationGracePeriodSeconds: 30,
      containers: [
        {
          name: "valkey",
          image: VALKEY_IMAGE,
          // The role comes from the start script at every start, so Sentinel's CONFIG
          // REWRITE after a failover may fail on the read-only file without harm.
          command: ["sh", "/etc/valkey/start-valkey.sh"],
          env: commonEnv(pods),
          ports: [{ name: "valkey", containerPort: VALKEY_PORT }],
          resources: valkeyResources(args.memoryMb),
          securityContext: restrictedContainer,
          // Loading a large AOF answers LOADING: alive, not yet ready.
          startupProbe: {
            ...cli(VALKEY_PORT, "PONG|LOADING"),
            periodSeconds: 5,
            failureThreshold: 120,
          },
          livenessProbe: {
            ...cli(VALKEY_PORT, "PONG|LOADING"),
            periodSeconds: 15,
            timeoutSeconds: 5,
            failureThreshold: 4,
          },
          readinessProbe: {
            ...cli(VALKEY_PORT, "PONG"),
            periodSeconds: 5,
            timeoutSeconds: 3,
            failureThreshold: 3,
          },
          volumeMounts: [
            { name: "data", mountPath: "/data" },
            { name: "config", mountPath: "/etc/valkey", readOnly: true },
            { name: "run", mountPath: "/run/valkey" },
          ],
        },
        {
          name: "exporter",
          image: EXPORTER_IMAGE,
          env: [
            { name: "REDIS_ADDR", value: `redis://localhost:${VALKEY_PORT}` },
            {
              name: "REDIS_PASSWORD",
              valueFrom: { secretKeyRef: { name: n.secret, key: "password" } },
            },
          ],
          ports: [{ name: "metrics", containerPort: EXPORTER_PORT }],
          resources: SMALL,
          securityContext: restrictedContainer,
          livenessProbe: httpProbe("/health", "metrics", 20),
          readinessProbe: httpProbe("/health", "metrics", 10),
        },
      ],
      volumes: [
        { name: "config", configMap: { name: pods.configMap, defaultMode: 0o444 } },
        // The runtime include holds the password: memory only, never on a node's disk.
        { name: "run", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
      ],
    }),
    volumeClaimTemplates: [
      dataClaimTemplate(labels, args.storageClass, `${valkeyVolumeGi(args.memoryMb)}Gi`),
    ],
  };
}

/** The sentinels' StatefulSet spec: they watch the primary and promote a replica when it fails. */
export function sentinelSpec(pods: ValkeyPods, labels: Record<string, string>, replicas: number) {
  return statefulSetSpec(pods, n.sentinelHeadless, labels, replicas, {
    containers: [
      {
        name: "sentinel",
        image: VALKEY_IMAGE,
        command: ["sh", "/etc/valkey/start-sentinel.sh"],
        env: [...commonEnv(pods), { name: "SENTINEL_HEADLESS", value: n.sentinelHeadless }],
        ports: [{ name: "sentinel", containerPort: SENTINEL_PORT }],
        resources: SMALL,
        securityContext: restrictedContainer,
        livenessProbe: { ...cli(SENTINEL_PORT, "PONG"), periodSeconds: 15, timeoutSeconds: 5 },
        readinessProbe: { ...cli(SENTINEL_PORT, "PONG"), periodSeconds: 5, timeoutSeconds: 3 },
        volumeMounts: [
          { name: "config", mountPath: "/etc/valkey", readOnly: true },
          { name: "state", mountPath: "/run/sentinel" },
        ],
      },
    ],
    volumes: [
      { name: "config", configMap: { name: pods.configMap, defaultMode: 0o444 } },
      // Sentinel rewrites its config file (with the password): memory only.
      { name: "state", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
    ],
  });
}

/** The HAProxy Deployment spec: two proxies that always send clients to the current primary. */
export function proxySpec(pods: ValkeyPods, labels: Record<string, string>) {
  return {
    replicas: 2,
    selector: { matchLabels: labels },
    template: {
      // HAProxy's checks log in with the password from the environment: a rotated one rolls it.
      metadata: { labels, annotations: { [SECRET_CHECKSUM]: pods.secretChecksum } },
      spec: {
        ...podBase(pods),
        securityContext: restrictedPod(HAPROXY_UID),
        affinity: spreadOverHosts(labels),
        containers: [
          {
            name: "haproxy",
            image: HAPROXY_IMAGE,
            command: ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"],
            env: VALKEY_PASSWORD_ENV.filter((e) => e.name === "VALKEY_PASSWORD"),
            ports: [
              { name: "valkey", containerPort: VALKEY_PORT },
              { name: "health", containerPort: PROXY_HEALTH_PORT },
            ],
            resources: containerResources("100m", "64Mi", "500m", "256Mi"),
            securityContext: restrictedContainer,
            livenessProbe: httpProbe("/healthz", "health", 10),
            readinessProbe: httpProbe("/ready", "health", 2),
            volumeMounts: [
              {
                name: "config",
                mountPath: "/usr/local/etc/haproxy/haproxy.cfg",
                subPath: "haproxy.cfg",
                readOnly: true,
              },
            ],
          },
        ],
        volumes: [{ name: "config", configMap: { name: pods.configMap } }],
      },
    },
  };
}

/**
 * The pod of the Job that forms the cluster once (components/cache/valkey-cluster.ts
 * `clusterCreateScript`): `nodes` lists `host:port` shard by shard, primary first.
 */
export function clusterJobPod(
  pods: ValkeyPods,
  labels: Record<string, string>,
  nodes: pulumi.Input<string>,
  replicas: number,
) {
  return {
    metadata: { labels },
    spec: {
      ...podBase(pods),
      restartPolicy: "OnFailure",
      containers: [
        {
          name: "create-cluster",
          image: VALKEY_IMAGE,
          command: ["sh", "/etc/valkey/create-cluster.sh"],
          env: [
            ...VALKEY_PASSWORD_ENV,
            { name: "NODES", value: nodes },
            { name: "REPLICAS", value: String(replicas) },
          ],
          resources: SMALL,
          securityContext: restrictedContainer,
          volumeMounts: [{ name: "config", mountPath: "/etc/valkey", readOnly: true }],
        },
      ],
      volumes: [{ name: "config", configMap: { name: pods.configMap, defaultMode: 0o444 } }],
    },
  };
}
