import * as aws from "@pulumi/aws";
import { awsRdsDisallowPublicAccess } from "../../../policies/aws/aws-rds-disallow-public-access";
import { describeResourcePolicy } from "../harness";
import { rdsInstance } from "../fixtures";

describeResourcePolicy(awsRdsDisallowPublicAccess, [
  {
    type: aws.rds.Instance,
    props: rdsInstance(),
    cases: [
      {
        rule: "the database is publicly accessible",
        set: ["publiclyAccessible", true],
        expect: /publiclyAccessible is true/,
      },
    ],
  },
]);
