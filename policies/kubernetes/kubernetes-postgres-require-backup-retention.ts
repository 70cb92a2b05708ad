import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";
import { CnpgClusterSpec, validateCustomResource } from "../lib/crd";
import { parseRetentionDays } from "../lib/duration";

/** The plugin that replaces the in-tree barmanObjectStore; its retention lives on the ObjectStore. */
const BARMAN_PLUGIN = "barman-cloud.cloudnative-pg.io";

function checkRetention(policy: string | undefined, least: number, report: (m: string) => void) {
  const days = policy === undefined ? undefined : parseRetentionDays(policy);
  if (days === undefined)
    report(`retentionPolicy is ${policy ?? "unset"}; set it to at least "${least}d".`);
  else if (days < least)
    report(`retentionPolicy ${policy} keeps ${days} days; keep at least ${least}.`);
}

export const kubernetesPostgresRequireBackupRetention: ResourceValidationPolicy = {
  name: "kubernetes-postgres-require-backup-retention",
  description:
    "Self-hosted deployment §3.1 (RETENTION_DAYS=30) and Infrastructure recommendations, Database Architecture (WAL archiving, retention 30 days): CloudNativePG backups are configured and kept at least backupRetentionDays.",
  configSchema: configSchema("backupRetentionDays"),
  validateResource: [
    validateCustomResource<CnpgClusterSpec>(
      "postgresql.cnpg.io/v1",
      "Cluster",
      (cluster, args, report) => {
        const spec = cluster.spec ?? {};
        const least = readConfig(args).backupRetentionDays;
        if (spec.backup) return checkRetention(spec.backup.retentionPolicy, least, report);
        const plugin = (spec.plugins ?? []).some(
          (p) => p.name === BARMAN_PLUGIN && p.enabled !== false,
        );
        if (!plugin)
          report("the cluster has no backup section or barman-cloud plugin; nothing is archived.");
      },
    ),
    validateCustomResource<{ retentionPolicy?: string }>(
      "barmancloud.cnpg.io/v1",
      "ObjectStore",
      (store, args, report) =>
        checkRetention(store.spec?.retentionPolicy, readConfig(args).backupRetentionDays, report),
    ),
  ],
};
