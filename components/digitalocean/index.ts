import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE, type StackConfig } from "../../config";
import type { ClusterFacts } from "../contract";
import { Alerts, AlertReceivers } from "./alerts";
import { Valkey } from "./cache";
import { Postgres } from "./database";
import { Kubernetes } from "./kubernetes";
import { Network } from "./network";
import { GATEWAY_CLIENT_ADDRESS } from "./load-balancer";
import { cachePlan, databasePlan, workMemMb } from "./managed-data-sizing";
import { nodePoolSpecs } from "./node-pools";
import { corsOrigins, mediaDomain, uptimeTargets } from "./public-hosts";
import { gatewaySizeUnits } from "./redundancy";
import { Spaces } from "./storage";
import { physicalName } from "../kit/naming";
import { dailyTime } from "../kit/schedule";
import { smarthostPort } from "../kit/smarthost";
import { defineCloudLayer } from "../kit/cloud-layer";
import { DIGITALOCEAN_MOCKS } from "../../plan/mock-outputs/digitalocean";
import { DIGITALOCEAN_PRICING } from "../../plan/pricers/digitalocean";

/**
 * DOKS ships this class beside its default: the same CSI block storage with reclaimPolicy Retain,
 * so a deleted claim (or namespace) leaves the data volume behind instead of destroying it.
 */
export const STORAGE_CLASS = "do-block-storage-retain";

function receivers(config: StackConfig): AlertReceivers {
  const { email, chat } = config.monitoring.receivers;
  return {
    emails: email?.to ?? [],
    slack: chat
      ? { channel: chat.channel, url: new pulumi.Config(NAMESPACE).requireSecret("chatWebhookUrl") }
      : undefined,
  };
}

/**
 * The DigitalOcean cloud layer: network, DOKS with role pools, managed Postgres, Valkey and
 * Spaces where the config chooses them, and DigitalOcean's uptime and resource alerts. Each is a
 * top-level component so the plan reports its cost apart. What runs inside the cluster is the
 * platform layer's; it receives the facts returned here.
 */
export function digitaloceanCluster(config: StackConfig): ClusterFacts {
  // What DigitalOcean cannot build was refused by the config gate (config/providers.ts).
  const stack = pulumi.getStack();
  const prefix = physicalName([pulumi.getProject(), stack], 40);
  const pools = nodePoolSpecs(config);

  const network = new Network("network", {
    prefix,
    region: config.region,
    cidr: config.network.cidr,
    adminCidrs: config.adminCidrs,
    smtpPort: smarthostPort(config.monitoring.receivers.email?.smarthost),
  });

  const kubernetes = new Kubernetes("cluster", {
    prefix,
    region: config.region,
    version: config.kubernetes.version,
    vpcId: network.vpcId,
    nodeTag: network.nodeTag,
    pools,
    // Production: no single point of failure. Staging "matches production architecture" (tiers
    // document), so upgrades are rehearsed on the same control plane; DOKS makes HA its default
    // from 1.36.
    ha: true,
    adminCidrs: config.adminCidrs,
    gatewaySizeUnits: gatewaySizeUnits(config),
  });

  // Where the managed Postgres and Valkey run, and the only cluster they trust.
  const placement = {
    prefix,
    region: config.region,
    vpcId: network.vpcId,
    kubernetesClusterId: kubernetes.clusterId,
  };
  const managed: NonNullable<ClusterFacts["managed"]> = {};
  const databaseIds: pulumi.Input<string>[] = [];

  if (config.database.mode === "managed") {
    const plan = databasePlan(config);
    const postgres = new Postgres("database", {
      ...placement,
      version: config.database.version,
      size: plan.type.name,
      standbys: plan.standbys,
      readReplicas: plan.readReplicas,
      // With more than one read-only node the platform's own PgBouncer pools the primary and
      // balances the nodes (DigitalOcean's pools front one node each); with one, DigitalOcean's pool.
      poolSize:
        config.database.pooler.enabled && plan.readReplicas <= 1
          ? config.database.pooler.defaultPoolSize
          : undefined,
      workMemMb: workMemMb(plan.type.memoryGb, config.database.maxConnections),
      backupTime: dailyTime(config.backups.schedule),
    });
    managed.database = postgres.connection;
    databaseIds.push(postgres.clusterId);
  }

  if (config.cache.mode === "managed") {
    const plan = cachePlan(config);
    const valkey = new Valkey("cache", { ...placement, size: plan.type.name, nodes: plan.nodes });
    managed.cache = valkey.connection;
    databaseIds.push(valkey.clusterId);
  }

  // DigitalOcean's CDN fronts Spaces only: with MinIO in the cluster, cdn.enabled has no effect here.
  let edge: ClusterFacts["edge"];
  if (config.objectStorage.mode === "managed") {
    const spaces = new Spaces("storage", {
      prefix,
      region: config.region,
      domain: config.domain,
      stack,
      buckets: config.objectStorage.buckets,
      backups: config.backups,
      corsOrigins: corsOrigins(config),
      cdn: { enabled: config.cdn.enabled, mediaDomain: mediaDomain(config) },
      storageGb: config.objectStorage.storageGb,
    });
    managed.objectStorage = spaces.storage;
    const media = mediaDomain(config);
    if (spaces.cdnEndpoint && media) edge = { cdn: [{ host: media, target: spaces.cdnEndpoint }] };
  }

  new Alerts("alerts", {
    prefix,
    targets: uptimeTargets(config),
    nodeTag: network.nodeTag,
    databaseIds,
    receivers: receivers(config),
  });

  return {
    provider: kubernetes.provider,
    pools: pools.map((p) => p.role),
    storageClass: STORAGE_CLASS,
    // DigitalOcean's CSI block storage expands volumes online (allowVolumeExpansion on DOKS).
    volumeExpansion: true,
    gatewayServiceAnnotations: kubernetes.gatewayServiceAnnotations,
    clientAddress: GATEWAY_CLIENT_ADDRESS,
    managed: Object.keys(managed).length > 0 ? managed : undefined,
    loadBalancers: true,
    access: {
      kubeconfig: kubernetes.kubeconfig,
      command: pulumi.interpolate`doctl kubernetes cluster kubeconfig save ${kubernetes.clusterName}`,
    },
    edge,
  };
}

/** The DigitalOcean layer as the program and the offline plan see it (components/kit/cloud-layer.ts). */
export const digitaloceanLayer = defineCloudLayer("digitalocean", digitaloceanCluster, {
  package: "digitalocean",
  pricing: DIGITALOCEAN_PRICING,
  mocks: DIGITALOCEAN_MOCKS,
});
