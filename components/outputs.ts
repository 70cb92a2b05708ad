import * as pulumi from "@pulumi/pulumi";
import { type StackConfig } from "../config";
import { drRegionFor } from "./aws/backups";
import type { ClusterFacts, DnsRecordSpec } from "./contract";
import type { EdgeOutputs } from "./edge";
import { alertReceiverLines, alertSourceLines, outsideChecks } from "./escalation";
import type { Platform } from "./platform";
import type { ReplicationSecrets, ReplicationSource } from "./region";

/** A DNS record the user creates at whatever serves the domain: the program manages no zone. */
export interface DnsRecord extends DnsRecordSpec {
  /** Why the record is needed. */
  purpose: string;
}

/** Stands in for the gateway's address where the stack does not wait for one (existing clusters). */
export const PENDING_ADDRESS = "<gatewayAddress>";

export interface DnsPlan {
  /** The stack's domain, the apex host. @example "example.com" */
  domain: string;
  /** Every host the gateway serves, apex first (Gateway.hosts). */
  gatewayHosts: string[];
  /** The gateway load balancer's addresses (IPs or a host name); empty while unknown. */
  gatewayAddresses: string[];
  /** Hosts a CDN answers instead of the gateway, each with the name it points at. */
  cdn?: { host: string; target: string }[];
  /** Names that must reach the gateway for the CDN (its origin). */
  originHosts?: string[];
  /** Records that prove the domain to a certificate authority. */
  validation?: DnsRecordSpec[];
  /** Records the stack keeps itself (a region's origin records), listed as created. */
  created?: DnsRecord[];
  /** Another stack's edge answers the hosts: their records are listed there, not here. */
  frontedBy?: string;
}

