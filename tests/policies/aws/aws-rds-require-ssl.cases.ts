import * as aws from "@pulumi/aws";
import { awsRdsRequireSsl } from "../../../policies/aws/aws-rds-require-ssl";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(awsRdsRequireSsl, [
  {
    type: aws.rds.ParameterGroup,
    props: {
      family: "postgres16",
      parameters: [
        { name: "shared_preload_libraries", value: "pg_stat_statements" },
        { name: "rds.force_ssl", value: "1" },
      ],
    },
    cases: [
      {
        rule: "force_ssl turned off",
        set: ["parameters.1.value", "0"],
        expect: /rds\.force_ssl is "0"/,
      },
      {
        rule: "force_ssl missing",
        set: ["parameters.1", undefined],
        expect: /rds\.force_ssl is unset/,
      },
    ],
    passes: [{ rule: "the group is for another engine", set: ["family", "mysql8.0"] }],
  },
]);
