import { kubernetesPostgresRequireBackupRetention } from "../../../policies/kubernetes/kubernetes-postgres-require-backup-retention";
import { describeResourcePolicy } from "../harness";
import { cnpgCluster } from "../fixtures";

describeResourcePolicy(kubernetesPostgresRequireBackupRetention, [
  {
    type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
    props: cnpgCluster(),
    cases: [
      {
        rule: "backups kept 7 days",
        set: ["spec.backup.retentionPolicy", "7d"],
        expect: /keeps 7 days; keep at least 30/,
      },
      {
        rule: "backups kept 2 weeks",
        set: ["spec.backup.retentionPolicy", "2w"],
        expect: /keeps 14 days/,
      },
      {
        rule: "no retention policy",
        set: ["spec.backup.retentionPolicy", undefined],
        expect: /retentionPolicy is unset/,
      },
      {
        rule: "no backup at all",
        set: ["spec.backup", undefined],
        expect: /no backup section or barman-cloud plugin/,
      },
    ],
    passes: [{ rule: "backups are kept a month", set: ["spec.backup.retentionPolicy", "1m"] }],
  },
  {
    type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
    props: {
      ...cnpgCluster(),
      spec: {
        ...cnpgCluster().spec,
        backup: undefined,
        plugins: [
          {
            name: "barman-cloud.cloudnative-pg.io",
            isWALArchiver: true,
            parameters: { barmanObjectName: "store" },
          },
        ],
      },
    },
    cases: [
      {
        rule: "the barman-cloud plugin is disabled",
        set: ["spec.plugins.0.enabled", false],
        expect: /no backup section/,
      },
    ],
  },
  {
    type: "kubernetes:barmancloud.cnpg.io/v1:ObjectStore",
    props: {
      apiVersion: "barmancloud.cnpg.io/v1",
      kind: "ObjectStore",
      metadata: { name: "store" },
      spec: { retentionPolicy: "30d" },
    },
    cases: [
      {
        rule: "the object store keeps 10 days",
        set: ["spec.retentionPolicy", "10d"],
        expect: /keeps 10 days/,
      },
    ],
  },
]);
