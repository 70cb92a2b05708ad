import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { CR } from "../lib/crd";
import { kubeNameOf, namespaceOf } from "../lib/k8s";
import { whenKnown } from "../lib/props";
import { describe, ofType } from "../lib/stack";

export const stackDatabaseRequireBackups: StackValidationPolicy = {
  name: "stack-database-require-backups",
  description:
    "Self-hosted deployment §3.1 (daily PostgreSQL backup) and Infrastructure recommendations, Backup Strategy (daily full backups, WAL archiving): every RDS instance keeps automated backups and every CloudNativePG cluster has a ScheduledBackup; DigitalOcean backs up its managed databases daily on its own.",
  validateStack: (args, report) => {
    for (const db of ofType(args.resources, aws.rds.Instance)) {
      if (db.props.replicateSourceDb) continue;
      // Unset, the period is computed (RDS keeps 1 day); aws-rds-require-backup-retention asks for 30.
      const days = whenKnown(() => Number(db.props.backupRetentionPeriod ?? 0), 1);
      if (!(days > 0)) {
        report(`${describe(db)} has automated backups off (backupRetentionPeriod 0).`, db.urn);
      }
    }
    const schedules = ofType(args.resources, CR.cnpgScheduledBackup).filter(
      (s) => s.props.spec?.suspend !== true,
    );
    for (const cluster of ofType(args.resources, CR.cnpgCluster)) {
      const name = kubeNameOf(cluster.props, cluster.name);
      const ns = namespaceOf(cluster.props);
      const scheduled = schedules.some(
        (s) => namespaceOf(s.props) === ns && s.props.spec?.cluster?.name === name,
      );
      if (!scheduled) report(`${describe(cluster)} has no active ScheduledBackup.`, cluster.urn);
    }
  },
};
