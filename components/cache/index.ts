import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { Role, StackConfig } from "../../config";
import { restrictedContainer, restrictedPod } from "../apps/pod";
import { placement } from "../k8s";
import type { CacheEndpoint } from "../contract";
import { growClaims, keepClaimTemplates } from "../storage/volume-claims";
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
  haproxyConf,
  podHost,
  sentinelConfTemplate,
  sentinelStartScript,
  valkeyResources,
  valkeyServerConf,
  valkeyStartScript,
  valkeyTopology,
  valkeyVolumeGi,
} from "./valkey-topology";

export * from "./valkey-topology";

export interface ValkeyArgs {
  /** The stack's `cache` section; its mode must be `self-hosted`. @example config.cache */
  cache: StackConfig["cache"];
  /** Namespace of the cache. @example "data" */
  namespace: pulumi.Input<string>;
  /** Namespace of the apps, the only clients. @example "platform" */
  appsNamespace: string;
  /** Namespace of the monitoring stack, admitted to the exporter. @example "monitoring" */
  monitoringNamespace: string;
  /** Roles with dedicated node pools; pods go to the `db` pool when there is one. */
  pools: readonly Role[];
  /** Storage class of the data volumes; the cluster's default when empty. @example "gp3" */
  storageClass: string;
  /**
   * The storage class expands a bound claim in place (CSI allowVolumeExpansion): a larger
   * `cache.memoryMb` then grows the servers' claims by patch (components/storage/volume-claims.ts).
   * Without it (local-path) a claim's size is not enforced and stays as first made. @default false
   */
  expandVolumes?: boolean;
  /** DNS domain of the cluster, for the pods' stable names. @default "cluster.local" */
  clusterDomain?: string;
}

/**
 * Redis-compatible cache on Valkey: `1 + cache.replicas` servers (pod 0 the primary, the others
 * replicas), AOF + RDB persistence, a metrics exporter beside each server, and, with Sentinel and at
 * least one replica, three sentinels (quorum 2) plus a small HAProxy that always points REDIS_URL
 * at the current primary. Without a replica it is a single server (no failover; the pod restarts).
 * Cost: per server `cache.memoryMb` requested and twice that as limit, 0.5-1 CPU, a volume of 4x
 * memory; sentinels and proxies are small.
 */
export class Valkey extends pulumi.ComponentResource {
  /** What the apps connect to: the primary, with the password, inside the cluster without TLS. */
  public readonly endpoint: CacheEndpoint;
  public readonly host: pulumi.Output<string>;
  public readonly port: number;
  public readonly password: pulumi.Output<string>; // secret

