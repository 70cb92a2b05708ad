import * as aws from "@pulumi/aws";
import { awsRdsRequireEncryption } from "../../../policies/aws/aws-rds-require-encryption";
import { describeResourcePolicy } from "../harness";
import { rdsInstance } from "../fixtures";

describeResourcePolicy(awsRdsRequireEncryption, [
  {
    type: aws.rds.Instance,
    props: rdsInstance(),
    cases: [
      {
        rule: "storage encryption is off",
        set: ["storageEncrypted", false],
        expect: /storageEncrypted is not true/,
      },
      {
        rule: "storage encryption is left to the default (off)",
        set: ["storageEncrypted", undefined],
        expect: /storageEncrypted/,
      },
    ],
  },
]);