/** DNS names without the root's trailing dot, lowercase, as DNS consoles take them. */
const bare = (name: string) => name.replace(/\.$/, "").toLowerCase();
const isIpv4 = (v: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(v);
const isIpv6 = (v: string) => v.includes(":");

/**
 * Records that send `name` to `targets`: an A or AAAA record per address, or one CNAME to a host
 * name. A CNAME cannot sit at a zone's apex beside its SOA and NS records (RFC 1034 §3.6.2, RFC
 * 2181 §10.1), so the stack's own domain gets an ALIAS (Route 53 alias, ANAME, CNAME flattening).
 */
export function pointAt(
  name: string,
  targets: string[],
  domain: string,
  purpose: string,
): DnsRecord[] {
  const host = bare(name);
  const addresses = targets.filter((t) => isIpv4(t) || isIpv6(t));
  if (addresses.length > 0)
    return addresses.map((value) => ({
      name: host,
      type: isIpv6(value) ? "AAAA" : "A",
      value,
      purpose,
    }));
  const target = targets[0];
  if (target === undefined) return [];
  if (target === PENDING_ADDRESS)
    return [
      {
        name: host,
        type: "A",
        value: target,
        purpose: `${purpose} (a CNAME if it is a host name)`,
      },
    ];
  return [
    { name: host, type: host === bare(domain) ? "ALIAS" : "CNAME", value: bare(target), purpose },
  ];
}

/**
 * Every record a user must create after `pulumi up`: the apex and each app host at the gateway's
 * load balancer (or at the CDN for the hosts it answers), the CDN's origin name at the gateway,
 * and the certificate authority's validation records. Each name and type appears once.
 */
export function dnsRecords(plan: DnsPlan): DnsRecord[] {
  const gateway = plan.gatewayAddresses.length > 0 ? plan.gatewayAddresses : [PENDING_ADDRESS];
  const viaCdn = new Set((plan.cdn ?? []).map((c) => bare(c.host)));
  const records = [
    ...plan.gatewayHosts
      .filter((h) => !viaCdn.has(bare(h)) && plan.frontedBy === undefined)
      .flatMap((h) => pointAt(h, gateway, plan.domain, "the gateway's load balancer")),
    ...(plan.cdn ?? []).flatMap((c) => pointAt(c.host, [c.target], plan.domain, "the CDN")),
    ...(plan.originHosts ?? []).flatMap((h) =>
      pointAt(h, gateway, plan.domain, "the CDN's origin: the gateway's load balancer"),
    ),
    ...(plan.validation ?? []).map((v) => ({
      name: bare(v.name),
      type: v.type,
      value: v.type === "CNAME" ? bare(v.value) : v.value,
      purpose: "certificate validation",
    })),
    ...(plan.created ?? []).map((r) => ({ ...r, name: bare(r.name) })),
  ];
  const seen = new Set<string>();
  return records.filter((r) => {
    const key = `${r.name} ${r.type} ${r.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The `kubectl port-forward` that reaches an in-cluster URL such as
 * `http://grafana.monitoring.svc.cluster.local:80` on localhost.
 */
export function portForward(inClusterUrl: string, localPort: number, kubectl = "kubectl"): string {
  const url = new URL(inClusterUrl);
  const [service, namespace] = url.hostname.split(".");
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return `${kubectl} -n ${namespace} port-forward svc/${service} ${localPort}:${port}`;
}

/** A service the apps connect to: where, and no credentials. */
export interface Endpoint {
  host: string;
  port: number;
}

/** What a user needs after `pulumi up`; secrets stay secrets. */
export interface StackOutputs {
  /** The kubeconfig the program deploys with (secret); absent on a cluster the user brings. */
  kubeconfig?: pulumi.Output<string>;
  /** The kubeconfig context an existing cluster is reached with. */
  kubeContext?: string;
  /** The command that writes or fetches the kubeconfig. */
  kubeconfigCommand?: pulumi.Output<string>;
  /** Per principal of kubernetes.access, the command that writes its kubeconfig (aws). */
  kubeconfigCommands?: Record<string, string>;
  /** The gateway load balancer's address: an IP or a host name (AWS NLB). */
  gatewayAddress: pulumi.Output<string>;
  /** The command that reads the address, where the stack does not wait for one. */
  gatewayAddressCommand?: string;
  dnsRecords: pulumi.Output<DnsRecord[]>;
  grafana: { url: string; portForward: string; user: string };
  grafanaAdminPassword: pulumi.Output<string>;
  alertmanager: { url: string; portForward: string };
  database?: pulumi.Output<
    Endpoint & { readOnly: Endpoint; managed: boolean; pooled: boolean; tls: boolean }
  >;
  /** `cluster: true` when it is a Redis Cluster: `host` is a seed for a cluster client. */
  cache?: pulumi.Output<Endpoint & { managed: boolean; tls: boolean; cluster?: true }>;
  /** The one address the apps' DATABASE_READ_URL names: `host:port` or `host:port/database`. */
  databaseReadEndpoint?: pulumi.Output<string>;
  /** What that endpoint balances: every read replica (`host:port`), or how the operator does it. */
  databaseReadReplicas?: pulumi.Output<string[]>;
  /** Every place a backup copy lands, with its region: the documents' primary and secondary copies. */
  backupTargets?: pulumi.Output<string[]>;
  /** Who is paged for critical alerts and who is warned for warnings (components/escalation.ts). */
  alertReceivers: string[];
  /** Every alert with its severity and the exporter or cloud service its data comes from. */
  alertSources: string[];
  /** Where this region's data lives, for a secondary region's StackReference (components/region). */
  replication?: pulumi.Input<ReplicationSource>;
  /** The credentials a secondary region needs (secret). */
  replicationSecrets?: pulumi.Output<ReplicationSecrets>;
}

function databaseOutput(
  config: StackConfig,
  cluster: ClusterFacts,
  platform: Platform,
): StackOutputs["database"] {
  const pg = platform.postgres;
  if (pg)
    return pulumi.output({
      host: pg.host,
      port: pg.port,
      readOnly: { host: pg.readHost, port: pg.port },
      managed: false,
      pooled: config.database.pooler.enabled,
      // CloudNativePG serves TLS with its own CA; the apps connect with sslmode=require.
      tls: true,
    });
  const m = cluster.managed?.database;
  if (!m) return undefined;
  const pooler = platform.pooler;
  return pulumi.output({
    host: pooler ? pooler.host : m.host,
    port: pooler ? pooler.port : m.port,
    readOnly: pooler?.readDatabase
      ? { host: pooler.host, port: pooler.port }
      : { host: m.readHosts?.[0] ?? m.host, port: m.port },
    managed: true,
    pooled: !!pooler || !!m.pooled,
    tls: true,
  });
}

/** The read endpoint of the database and the replicas behind it (tiers document, Read Replicas). */
function readOutputs(
  config: StackConfig,
  cluster: ClusterFacts,
  platform: Platform,
): Pick<StackOutputs, "databaseReadEndpoint" | "databaseReadReplicas"> {
  const pg = platform.postgres;
  const n = config.database.replicas;
  if (pg)
    return {
      databaseReadEndpoint: pulumi.interpolate`${pg.readHost}:${pg.port}`,
      // CloudNativePG's read-only Service selects every replica; kube-proxy spreads connections.
      databaseReadReplicas:
        n > 0 ? pulumi.output([`${n} CloudNativePG replica(s) behind that Service`]) : undefined,
    };
  const m = cluster.managed?.database;
  const hosts = m?.readHosts ?? [];
  if (!m || hosts.length === 0) return {};
  const replicas = pulumi
    .all([pulumi.all(hosts), m.port])
    .apply(([hs, port]) => hs.map((h) => `${h}:${port}`));
  const pooler = platform.pooler;
  if (pooler?.readDatabase)
    return {
      databaseReadEndpoint: pulumi.interpolate`${pooler.host}:${pooler.port}/${pooler.readDatabase}`,
      databaseReadReplicas: replicas,
    };
  return { databaseReadEndpoint: replicas.apply((r) => r[0]), databaseReadReplicas: replicas };
}

/** The host of an endpoint URL, or the text itself when it is none. */
const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
};

/**
 * Where backups land (tiers document, Backup Strategy: "Primary: Same cloud provider (different
 * region)", "Secondary: Different cloud provider"): the backup bucket, the provider's own database
 * backups, AWS Backup's copy region on the large tiers, and the off-site bucket.
 */
function backupTargets(config: StackConfig, cluster: ClusterFacts): StackOutputs["backupTargets"] {
  if (config.database.mode === "none") return undefined;
  const lines: pulumi.Input<string>[] = [];
  const store = cluster.managed?.objectStorage;
  const bucket = config.objectStorage.buckets.find((b) => b.purpose === "backup")?.name;
  if (store?.buckets.backup !== undefined)
    lines.push(
      pulumi
        .all([store.endpoint, store.buckets.backup])
        .apply(([endpoint, name]) => `backup bucket: ${hostOf(endpoint)}/${name}`),
    );
  else if (config.objectStorage.mode === "self-hosted" && bucket)
    lines.push(`backup bucket: ${bucket} in the cluster's MinIO (${config.region})`);
  if (config.database.mode === "managed") {
    if (config.provider === "aws") {
      lines.push(`RDS automated backups, point-in-time recovery (${config.region})`);
      const copy = config.database.crossRegionBackupCopy ? drRegionFor(config.region) : undefined;
      lines.push(
        `AWS Backup vault (${config.region})${copy ? `, recovery points copied to ${copy}` : ""}`,
      );
    }
    if (config.provider === "digitalocean")
      lines.push(`DigitalOcean daily backups, point-in-time recovery (${config.region})`);
  }
  const offsite = config.backups.offsite;
  if (offsite)
    lines.push(`off-site copy: ${hostOf(offsite.endpoint)}/${offsite.bucket} (${offsite.region})`);
  return pulumi.all(lines);
}

function cacheOutput(cluster: ClusterFacts, platform: Platform): StackOutputs["cache"] {
  const v = platform.valkey;
  const m = v ? v.endpoint : cluster.managed?.cache;
  return (
    m &&
    pulumi.output({
      host: m.host,
      port: m.port,
      managed: !v,
      tls: !v,
      ...(m.cluster ? { cluster: true as const } : {}),
    })
  );
}

/**
 * The stack outputs: how to reach the cluster, the gateway's address and the DNS records to
 * create, where Grafana and Alertmanager are, and the data services' endpoints.
 */
export function stackOutputs(
  config: StackConfig,
  cluster: ClusterFacts,
  platform: Platform,
  managedEdge?: EdgeOutputs,
): StackOutputs {
  const access = cluster.access ?? {};
  const kubectl = access.context ? `kubectl --context ${access.context}` : "kubectl";
  const gw = platform.gateway;
  const edge = cluster.edge ?? {};
  const cdn = pulumi.all((edge.cdn ?? []).map((c) => pulumi.all([c.host, c.target])));
  // With the Cloudflare edge the stack creates the records itself; what is left is delegating
  // the domain to the zone's name servers (README, "The edge").
  const managed = managedEdge?.records.apply((rs) =>
    rs.map((r) => ({
      ...r,
      purpose: `created by the stack in ${managedEdge.provider} zone ${managedEdge.zoneId}: nothing to add once ${config.domain} is delegated to it`,
    })),
  );
  const records =
    managed ??
    pulumi
      .all([gw.addresses, cdn, edge.validationRecords ?? [], edge.createdRecords ?? []])
      .apply(([addresses, cdnTargets, validation, created]) =>
        dnsRecords({
          domain: config.domain,
          gatewayHosts: gw.hosts,
          gatewayAddresses: addresses,
          cdn: cdnTargets.map(([host, target]) => ({ host, target })),
          originHosts: edge.originHosts,
          validation,
          created,
          frontedBy:
            edge.frontedBy && `${edge.frontedBy.provider} of stack ${edge.frontedBy.stack}`,
        }),
      );
  const monitoring = platform.monitoring;
  return {
    kubeconfig: access.kubeconfig === undefined ? undefined : pulumi.secret(access.kubeconfig),
    kubeContext:
      config.provider === "existing" ? (access.context ?? "(the current context)") : undefined,
    kubeconfigCommand: access.command === undefined ? undefined : pulumi.output(access.command),
    kubeconfigCommands:
      access.grants && Object.keys(access.grants).length > 0 ? access.grants : undefined,
    gatewayAddress: gw.addresses.apply((a) => a[0] ?? ""),
    gatewayAddressCommand: cluster.loadBalancers
      ? undefined
      : `${kubectl} -n ${gw.gatewayNamespace} get gateway ${gw.gatewayName} ` +
        "-o jsonpath='{.status.addresses[0].value}'",
    dnsRecords: records,
    grafana: {
      url: "http://localhost:3000",
      portForward: portForward(monitoring.grafanaUrl, 3000, kubectl),
      user: "admin",
    },
    grafanaAdminPassword: monitoring.grafanaAdminPassword,
    alertmanager: {
      url: "http://localhost:9093",
      portForward: portForward(monitoring.alertmanagerUrl, 9093, kubectl),
    },
    database: databaseOutput(config, cluster, platform),
    cache: cacheOutput(cluster, platform),
    ...readOutputs(config, cluster, platform),
    backupTargets: backupTargets(config, cluster),
    alertReceivers: alertReceiverLines(config),
    alertSources: alertSourceLines(monitoring.alertRules, outsideChecks(config)),
    // What a secondary region reads through a StackReference (components/region).
    replication: cluster.replication?.source,
    replicationSecrets: cluster.replication && pulumi.secret(cluster.replication.secrets),
  };
}