  constructor(name: string, args: ValkeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:Valkey", name, {}, opts);
    const parent = { parent: this };
    const cache = args.cache;
    if (cache.mode !== "self-hosted")
      throw new pulumi.InputPropertyError({
        propertyPath: "cache.mode",
        reason: `is "${cache.mode}"; the in-cluster Valkey is built only for "self-hosted"`,
      });
    const ns = args.namespace;
    const n = VALKEY_NAMES;
    const domain = args.clusterDomain ?? "cluster.local";
    const topology = valkeyTopology(cache);
    const withSentinel = topology.sentinels > 0;
    const instance = {
      "app.kubernetes.io/instance": "valkey",
      "app.kubernetes.io/part-of": "platform",
    };
    const labelsOf = (component: string) => ({
      ...instance,
      "app.kubernetes.io/name": "valkey",
      "app.kubernetes.io/component": component,
    });
    const serverLabels = labelsOf("server");
    const pool = placement("db", args.pools);

    const password = new random.RandomPassword(
      `${name}-password`,
      { length: 32, special: false },
      parent,
    );
    this.password = pulumi.secret(password.result);
    const secret = new k8s.core.v1.Secret(
      `${name}-auth`,
      {
        metadata: { name: n.secret, namespace: ns, labels: instance },
        type: "Opaque",
        stringData: { password: password.result },
      },
      parent,
    );
    const passwordEnv = ["VALKEY_PASSWORD", "REDISCLI_AUTH", "VALKEYCLI_AUTH"].map((envName) => ({
      name: envName,
      valueFrom: { secretKeyRef: { name: n.secret, key: "password" } },
    }));
    const serverHosts = pulumi.output(ns).apply((namespace) =>
      Array.from({ length: topology.servers }, (_, i) => ({
        host: podHost(`${n.statefulSet}-${i}`, n.headless, namespace, domain),
        port: VALKEY_PORT,
      })),
    );
    const configData: Record<string, pulumi.Input<string>> = {
      "valkey.conf": valkeyServerConf(cache.memoryMb),
      "start-valkey.sh": valkeyStartScript(),
    };
    if (withSentinel) {
      configData["sentinel.conf"] = sentinelConfTemplate(topology.quorum);
      configData["start-sentinel.sh"] = sentinelStartScript();
      configData["haproxy.cfg"] = serverHosts.apply((servers) => haproxyConf(servers));
    }
    // Servers and sentinels read their files at start: a change rolls them through this annotation.
    const checksum = createHash("sha256")
      .update(JSON.stringify(Object.entries(configData).filter(([, v]) => typeof v === "string")))
      .digest("hex");
    const templateMeta = (labels: Record<string, string>) => ({
      labels,
      annotations: { "platform/config-sha256": checksum },
    });
    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: { name: n.config, namespace: ns, labels: instance }, data: configData },
      parent,
    );
    const commonEnv = [
      ...passwordEnv,
      { name: "NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
      { name: "CLUSTER_DOMAIN", value: domain },
      { name: "STATEFULSET", value: n.statefulSet },
      { name: "HEADLESS", value: n.headless },
      ...(withSentinel ? [{ name: "SENTINEL_SERVICE", value: n.sentinel }] : []),
    ];
    const podBase = {
      automountServiceAccountToken: false,
      // Service links would put VALKEY_PORT=tcp://... into the environment of every container.
      enableServiceLinks: false,
      securityContext: restrictedPod(VALKEY_UID),
      ...pool,
    };
    const spreadHosts = (labels: Record<string, string>) => ({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: "kubernetes.io/hostname",
              labelSelector: { matchLabels: labels },
            },
          },
        ],
      },
    });
    const cli = (port: number, accept: string) => ({
      exec: { command: ["sh", "-c", `valkey-cli -p ${port} ping | grep -Eq '${accept}'`] },
    });

    new k8s.core.v1.Service(
      `${name}-headless`,
      {
        metadata: { name: n.headless, namespace: ns, labels: serverLabels },
        spec: {
          clusterIP: "None",
          // Replicas and sentinels resolve a server's name while it is still starting.
          publishNotReadyAddresses: true,
          selector: serverLabels,
          ports: [
            { name: "valkey", port: VALKEY_PORT, targetPort: "valkey" },
            { name: "metrics", port: EXPORTER_PORT, targetPort: "metrics" },
          ],
        },
      },
      parent,
    );
    const statefulSet = new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: { name: n.statefulSet, namespace: ns, labels: serverLabels },
        spec: {
          serviceName: n.headless,
          replicas: topology.servers,
          // A replica must be able to start while pod 0 is down (Sentinel may have promoted it).
          podManagementPolicy: "Parallel",
          selector: { matchLabels: serverLabels },
          template: {
            metadata: templateMeta(serverLabels),
            spec: {
              ...podBase,
              affinity: spreadHosts(serverLabels),
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name: "valkey",
                  image: VALKEY_IMAGE,
                  // The role comes from the start script at every start, so Sentinel's CONFIG
                  // REWRITE after a failover may fail on the read-only file without harm.
                  command: ["sh", "/etc/valkey/start-valkey.sh"],
                  env: commonEnv,
                  ports: [{ name: "valkey", containerPort: VALKEY_PORT }],
                  resources: valkeyResources(cache.memoryMb),
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
                  resources: {
                    requests: { cpu: "50m", memory: "32Mi" },
                    limits: { cpu: "200m", memory: "128Mi" },
                  },
                  securityContext: restrictedContainer,
                  livenessProbe: {
                    httpGet: { path: "/health", port: "metrics" },
                    periodSeconds: 20,
                  },
                  readinessProbe: {
                    httpGet: { path: "/health", port: "metrics" },
                    periodSeconds: 10,
                  },
                },
              ],
              volumes: [
                { name: "config", configMap: { name: config.metadata.name, defaultMode: 0o444 } },
                // The runtime include holds the password: memory only, never on a node's disk.
                { name: "run", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: "data", labels: serverLabels },
              spec: {
                accessModes: ["ReadWriteOnce"],
                ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
                resources: { requests: { storage: `${valkeyVolumeGi(cache.memoryMb)}Gi` } },
              },
            },
          ],
        },
      },
      // The volumes follow cache.memoryMb: through the claims, never by replacing the servers.
      keepClaimTemplates({ ...parent, protect: true, dependsOn: [secret] }),
    );
    if (args.expandVolumes)
      growClaims(
        `${name}-data`,
        {
          namespace: ns,
          template: "data",
          statefulSet: n.statefulSet,
          replicas: topology.servers,
          storage: `${valkeyVolumeGi(cache.memoryMb)}Gi`,
        },
        { ...parent, dependsOn: [statefulSet] },
      );
    if (topology.servers > 1) this.pdb(`${name}-pdb`, n.statefulSet, ns, serverLabels);

    // Apps reach the primary: pod 0 itself, or through HAProxy when Sentinel may move it.
    const proxyLabels = labelsOf("proxy");
    const primarySelector = withSentinel
      ? proxyLabels
      : { ...serverLabels, "statefulset.kubernetes.io/pod-name": `${n.statefulSet}-0` };
    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: n.service, namespace: ns, labels: instance },
        spec: {
          type: "ClusterIP",
          selector: primarySelector,
          ports: [{ name: "valkey", port: VALKEY_PORT, targetPort: VALKEY_PORT }],
        },
      },
      parent,
    );

    if (withSentinel) {
      const sentinelLabels = labelsOf("sentinel");
      for (const [svcName, headless] of [
        [n.sentinel, false],
        [n.sentinelHeadless, true],
      ] as const)
        new k8s.core.v1.Service(
          `${name}-${headless ? "sentinel-headless" : "sentinel-service"}`,
          {
            metadata: { name: svcName, namespace: ns, labels: sentinelLabels },
            spec: {
              ...(headless
                ? { clusterIP: "None", publishNotReadyAddresses: true }
                : { type: "ClusterIP" }),
              selector: sentinelLabels,
              ports: [{ name: "sentinel", port: SENTINEL_PORT, targetPort: "sentinel" }],
            },
          },
          parent,
        );
      new k8s.apps.v1.StatefulSet(
        `${name}-sentinel`,
        {
          metadata: { name: n.sentinel, namespace: ns, labels: sentinelLabels },
          spec: {
            serviceName: n.sentinelHeadless,
            replicas: topology.sentinels,
            podManagementPolicy: "Parallel",
            selector: { matchLabels: sentinelLabels },
            template: {
              metadata: templateMeta(sentinelLabels),
              spec: {
                ...podBase,
                affinity: spreadHosts(sentinelLabels),
                containers: [
                  {
                    name: "sentinel",
                    image: VALKEY_IMAGE,
                    command: ["sh", "/etc/valkey/start-sentinel.sh"],
                    env: [...commonEnv, { name: "SENTINEL_HEADLESS", value: n.sentinelHeadless }],
                    ports: [{ name: "sentinel", containerPort: SENTINEL_PORT }],
                    resources: {
                      requests: { cpu: "50m", memory: "32Mi" },
                      limits: { cpu: "200m", memory: "128Mi" },
                    },
                    securityContext: restrictedContainer,
                    livenessProbe: {
                      ...cli(SENTINEL_PORT, "PONG"),
                      periodSeconds: 15,
                      timeoutSeconds: 5,
                    },
                    readinessProbe: {
                      ...cli(SENTINEL_PORT, "PONG"),
                      periodSeconds: 5,
                      timeoutSeconds: 3,
                    },
                    volumeMounts: [
                      { name: "config", mountPath: "/etc/valkey", readOnly: true },
                      { name: "state", mountPath: "/run/sentinel" },
                    ],
                  },
                ],
                volumes: [
                  { name: "config", configMap: { name: config.metadata.name, defaultMode: 0o444 } },
                  // Sentinel rewrites its config file (with the password): memory only.
                  { name: "state", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
                ],
              },
            },
          },
        },
        { ...parent, dependsOn: [secret] },
      );
      this.pdb(`${name}-sentinel-pdb`, n.sentinel, ns, sentinelLabels);

      new k8s.apps.v1.Deployment(
        `${name}-proxy`,
        {
          metadata: { name: n.proxy, namespace: ns, labels: proxyLabels },
          spec: {
            replicas: 2,
            selector: { matchLabels: proxyLabels },
            template: {
              metadata: { labels: proxyLabels },
              spec: {
                ...podBase,
                securityContext: restrictedPod(HAPROXY_UID),
                affinity: spreadHosts(proxyLabels),
                containers: [
                  {
                    name: "haproxy",
                    image: HAPROXY_IMAGE,
                    command: ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"],
                    env: passwordEnv.filter((e) => e.name === "VALKEY_PASSWORD"),
                    ports: [
                      { name: "valkey", containerPort: VALKEY_PORT },
                      { name: "health", containerPort: PROXY_HEALTH_PORT },
                    ],
                    resources: {
                      requests: { cpu: "100m", memory: "64Mi" },
                      limits: { cpu: "500m", memory: "256Mi" },
                    },
                    securityContext: restrictedContainer,
                    livenessProbe: {
                      httpGet: { path: "/healthz", port: "health" },
                      periodSeconds: 10,
                    },
                    readinessProbe: {
                      httpGet: { path: "/ready", port: "health" },
                      periodSeconds: 2,
                    },
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
                volumes: [{ name: "config", configMap: { name: config.metadata.name } }],
              },
            },
          },
        },
        { ...parent, dependsOn: [secret] },
      );
      this.pdb(`${name}-proxy-pdb`, n.proxy, ns, proxyLabels);
    }

    this.networkPolicy(name, args, instance);

    this.port = VALKEY_PORT;
    this.host = pulumi.interpolate`${n.service}.${ns}.svc`;
    this.endpoint = {
      host: this.host,
      port: VALKEY_PORT,
      password: pulumi.secret(password.result),
      tls: false,
      database: 0,
    };
    this.registerOutputs({ host: this.host, endpoint: this.endpoint });
  }

  private pdb(
    resourceName: string,
    objectName: string,
    ns: pulumi.Input<string>,
    labels: Record<string, string>,
  ) {
    new k8s.policy.v1.PodDisruptionBudget(
      resourceName,
      {
        metadata: { name: objectName, namespace: ns, labels },
        spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
      },
      { parent: this },
    );
  }

  private networkPolicy(name: string, args: ValkeyArgs, instance: Record<string, string>) {
    const fromNamespace = (namespace: string) => ({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
    });
    new k8s.networking.v1.NetworkPolicy(
      `${name}-ingress`,
      {
        metadata: { name: "valkey-ingress", namespace: args.namespace, labels: instance },
        spec: {
          podSelector: { matchLabels: instance },
          policyTypes: ["Ingress"],
          ingress: [
            // Tiers document, Firewall Rules: Redis (6379) internal only: the apps, and the set's
            // own pods (replication, sentinels, proxy health checks).
            {
              from: [fromNamespace(args.appsNamespace), { podSelector: { matchLabels: instance } }],
              ports: [
                { protocol: "TCP", port: VALKEY_PORT },
                { protocol: "TCP", port: SENTINEL_PORT },
              ],
            },
            {
              from: [fromNamespace(args.monitoringNamespace)],
              ports: [{ protocol: "TCP", port: EXPORTER_PORT }],
            },
          ],
        },
      },
      { parent: this },
    );
  }
}
