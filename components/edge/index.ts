import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config";
import type { ClusterFacts, DnsRecordSpec } from "../contract";
import { CloudflareEdge } from "./cloudflare";
import { CLOUDFLARE_ORIGIN_PULL_CA, CLOUDFLARE_PROXY_HOPS } from "./origin";
import { edgeHosts, recordType } from "./rules";

export * from "./rules";
export * from "./origin";
export * from "./uptime";
export { CloudflareEdge, hostLabel } from "./cloudflare";

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
