import { stackDatabaseRequireBackups } from "../../../policies/stack/stack-database-require-backups";
import { describeStackPolicy, UNKNOWN } from "../harness";
import { cnpgCluster, doDatabase, rdsInstance } from "../fixtures";

describeStackPolicy(stackDatabaseRequireBackups, [
  {
    resources: [
      { type: "aws:rds/instance:Instance", name: "pg", props: rdsInstance() },
      {
        type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
        name: "pg-cluster",
        props: cnpgCluster(),
      },
      {
        type: "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup",
        name: "pg-daily",
        props: {
          metadata: { name: "pg-daily", namespace: "data" },
          spec: { schedule: "0 0 2 * * *", cluster: { name: "pg" } },
        },
      },
      // DigitalOcean takes daily backups of every managed database on its own.
      {
        type: "digitalocean:index/databaseCluster:DatabaseCluster",
        name: "do-pg",
        props: doDatabase(),
      },
    ],
    cases: [
      {
        rule: "RDS automated backups off",
        set: ["pg", "backupRetentionPeriod", 0],
        expect: /Instance pg has automated backups off/,
      },
      {
        rule: "no ScheduledBackup for the CloudNativePG cluster",
        remove: "pg-daily",
        expect: /Cluster pg-cluster has no active ScheduledBackup/,
      },
      {
        rule: "the ScheduledBackup is suspended",
        set: ["pg-daily", "spec.suspend", true],
        expect: /no active ScheduledBackup/,
      },
      {
        rule: "the ScheduledBackup names another cluster",
        set: ["pg-daily", "spec.cluster.name", "other"],
        expect: /no active ScheduledBackup/,
      },
    ],
    passes: [
      {
        rule: "an unset retention period is unknown in preview",
        set: ["pg", "backupRetentionPeriod", UNKNOWN],
      },
    ],
  },
]);
