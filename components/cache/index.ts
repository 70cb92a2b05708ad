import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import {
  DOCUMENTED_ROTATION,
  rotatingPassword,
  secretChecksum,
  type RotationPeriods,
} from "../kit/rotation";
import type { Role, StackConfig } from "../../config";
import type { CacheEndpoint } from "../contract";
import {
  configChecksum,
  disruptionBudget,
  fromNamespace,
  ingressFrom,
  podPolicy,
  requireSelfHosted,
  stringSecret,
  tcpPorts,
  service,
} from "../k8s";
import { growDataClaims, keepClaimTemplates } from "../storage/volume-claims";
import {
  clusterJobPod,
  proxySpec,
  sentinelSpec,
  valkeyServerSpec,
  type ValkeyPods,
} from "./valkey-pods";
import {
  SHARD_LABEL,
  VALKEY_BUS_PORT,
  clusterCreateScript,
  clusterNodes,
  shardSetName,
  valkeyClusterConf,
  valkeyClusterStartScript,
} from "./valkey-cluster";
import {
  EXPORTER_PORT,
  SENTINEL_PORT,
  VALKEY_NAMES,
  VALKEY_PORT,
  haproxyConf,
  podHost,
  sentinelConfTemplate,
  sentinelStartScript,
  valkeyServerConf,
  valkeyStartScript,
  valkeyTopology,
  valkeyVolumeGi,
} from "./valkey-topology";

export * from "./valkey-topology";
export * from "./valkey-cluster";

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
  /** How long generated passwords live (config `secrets.rotation`). @default 90 / 180 days */
  rotation?: RotationPeriods;
  /** DNS domain of the cluster, for the pods' stable names. @default "cluster.local" */
  clusterDomain?: string;
}

