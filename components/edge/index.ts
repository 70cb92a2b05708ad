import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config";
import type { ClusterFacts, DnsRecordSpec } from "../contract";
import { physicalName } from "../kit/naming";
import { CloudflareEdge, type EdgeOrigin } from "./cloudflare";
import { stackReference } from "../region";
import { CLOUDFLARE_ORIGIN_PULL_CA, CLOUDFLARE_PROXY_HOPS } from "./origin";
import { R2Storage } from "./r2";
import { r2LocationHint } from "./r2-rules";
import { edgeHosts, recordType } from "./rules";

export * from "./rules";
export * from "./origin";
export * from "./uptime";
export * from "./r2-rules";
export { CloudflareEdge, hostLabel } from "./cloudflare";
export { R2Storage } from "./r2";

/**
 * The stack's managed object store when it is R2 (`objectStorage.provider: r2`, on a cloud without
 * a store of its own): built on the edge's Cloudflare account and handed to the platform as the
 * cloud's managed store, so MinIO is not deployed and backups, logs and apps use R2.
 */
export function withR2Storage(config: StackConfig, cluster: ClusterFacts): ClusterFacts {
  const store = config.objectStorage;
  if (store.mode !== "managed" || store.provider !== "r2") return cluster;
  const r2 = new R2Storage("r2", {
    accountId: config.edge.accountId,
    prefix: physicalName([pulumi.getProject(), pulumi.getStack()], 40),
    buckets: store.buckets,
    backups: config.backups,
    location: r2LocationHint(config.provider, config.region),
    storageGb: store.storageGb,
  });
  return { ...cluster, managed: { ...cluster.managed, objectStorage: r2.storage } };
}

/**
 * What the gateway must know of a Cloudflare edge before it is built: every host reaches it
 * through Cloudflare (so the client is in X-Forwarded-For, one trusted hop) and, with
 * `originLock`, only with Cloudflare's origin-pull certificate. CloudFront's facts come from the
 * AWS layer, which builds it; any other edge adds nothing.
 */
export function withEdgeFacts(config: StackConfig, cluster: ClusterFacts): ClusterFacts {
  const e = config.edge;
  if (e.provider !== "cloudflare" || !e.proxied) return cluster;
  const hosts = edgeHosts(config.domain, config.apps).map((h) => h.host);
  return {
    ...cluster,
    edge: {
      ...cluster.edge,
      proxied: {
        hosts,
        hops: CLOUDFLARE_PROXY_HOPS,
        ...(e.originLock ? { clientCa: CLOUDFLARE_ORIGIN_PULL_CA } : {}),
      },
    },
  };
}

/**
 * The gateways of the group's other regions (`multiRegion.peers`), from each peer stack's output
 * `gatewayAddress`. A peer that has none yet (not deployed, or offline, a stack already being
 * planned) gives an empty address: its pools stay disabled.
 */
export function peerOrigins(config: StackConfig): EdgeOrigin[] {
  return (config.multiRegion.peers ?? []).map((peer) => ({
    // Pool names take letters, digits, - and _ (Cloudflare API, load balancer pools: name).
    name: (peer.split("/").pop() ?? peer).replace(/[^A-Za-z0-9_-]/g, "-"),
    address: stackReference(peer)
      .getOutput("gatewayAddress")
      .apply((a) => (typeof a === "string" ? a : "")),
  }));
}

/** The edge a stack built, as the stack outputs report it. */
export interface EdgeOutputs {
  provider: "cloudflare";
  zoneId: string;
  /** The records the stack created in the zone. */
  records: pulumi.Output<DnsRecordSpec[]>;
}

/**
 * The edge in front of the gateway, chosen by `edge.provider`: Cloudflare here (its records point
 * at the gateway's load balancer); CloudFront is part of the AWS layer (components/aws/cdn.ts),
 * which needs the load balancer's own DNS name and the S3 bucket it fronts.
 */
export function edgeLayer(
  config: StackConfig,
  gateway: { addresses: pulumi.Output<string[]> },
): EdgeOutputs | undefined {
  const e = config.edge;
  if (e.provider !== "cloudflare") return undefined;
  const edge = new CloudflareEdge("edge", {
    domain: config.domain,
    zoneId: e.zoneId,
    accountId: e.accountId,
    plan: e.plan,
    hosts: edgeHosts(config.domain, config.apps),
    origins: [
      {
        name: config.region,
        address: gateway.addresses.apply((a) => a[0] ?? ""),
        recordType: recordType(config.provider),
      },
      ...peerOrigins(config),
    ],
    minTlsVersion: e.minTlsVersion,
    waf: e.waf,
    proxied: e.proxied,
    originLock: e.originLock,
    loadBalancing: e.loadBalancing,
    alertEmails: config.monitoring.receivers.email?.to ?? [],
  });
  return { provider: "cloudflare", zoneId: e.zoneId, records: edge.records };
}
