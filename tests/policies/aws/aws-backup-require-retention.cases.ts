import * as aws from "@pulumi/aws";
import {
  awsBackupRequireRetention,
  cadenceOf,
} from "../../../policies/aws/aws-backup-require-retention";
import { describeResourcePolicy } from "../harness";

describe("cadenceOf", () => {
  it("reads daily, weekly and monthly AWS cron schedules", () => {
    expect(cadenceOf("cron(0 2 * * ? *)")).toBe("daily");
    expect(cadenceOf("cron(0 */6 * * ? *)")).toBe("daily");
    expect(cadenceOf("cron(0 3 ? * SUN *)")).toBe("weekly");
    expect(cadenceOf("cron(0 4 1 * ? *)")).toBe("monthly");
    expect(cadenceOf("rate(1 day)")).toBeUndefined();
  });
});

describeResourcePolicy(awsBackupRequireRetention, [
  {
    type: aws.backup.Plan,
    props: {
      name: "databases",
      rules: [
        {
          ruleName: "daily",
          targetVaultName: "vault",
          schedule: "cron(0 2 * * ? *)",
          lifecycle: { deleteAfter: 7 },
        },
        {
          ruleName: "weekly",
          targetVaultName: "vault",
          schedule: "cron(0 3 ? * SUN *)",
          lifecycle: { deleteAfter: 28 },
        },
        {
          ruleName: "monthly",
          targetVaultName: "vault",
          schedule: "cron(0 4 1 * ? *)",
          lifecycle: { coldStorageAfter: 30, deleteAfter: 365 },
        },
      ],
    },
    cases: [
      {
        rule: "daily backups kept 3 days",
        set: ["rules.0.lifecycle.deleteAfter", 3],
        expect: /daily backups for 7 days/,
      },
      {
        rule: "weekly backups kept 2 weeks",
        set: ["rules.1.lifecycle.deleteAfter", 14],
        expect: /weekly backups for 28 days/,
      },
      {
        rule: "monthly backups kept 6 months",
        set: ["rules.2.lifecycle.deleteAfter", 180],
        expect: /monthly backups for 365 days/,
      },
      { rule: "no daily rule", set: ["rules.0", undefined], expect: /daily backups/ },
    ],
  },
  {
    type: aws.backup.Plan,
    // One daily rule kept a year also holds every weekly and monthly backup the document asks for.
    props: {
      name: "databases",
      rules: [
        {
          ruleName: "daily",
          targetVaultName: "vault",
          schedule: "cron(0 2 * * ? *)",
          lifecycle: { deleteAfter: 365 },
        },
      ],
    },
    cases: [
      {
        rule: "the single daily rule kept 100 days misses the monthly year",
        set: ["rules.0.lifecycle.deleteAfter", 100],
        expect: /^no rule keeps monthly backups for 365 days/,
      },
      {
        rule: "the single rule runs monthly only",
        set: ["rules.0.schedule", "cron(0 2 1 * ? *)"],
        expect: /(daily|weekly) backups/,
      },
    ],
  },
]);