/**
 * Redis-compatible cache on Valkey: `1 + cache.replicas` servers (pod 0 the primary, the others
 * replicas), AOF + RDB persistence, a metrics exporter beside each server, and, with Sentinel and at
 * least one replica, three sentinels (quorum 2) plus a small HAProxy that always points REDIS_URL
 * at the current primary. Without a replica it is a single server (no failover; the pod restarts).
 * With `cache.shards` of 3 or more it is a Redis Cluster instead: one StatefulSet per shard (its
 * primary and replicas spread over nodes), the cluster bus between the servers, and a Job that
 * forms the cluster once; REDIS_URL then names a seed and REDIS_CLUSTER says to use a cluster client.
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
    requireSelfHosted("cache", cache.mode, "Valkey");
    const ns = args.namespace;
    const n = VALKEY_NAMES;
    const domain = args.clusterDomain ?? "cluster.local";
    const topology = valkeyTopology(cache);
    const withSentinel = topology.sentinels > 0;
    const cluster = topology.cluster;
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
    const pdb = (resourceName: string, objectName: string, labels: Record<string, string>) =>
      disruptionBudget(resourceName, { name: objectName, namespace: ns, labels }, parent);

    const password = rotatingPassword(
      `${name}-password`,
      { kind: "database", periods: args.rotation ?? DOCUMENTED_ROTATION, length: 32 },
      parent,
    );
    this.password = pulumi.secret(password.result);
    const secret = stringSecret(
      `${name}-auth`,
      {
        name: n.secret,
        namespace: ns,
        labels: instance,
        stringData: { password: password.result },
      },
      parent,
    );
    const serverHosts = pulumi.output(ns).apply((namespace) =>
      Array.from({ length: topology.servers }, (_, i) => ({
        host: podHost(`${n.statefulSet}-${i}`, n.headless, namespace, domain),
        port: VALKEY_PORT,
      })),
    );
    const configData: Record<string, pulumi.Input<string>> = cluster
      ? {
          "valkey.conf": valkeyClusterConf(cache.memoryMb),
          "start-valkey.sh": valkeyClusterStartScript(),
          "create-cluster.sh": clusterCreateScript(),
        }
      : {
          "valkey.conf": valkeyServerConf(cache.memoryMb),
          "start-valkey.sh": valkeyStartScript(),
        };
    if (withSentinel) {
      configData["sentinel.conf"] = sentinelConfTemplate(topology.quorum);
      configData["start-sentinel.sh"] = sentinelStartScript();
      configData["haproxy.cfg"] = serverHosts.apply((servers) => haproxyConf(servers));
    }
    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      { metadata: { name: n.config, namespace: ns, labels: instance }, data: configData },
      parent,
    );
    const pods: ValkeyPods = {
      pools: args.pools,
      checksum: configChecksum(
        JSON.stringify(Object.entries(configData).filter(([, v]) => typeof v === "string")),
      ),
      secretChecksum: secretChecksum({ password: password.result }),
      configMap: config.metadata.name,
      domain,
      withSentinel,
    };

    // Replicas and sentinels resolve a server's name while it is still starting.
    service(
      `${name}-headless`,
      {
        name: n.headless,
        namespace: ns,
        labels: serverLabels,
        headless: true,
        selector: serverLabels,
        ports: [
          { name: "valkey", port: VALKEY_PORT, targetPort: "valkey" },
          { name: "metrics", port: EXPORTER_PORT, targetPort: "metrics" },
        ],
      },
      parent,
    );
    // One StatefulSet per shard in cluster mode: a shard's primary and replicas avoid each other's
    // nodes, and each shard keeps one pod out at a time on a drain.
    const sets = cluster
      ? Array.from({ length: topology.shards }, (_, shard) => ({
          resourceName: `${name}-shard-${shard}`,
          objectName: shardSetName(shard),
          labels: { ...serverLabels, [SHARD_LABEL]: String(shard) },
          replicas: 1 + cache.replicas,
        }))
      : [
          {
            resourceName: name,
            objectName: n.statefulSet,
            labels: serverLabels,
            replicas: topology.servers,
          },
        ];
    const statefulSets = sets.map((set) => {
      const statefulSet = new k8s.apps.v1.StatefulSet(
        set.resourceName === name ? `${name}-statefulset` : set.resourceName,
        {
          metadata: { name: set.objectName, namespace: ns, labels: set.labels },
          spec: valkeyServerSpec(pods, {
            labels: set.labels,
            replicas: set.replicas,
            memoryMb: cache.memoryMb,
            storageClass: args.storageClass,
          }),
        },
        // The volumes follow cache.memoryMb: through the claims, never by replacing the servers.
        keepClaimTemplates({ ...parent, protect: true, dependsOn: [secret] }),
      );
      growDataClaims(
        set.resourceName,
        args.expandVolumes,
        {
          namespace: ns,
          statefulSet: set.objectName,
          replicas: set.replicas,
          storage: `${valkeyVolumeGi(cache.memoryMb)}Gi`,
        },
        statefulSet,
        parent,
      );
      if (set.replicas > 1)
        pdb(
          set.resourceName === name ? `${name}-pdb` : `${set.resourceName}-pdb`,
          set.objectName,
          set.labels,
        );
      return statefulSet;
    });

    if (cluster) {
      const jobLabels = labelsOf("cluster-create");
      const nodes = pulumi
        .output(ns)
        .apply((namespace) =>
          clusterNodes(topology.shards, cache.replicas, namespace, domain).join(" "),
        );
      // Forms the cluster once every server answers; run again (a changed shape replaces the
      // Job), it adds only what is missing. `pulumi up` waits for it to complete.
      new k8s.batch.v1.Job(
        `${name}-cluster-create`,
        {
          metadata: { namespace: ns, labels: jobLabels },
          spec: {
            backoffLimit: 6,
            template: clusterJobPod(pods, { ...instance, ...jobLabels }, nodes, cache.replicas),
          },
        },
        { ...parent, dependsOn: statefulSets },
      );
    }

    // Apps reach the primary: pod 0 itself, or through HAProxy when Sentinel may move it; a
    // cluster client reaches any server and learns the shards from it.
    const proxyLabels = labelsOf("proxy");
    const primarySelector = cluster
      ? serverLabels
      : withSentinel
        ? proxyLabels
        : { ...serverLabels, "statefulset.kubernetes.io/pod-name": `${n.statefulSet}-0` };
    service(
      `${name}-service`,
      {
        name: n.service,
        namespace: ns,
        labels: instance,
        selector: primarySelector,
        ports: [{ name: "valkey", port: VALKEY_PORT, targetPort: VALKEY_PORT }],
      },
      parent,
    );

    if (withSentinel) {
      const sentinelLabels = labelsOf("sentinel");
      for (const [svcName, headless] of [
        [n.sentinel, false],
        [n.sentinelHeadless, true],
      ] as const)
        service(
          `${name}-${headless ? "sentinel-headless" : "sentinel-service"}`,
          {
            name: svcName,
            namespace: ns,
            labels: sentinelLabels,
            headless,
            selector: sentinelLabels,
            ports: [{ name: "sentinel", port: SENTINEL_PORT, targetPort: "sentinel" }],
          },
          parent,
        );
      new k8s.apps.v1.StatefulSet(
        `${name}-sentinel`,
        {
          metadata: { name: n.sentinel, namespace: ns, labels: sentinelLabels },
          spec: sentinelSpec(pods, sentinelLabels, topology.sentinels),
        },
        { ...parent, dependsOn: [secret] },
      );
      pdb(`${name}-sentinel-pdb`, n.sentinel, sentinelLabels);

      new k8s.apps.v1.Deployment(
        `${name}-proxy`,
        {
          metadata: { name: n.proxy, namespace: ns, labels: proxyLabels },
          spec: proxySpec(pods, proxyLabels),
        },
        { ...parent, dependsOn: [secret] },
      );
      pdb(`${name}-proxy-pdb`, n.proxy, proxyLabels);
    }

    // Tiers document, Firewall Rules: Redis (6379) internal only: the apps, and the set's own pods
    // (replication, sentinels, proxy health checks); monitoring reaches the exporters.
    podPolicy(
      `${name}-ingress`,
      {
        name: "valkey-ingress",
        namespace: ns,
        labels: instance,
        podSelector: instance,
        ingress: [
          {
            from: [fromNamespace(args.appsNamespace), { podSelector: { matchLabels: instance } }],
            ports: tcpPorts(VALKEY_PORT, SENTINEL_PORT),
          },
          ingressFrom(args.monitoringNamespace, EXPORTER_PORT),
          // The cluster bus: gossip, failure reports and failover votes between the servers.
          ...(cluster
            ? [
                {
                  from: [{ podSelector: { matchLabels: serverLabels } }],
                  ports: tcpPorts(VALKEY_BUS_PORT),
                },
              ]
            : []),
        ],
      },
      parent,
    );

    this.port = VALKEY_PORT;
    this.host = pulumi.interpolate`${n.service}.${ns}.svc`;
    this.endpoint = {
      host: this.host,
      port: VALKEY_PORT,
      password: pulumi.secret(password.result),
      tls: false,
      // A cluster serves database 0 alone; its clients take no database in the URL.
      ...(cluster ? { cluster: true } : { database: 0 }),
    };
    this.registerOutputs({ host: this.host, endpoint: this.endpoint });
  }
}
