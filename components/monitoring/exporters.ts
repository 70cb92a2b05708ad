import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Role } from "../../config";
import { restrictedContainer, restrictedPod } from "../apps/pod";
import {
  EXPORTER_IMAGE as REDIS_EXPORTER_IMAGE,
  EXPORTER_PORT as REDIS_EXPORTER_PORT,
} from "../cache/valkey-topology";
import { type ManagedCache, type ManagedDatabase } from "../contract";
import {
  placement,
  OWN_EGRESS_LABEL,
  serverEgress,
  fromNamespace,
  policiesIn,
  stringSecret,
  tcpPorts,
} from "../k8s";
import { postgresUrl } from "../platform/app-env";

/**
 * The Prometheus community's PostgreSQL exporter (prometheus-community/postgres_exporter, tag
 * v0.20.1). Its collectors publish under the `pg_` namespace (collector/collector.go), pg_up from
 * exporter/postgres_exporter.go; stat_database and settings are on by default (README, Flags).
 */
export const POSTGRES_EXPORTER_IMAGE = "quay.io/prometheuscommunity/postgres-exporter:v0.20.1";
/** postgres_exporter's default listen port (README, `web.listen-address`). */
export const POSTGRES_EXPORTER_PORT = 9187;
/** The image runs as `nobody` (Dockerfile `USER nobody`); its numeric id lets runAsNonRoot check it. */
export const POSTGRES_EXPORTER_UID = 65534;
/** redis_exporter's scratch image runs as 59000 (oliver006/redis_exporter Dockerfile `USER 59000:59000`). */
export const REDIS_EXPORTER_UID = 59000;
export { REDIS_EXPORTER_IMAGE, REDIS_EXPORTER_PORT };

/** Names of the exporters' Kubernetes objects. */
export const EXPORTER_NAMES = {
  postgres: "postgres-exporter",
  redis: "redis-exporter",
} as const;

export interface ManagedDataExportersArgs {
  /** Namespace of the exporters, beside the other data-tier pods. @example "data" */
  namespace: pulumi.Input<string>;
  /** Namespace of Prometheus, the only client of the exporters. @example "monitoring" */
  monitoringNamespace: string;
  /** Roles with a node pool of their own; the exporters go to `monitoring` if there. */
  pools: readonly Role[];
  /** Networks the managed servers' private addresses lie in; their only egress but DNS. @example ["10.0.0.0/16"] */
  serverNetworks: pulumi.Input<string>[];
  /** The managed PostgreSQL (RDS, DigitalOcean), from the cloud layer. @default undefined (none) */
  database?: ManagedDatabase;
  /** The managed Valkey/Redis (ElastiCache, DigitalOcean), from the cloud layer. @default undefined */
  cache?: ManagedCache;
  /** The monitoring stack, whose PodMonitor CRD the scrape configuration needs. @example [monitoring] */
  monitoring: pulumi.Resource[];
}

/** What an exporter's pod runs: its objects' name, image, the image's user, port, flags and probe. */
interface ExporterPod {
  name: string;
  image: string;
  uid: number;
  port: number;
  args: string[];
  probe: Record<string, unknown>;
}

const EXPORTERS: Record<keyof typeof EXPORTER_NAMES, ExporterPod> = {
  postgres: {
    name: EXPORTER_NAMES.postgres,
    image: POSTGRES_EXPORTER_IMAGE,
    uid: POSTGRES_EXPORTER_UID,
    port: POSTGRES_EXPORTER_PORT,
    args: [`--web.listen-address=:${POSTGRES_EXPORTER_PORT}`],
    // The exporter toolkit's landing page answers without touching the database.
    probe: { httpGet: { path: "/", port: "metrics" } },
  },
  redis: {
    name: EXPORTER_NAMES.redis,
    image: REDIS_EXPORTER_IMAGE,
    uid: REDIS_EXPORTER_UID,
    port: REDIS_EXPORTER_PORT,
    args: [],
    probe: { httpGet: { path: "/health", port: "metrics" } },
  },
};

type Resources = { requests: Record<string, string>; limits: Record<string, string> };
const EXPORTER_RESOURCES: Resources = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { cpu: "200m", memory: "128Mi" },
};

/**
 * Exporters for the data services a cloud manages, so that the database and cache alerts have
 * series to read (tiers document, Alerting Strategy: database unavailable pages on-call; Database
 * metrics: connection pool usage, deadlocks). postgres_exporter reads the managed Postgres and
 * redis_exporter the managed Valkey/Redis, each over TLS with the service's own credentials (a
 * Secret), one pod each, scraped through a PodMonitor. They reach nothing but DNS and their
 * server's port. Cost: 0.1 CPU / 128 MiB requested in all.
 */
