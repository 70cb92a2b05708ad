import * as aws from "@pulumi/aws";
import { awsRdsRequireMultiAz } from "../../../policies/aws/aws-rds-require-multi-az";
import { describeResourcePolicy } from "../harness";
import { rdsInstance } from "../fixtures";

describeResourcePolicy(awsRdsRequireMultiAz, [
  {
    type: aws.rds.Instance,
    props: rdsInstance(),
    config: { environment: "production" },
    cases: [
      {
        rule: "a production database in one zone",
        set: ["multiAz", false],
        expect: /multiAz is not true/,
      },
    ],
    passes: [{ rule: "the stack is staging", config: { environment: "staging" } }],
  },
  {
    type: aws.rds.Instance,
    props: { ...rdsInstance(), multiAz: false },
    config: { environment: "staging" },
    cases: [
      {
        rule: "the same single-zone database in production",
        config: { environment: "production" },
        expect: /multiAz/,
      },
    ],
  },
]);
