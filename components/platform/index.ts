import * as pulumi from "@pulumi/pulumi";
import { environmentOf, StackConfig } from "../../config";
import { App, appBackends } from "../apps";
import { Valkey } from "../cache";
import type { ClusterFacts } from "../contract";
import { Backups, scratchSizeGb } from "../backups";
import { Delivery, isProgressive } from "../delivery";
import { PgBouncer, Postgres, POSTGRES_NAMES } from "../database";
import { databaseNodes, postgresInstanceShare } from "../database/cnpg";
import { Logging } from "../logging";
import { Monitoring } from "../monitoring";
import type { MetricSources } from "../monitoring/alert-rules";
import { ManagedDataExporters } from "../monitoring/exporters";
import { ScrapeTargets } from "../monitoring/scrape-targets";
import { Gateway } from "../gateway";
import { managedS3Target, MinIO, offsiteS3Target, type S3Target } from "../storage";
import { appAccountAnnotations, managedDataEnv } from "./env";
import { Namespace } from "../k8s";

/**
 * The database section each Postgres instance is built from: where the stack has a `db` pool, the
 * instance's share of the pool's node (postgresInstanceShare): the documents' single database
 * node (medium tier, self-hosted design) holds the primary and its replica, half each.
 */
export function sharedDatabaseNode(config: StackConfig): StackConfig["database"] {
  const db = config.database;
  if (!config.nodePools.db?.desired) return db;
  const { memoryGb, vcpu } = postgresInstanceShare(db, config.nodePools);
  return { ...db, memoryGb, vcpu };
}

/**
 * The scrape targets a stack deploys, which decide the alert rules it runs: CloudNativePG's
 * exporters for the self-hosted database and its pooler, postgres_exporter and redis_exporter for
 * managed services (components/monitoring/exporters.ts), pgbouncer_exporter beside the PgBouncer
 * in front of a managed server, the Valkey sidecar, and the gateway's Envoy and cert-manager.
 */
export function metricSources(config: StackConfig, cluster: ClusterFacts): MetricSources {
  const selfHostedDb = config.database.mode === "self-hosted";
  const managedDb = cluster.managed?.database;
  return {
    cloudnativePg: selfHostedDb,
    cnpgPooler: selfHostedDb && config.database.pooler.enabled,
    postgresExporter: managedDb !== undefined,
    pgbouncerExporter:
      managedDb !== undefined && !managedDb.pooled && config.database.pooler.enabled,
    redisExporter: config.cache.mode === "self-hosted" || cluster.managed?.cache !== undefined,
    envoy: true,
    certManager: true,
  };
}

export interface PlatformArgs {
  config: StackConfig;
  cluster: ClusterFacts;
}

/**
 * The provider-agnostic platform layer: everything that runs inside the cluster, written once for
 * every provider. Cost: the cluster it runs on (priced by the cloud layer).
 */
export class Platform extends pulumi.ComponentResource {
  public readonly namespaces: Record<"apps" | "gateway" | "data" | "monitoring", string>;
  public readonly apps: App[];
  public readonly gateway: Gateway;
  public readonly monitoring: Monitoring;
  /** The self-hosted database and cache, where the config runs them in the cluster. */
  public readonly postgres?: Postgres;
  public readonly valkey?: Valkey;
  /** PgBouncer in front of a managed database, where the tier asks for one. */
  public readonly pooler?: PgBouncer;
  /** The progressive-delivery controller, where an app releases blue-green or canary. */
  public readonly delivery?: Delivery;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:platform:Platform", name, {}, { ...opts, providers: [args.cluster.provider] });
    const parent = { parent: this };
    const { config, cluster } = args;
    const environment = environmentOf(config.tier);
    const progressive = config.apps.some((app) => isProgressive(app.release));
    this.namespaces = {
      apps: config.kubernetes.namespace,
      gateway: "gateway",
      data: "data",
      monitoring: "monitoring",
    };
    const managedPorts = [cluster.managed?.database, cluster.managed?.cache].flatMap((m) =>
      m ? [m.port] : [],
    );
    const appsNs = new Namespace(
      `${name}-apps`,
      {
        name: this.namespaces.apps,
        managedData: { cidr: config.network.cidr, ports: managedPorts },
      },
      parent,
    );
    const gatewayNs = new Namespace(`${name}-gateway`, { name: this.namespaces.gateway }, parent);
    const dataNs = new Namespace(`${name}-data`, { name: this.namespaces.data }, parent);
    const monitoringNs = new Namespace(
      `${name}-monitoring`,
      { name: this.namespaces.monitoring },
      parent,
    );