export class ManagedDataExporters extends pulumi.ComponentResource {
  /** The metric families the exporters make available, for the alert rules. */
  public readonly postgres: boolean;
  public readonly cache: boolean;

  constructor(
    name: string,
    args: ManagedDataExportersArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("platform:observability:ManagedDataExporters", name, {}, opts);
    this.postgres = args.database !== undefined;
    this.cache = args.cache !== undefined;
    const db = args.database;
    // sslmode=require, as the apps and PgBouncer connect (components/platform/app-env.ts): the server
    // forces TLS, and its CA is a cloud download the platform layer does not carry.
    if (db)
      this.exporter(`${name}-postgres`, args, EXPORTERS.postgres, db.port, {
        DATA_SOURCE_NAME: pulumi
          .all([db.host, db.port, db.database, db.user, db.password])
          .apply(([host, port, database, user, password]) =>
            postgresUrl({ host, port, database, user, password }),
          ),
      });
    const cache = args.cache;
    // rediss://: ElastiCache and DigitalOcean require TLS; both present certificates of public
    // CAs (Amazon, Let's Encrypt: DigitalOcean "How to Connect to Valkey Database Clusters"),
    // which the exporter's image carries (/etc/ssl/certs), so the certificate is verified. The
    // password travels in its own variable (README, REDIS_PASSWORD), not in the URL.
    if (cache)
      this.exporter(`${name}-redis`, args, EXPORTERS.redis, cache.port, {
        REDIS_ADDR: pulumi.all([cache.host, cache.port]).apply(([h, p]) => `rediss://${h}:${p}`),
        REDIS_PASSWORD: pulumi.output(cache.password),
      });
    this.registerOutputs({});
  }

  private exporter(
    name: string,
    args: ManagedDataExportersArgs,
    e: ExporterPod,
    /** Port of the managed server, the exporter's only egress but DNS. */
    serverPort: pulumi.Input<number>,
    /** Environment from the exporter's Secret, one key per variable. */
    secretEnv: Record<string, pulumi.Output<string>>,
  ) {
    const parent = { parent: this };
    const ns = args.namespace;
    const labels = {
      "app.kubernetes.io/name": e.name,
      "app.kubernetes.io/component": "metrics",
      "app.kubernetes.io/part-of": "platform",
    };
    const secret = stringSecret(
      `${name}-connection`,
      {
        name: `${e.name}-connection`,
        namespace: ns,
        labels,
        stringData: Object.fromEntries(
          Object.entries(secretEnv).map(([k, v]) => [k, pulumi.secret(v)]),
        ),
      },
      parent,
    );
    new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: e.name, namespace: ns, labels },
        spec: {
          // One scraper per server: a second would double every series the rules sum.
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels: { ...labels, [OWN_EGRESS_LABEL]: "own" } },
            spec: {
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: restrictedPod(e.uid),
              ...placement("monitoring", args.pools),
              containers: [
                {
                  name: "exporter",
                  image: e.image,
                  args: e.args,
                  env: Object.keys(secretEnv).map((variable) => ({
                    name: variable,
                    valueFrom: { secretKeyRef: { name: `${e.name}-connection`, key: variable } },
                  })),
                  ports: [{ name: "metrics", containerPort: e.port }],
                  resources: EXPORTER_RESOURCES,
                  securityContext: restrictedContainer,
                  readinessProbe: { ...e.probe, periodSeconds: 10 },
                  livenessProbe: { ...e.probe, periodSeconds: 20, failureThreshold: 6 },
                },
              ],
            },
          },
        },
      },
      { ...parent, dependsOn: [secret] },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-pod-monitor`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: { name: e.name, namespace: ns, labels },
        spec: { selector: { matchLabels: labels }, podMetricsEndpoints: [{ port: "metrics" }] },
      },
      { ...parent, dependsOn: args.monitoring },
    );
    const policy = policiesIn({ namespace: ns, labels, parent: this });
    const podSelector = { matchLabels: labels };
    policy(`${name}-ingress`, {
      name: `${e.name}-ingress`,
      podSelector,
      ingress: [{ from: [fromNamespace(args.monitoringNamespace)], ports: tcpPorts(e.port) }],
    });
    // The pods carry OWN_EGRESS_LABEL, so the namespace's baseline (HTTPS out) skips them: they
    // reach the cluster DNS and their server's port in the network, nothing else.
    policy(`${name}-egress`, {
      name: `${e.name}-egress`,
      podSelector,
      egress: serverEgress(args.serverNetworks, serverPort),
    });
  }
}
