import type { StackConfig } from "../../config";
import type { ClusterFacts } from "../contract";
import {
  Backups,
  RestoreCheck,
  backupSecretName,
  restoreScratchGb,
  scratchSizeGb,
  type BackupDatabase,
} from "../backups";
import { Delivery } from "../delivery";
import { POSTGRES_NAMES } from "../database";
import { Logging } from "../logging";
import { Monitoring } from "../monitoring";
import type { MetricSources } from "../monitoring/alert-rules";
import { ScrapeTargets } from "../monitoring/scrape-targets";
import { managedS3Target, offsiteS3Target } from "../storage";
import { dataPlacement, unpooledServer, type DataTier } from "./data";
import type { PlatformScope } from "./namespaces";
import { standbyRefresh } from "./standby";

/**
 * The scrape targets a stack deploys, which decide the alert rules it runs: CloudNativePG's
 * exporters for the self-hosted database and its pooler, postgres_exporter and redis_exporter for
 * managed services (components/monitoring/exporters.ts), pgbouncer_exporter beside the PgBouncer
 * in front of a managed server, the Valkey sidecar, and the gateway's Envoy and cert-manager.
 */
export function metricSources(config: StackConfig, cluster: ClusterFacts): MetricSources {
  const placement = dataPlacement(config, cluster);
  const selfHostedDb = placement.database.mode === "self-hosted";
  return {
    cloudnativePg: selfHostedDb,
    cnpgPooler: selfHostedDb && config.database.pooler.enabled,
    postgresExporter: placement.database.mode === "managed",
    pgbouncerExporter: unpooledServer(placement, config) !== undefined,
    redisExporter: placement.cache.mode !== "none",
    envoy: true,
    certManager: true,
  };
}

/**
 * Management tier: logs, monitoring, the scrape targets of the gateway and data services, and the
 * progressive-delivery controller (tiers document, Deployment Strategy: blue-green and canary
 * releases, run by a controller).
 */
export function management(scope: PlatformScope): { monitoring: Monitoring; delivery?: Delivery } {
  const { parent, name, config, cluster, names, placement } = scope;
  const observed = { parent, dependsOn: [scope.namespaces.monitoring] };
  const store =
    placement.objectStorage.mode === "managed" ? placement.objectStorage.server : undefined;
  // Logs and metrics share the monitoring namespace and its nodes.
  const shared = {
    namespace: names.monitoring,
    pools: cluster.pools,
    storageClass: cluster.storageClass,
  };
  const logging = new Logging(
    `${name}-logging`,
    {
      logging: config.logging,
      ...shared,
      grafanaNamespace: names.monitoring,
      objectStorage: store?.buckets.logs !== undefined ? managedS3Target(store, "logs") : undefined,
    },
    observed,
  );
  const monitoring = new Monitoring(
    `${name}-monitoring`,
    {
      monitoring: config.monitoring,
      ...shared,
      lokiUrl: logging.lokiUrl,
      sources: metricSources(config, cluster),
    },
    observed,
  );
  const delivery = scope.progressive
    ? new Delivery(
        `${name}-delivery`,
        {
          pools: cluster.pools,
          production: config.kubernetes.highAvailability,
          monitoringNamespace: names.monitoring,
          monitoring: [monitoring],
        },
        { parent },
      )
    : undefined;
  new ScrapeTargets(
    `${name}-scrape-targets`,
    {
      gatewayNamespace: names.gateway,
      dataNamespace: names.data,
      valkey: placement.cache.mode === "self-hosted",
      minio: placement.objectStorage.mode === "self-hosted",
      monitoring: [monitoring],
    },
    { parent, dependsOn: [scope.namespaces.gateway, scope.namespaces.data] },
  );
  return { monitoring, delivery };
}

/** The backup jobs: the database (self-hosted or managed) and the media bucket, where both exist. */
export function backups(scope: PlatformScope, data: DataTier): void {
  const { parent, name, config, cluster, names, placement } = scope;
  const db = placement.database;
  if (db.mode === "none" || !data.backup || !data.media) return;
  const database: BackupDatabase =
    db.mode === "self-hosted"
      ? // Straight to the primary: pg_dump needs a session, which a transaction pooler breaks.
        {
          host: `postgres-rw.${names.data}.svc.cluster.local`,
          port: 5432,
          database: POSTGRES_NAMES.database,
          user: POSTGRES_NAMES.owner,
          password: { secretName: POSTGRES_NAMES.credentials, key: "password" },
          version: config.database.version,
        }
      : {
          host: db.server.host,
          port: db.server.port,
          database: db.server.database,
          user: db.server.user,
          password: { value: db.server.password },
          version: config.database.version,
        };
  const backups = new Backups(
    `${name}-backups`,
    {
      namespace: names.data,
      backups: config.backups,
      database,
      target: data.backup,
      media: data.media,
      offsite: config.backups.offsite && offsiteS3Target(config.backups.offsite),
      // Managed buckets prune by lifecycle rules; MinIO by the job itself.
      lifecycleRules: placement.objectStorage.mode === "managed",
      pools: cluster.pools,
      storageClass: cluster.storageClass,
      scratchGb: scratchSizeGb(config.database.storageGb),
    },
    { parent, dependsOn: [scope.namespaces.data] },
  );
  // Monthly: restore the newest dump (and the self-hosted base backup with WAL) and time it.
  new RestoreCheck(
    `${name}-restore-check`,
    {
      namespace: names.data,
      restoreCheck: config.backups.restoreCheck,
      version: config.database.version,
      target: data.backup,
      credentialsSecret: backupSecretName("platform"),
      pointInTime:
        db.mode === "self-hosted"
          ? { serverName: POSTGRES_NAMES.cluster, database: POSTGRES_NAMES.database }
          : undefined,
      storeInCluster: placement.objectStorage.mode === "self-hosted",
      pools: cluster.pools,
      storageClass: cluster.storageClass,
      scratchGb: restoreScratchGb(config.database.storageGb),
    },
    { parent, dependsOn: [backups] },
  );
  // A failover standby on another cloud: the primary's newest dump restored here daily.
  standbyRefresh(scope, data, database, { parent, dependsOn: [backups] });
}
