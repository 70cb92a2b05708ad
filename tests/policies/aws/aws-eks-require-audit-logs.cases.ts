import * as aws from "@pulumi/aws";
import { awsEksRequireAuditLogs } from "../../../policies/aws/aws-eks-require-audit-logs";
import { describeResourcePolicy } from "../harness";
import { eksCluster } from "../fixtures";

describeResourcePolicy(awsEksRequireAuditLogs, [
  {
    type: aws.eks.Cluster,
    props: eksCluster(),
    cases: [
      {
        rule: "the audit log is off",
        set: ["enabledClusterLogTypes", ["api", "authenticator"]],
        expect: /lacks audit/,
      },
      {
        rule: "no control-plane logs at all",
        set: ["enabledClusterLogTypes", undefined],
        expect: /lacks api, audit, authenticator/,
      },
    ],
  },
]);