    // DMZ tier: the only entry from outside the cluster.
    this.gateway = new Gateway(
      `${name}-gateway`,
      {
        domain: config.domain,
        apps: config.apps.map((app) => ({
          name: app.name,
          host: app.host,
          pathPrefix: app.pathPrefix,
          public: app.public,
          backends: appBackends(app),
          port: app.port,
          cacheDynamic: app.cacheDynamic,
        })),
        pools: cluster.pools,
        environment,
        acmeEmail: config.tls.acmeEmail || `hostmaster@${config.domain}`,
        gatewayNamespace: this.namespaces.gateway,
        appsNamespace: this.namespaces.apps,
        monitoringNamespace: this.namespaces.monitoring,
        serviceAnnotations: cluster.gatewayServiceAnnotations,
        // The load balancer's annotations and Envoy's listener follow the same cloud fact.
        clientAddress: cluster.clientAddress,
        proxied: cluster.edge?.proxied,
        awaitAddress: cluster.loadBalancers,
        // The delivery controller's error-rate analysis reads Envoy's per-endpoint counters.
        endpointStats: progressive,
        // A laptop cluster or the small tier's single server cannot spare half a core a proxy.
        proxyResources:
          config.tier === "local" || config.tier === "small"
            ? { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } }
            : undefined,
      },
      { ...parent, dependsOn: [gatewayNs] },
    );

    // Data tier: self-hosted services where the config says so; managed ones come from the cloud layer.
    const data = { ...parent, dependsOn: [dataNs] };
    const common = {
      namespace: dataNs.name,
      appsNamespace: this.namespaces.apps,
      monitoringNamespace: this.namespaces.monitoring,
      pools: cluster.pools,
      storageClass: cluster.storageClass,
    };
    const secretEnv: Record<string, pulumi.Input<string>> = {};
    const store = cluster.managed?.objectStorage;
    let backup: S3Target | undefined;
    let media: S3Target | undefined;
    if (config.objectStorage.mode === "self-hosted") {
      const objects = new MinIO(
        `${name}-minio`,
        {
          ...common,
          objectStorage: config.objectStorage,
          expandVolumes: cluster.volumeExpansion,
        },
        data,
      );
      backup = objects.backupTarget;
      if (objects.buckets.media) media = { ...objects.backupTarget, bucket: objects.buckets.media };
      Object.assign(secretEnv, objects.secretEnv);
    } else if (store) {
      backup = managedS3Target(store, "backup");
      if (store.buckets.media !== undefined) media = managedS3Target(store, "media");
    }
    if (config.database.mode === "self-hosted") {
      if (!backup)
        throw new pulumi.RunError(
          "database.mode self-hosted needs object storage for its WAL archive and backups",
        );
      const db = new Postgres(
        `${name}-postgres`,
        {
          ...common,
          database: sharedDatabaseNode(config),
          backupSchedule: config.backups.schedule,
          backup,
          certManager: [this.gateway.certManager],
          dbNodes: databaseNodes(config.nodePools, cluster.pools),
        },
        data,
      );
      Object.assign(secretEnv, db.secretEnv);
      this.postgres = db;
    }
    if (config.cache.mode === "self-hosted") {
      const cache = new Valkey(
        `${name}-valkey`,
        { ...common, cache: config.cache, expandVolumes: cluster.volumeExpansion },
        data,
      );
      Object.assign(secretEnv, cache.secretEnv);
      this.valkey = cache;
    }

    // Management tier: monitoring, logs and the backup jobs.
    const observed = { ...parent, dependsOn: [monitoringNs] };
    const logging = new Logging(
      `${name}-logging`,
      {
        logging: config.logging,
        tier: config.tier,
        namespace: this.namespaces.monitoring,
        grafanaNamespace: this.namespaces.monitoring,
        pools: cluster.pools,
        storageClass: cluster.storageClass,
        objectStorage:
          store?.buckets.logs !== undefined ? managedS3Target(store, "logs") : undefined,
      },
      observed,
    );
    const monitoring = new Monitoring(
      `${name}-monitoring`,
      {
        monitoring: config.monitoring,
        tier: config.tier,
        namespace: this.namespaces.monitoring,
        pools: cluster.pools,
        storageClass: cluster.storageClass,
        lokiUrl: logging.lokiUrl,
        sources: metricSources(config, cluster),
      },
      observed,
    );
    // Tiers document, Deployment Strategy: blue-green and canary releases, run by a controller.
    const delivery = progressive
      ? new Delivery(
          `${name}-delivery`,
          {
            pools: cluster.pools,
            production: environment === "production",
            monitoringNamespace: this.namespaces.monitoring,
            monitoring: [monitoring],
          },
          parent,
        )
      : undefined;
    this.delivery = delivery;
    this.monitoring = monitoring;
    new ScrapeTargets(
      `${name}-scrape-targets`,
      {
        gatewayNamespace: this.namespaces.gateway,
        dataNamespace: this.namespaces.data,
        valkey: this.valkey !== undefined,
        minio: config.objectStorage.mode === "self-hosted",
        monitoring: [monitoring],
      },
      { ...parent, dependsOn: [gatewayNs, dataNs] },
    );
    if (cluster.managed?.database || cluster.managed?.cache)
      new ManagedDataExporters(
        `${name}-exporters`,
        {
          namespace: dataNs.name,
          monitoringNamespace: this.namespaces.monitoring,
          pools: cluster.pools,
          serverNetwork: config.network.cidr,
          database: cluster.managed?.database,
          cache: cluster.managed?.cache,
          monitoring: [monitoring],
        },
        data,
      );
    const managedDb = cluster.managed?.database;
    // Tiers document, Large Deployments: PgBouncer in front of a managed server that has no pool.
    const pooler =
      managedDb && !managedDb.pooled && config.database.pooler.enabled
        ? new PgBouncer(
            `${name}-pgbouncer`,
            {
              ...common,
              database: config.database,
              server: managedDb,
              serverNetwork: config.network.cidr,
              certManager: [this.gateway.certManager],
              monitoring: [monitoring],
            },
            data,
          )
        : undefined;
    this.pooler = pooler;
    Object.assign(secretEnv, managedDataEnv(cluster.managed ?? {}, pooler));
    if (config.database.mode !== "none" && backup && media) {
      new Backups(
        `${name}-backups`,
        {
          namespace: this.namespaces.data,
          backups: config.backups,
          database:
            config.database.mode === "self-hosted" || !managedDb
              ? // Straight to the primary: pg_dump needs a session, which a transaction pooler breaks.
                {
                  host: `postgres-rw.${this.namespaces.data}.svc.cluster.local`,
                  port: 5432,
                  database: POSTGRES_NAMES.database,
                  user: POSTGRES_NAMES.owner,
                  password: { secretName: POSTGRES_NAMES.credentials, key: "password" },
                  version: config.database.version,
                }
              : {
                  host: managedDb.host,
                  port: managedDb.port,
                  database: managedDb.database,
                  user: managedDb.user,
                  password: { value: managedDb.password },
                  version: config.database.version,
                },
          target: backup,
          media,
          offsite: config.backups.offsite && offsiteS3Target(config.backups.offsite),
          // Managed buckets prune by lifecycle rules; MinIO by the job itself.
          lifecycleRules: store !== undefined,
          pools: cluster.pools,
          storageClass: cluster.storageClass,
          scratchGb: scratchSizeGb(config.database.storageGb),
        },
        data,
      );
    }

    // App tier.
    this.apps = config.apps.map(
      (app) =>
        new App(
          `${name}-${app.name}`,
          {
            app,
            namespace: appsNs.name,
            pools: cluster.pools,
            gatewayNamespace: this.namespaces.gateway,
            monitoringNamespace: this.namespaces.monitoring,
            secretEnv,
            // `platform:apps` from `secure:`: its env is kept secret (config/secrets.ts).
            envIsSecret: config.secretKeys?.includes("apps") ?? false,
            serviceAccountAnnotations: appAccountAnnotations(store),
            delivery: delivery && {
              dependsOn: [delivery.release],
              prometheusUrl: monitoring.prometheusUrl,
              namespace: this.namespaces.apps,
            },
          },
          parent,
        ),
    );
    this.registerOutputs({});
  }
}
