import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";

export const awsRdsRequireBackupRetention: ResourceValidationPolicy = {
  name: "aws-rds-require-backup-retention",
  description:
    "Self-hosted deployment §3.1 (RETENTION_DAYS=30) and Infrastructure recommendations, Database Architecture (retention 30 days): RDS instances keep automated backups for at least backupRetentionDays.",
  configSchema: configSchema("backupRetentionDays"),
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    // A read replica's backups belong to its source instance.
    if (db.replicateSourceDb) return;
    const { backupRetentionDays } = readConfig(args);
    const days = db.backupRetentionPeriod ?? 0;
    if (days < backupRetentionDays) {
      report(`backupRetentionPeriod is ${days} days; keep at least ${backupRetentionDays}.`);
    }
  }),
};
