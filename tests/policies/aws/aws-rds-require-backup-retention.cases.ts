import * as aws from "@pulumi/aws";
import { awsRdsRequireBackupRetention } from "../../../policies/aws/aws-rds-require-backup-retention";
import { describeResourcePolicy } from "../harness";
import { rdsInstance } from "../fixtures";

describeResourcePolicy(awsRdsRequireBackupRetention, [
  {
    type: aws.rds.Instance,
    props: rdsInstance(),
    cases: [
      {
        rule: "retention below the documented 30 days",
        set: ["backupRetentionPeriod", 7],
        expect: /7 days; keep at least 30/,
      },
      {
        rule: "automated backups left unset",
        set: ["backupRetentionPeriod", undefined],
        expect: /0 days/,
      },
      {
        rule: "a stack that asks for 35 days",
        config: { backupRetentionDays: 35 },
        expect: /30 days; keep at least 35/,
      },
    ],
    passes: [
      {
        rule: "it is a read replica, whose backups belong to the source",
        set: ["replicateSourceDb", "db-primary"],
      },
    ],
  },
]);
