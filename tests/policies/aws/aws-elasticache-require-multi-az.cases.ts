import * as aws from "@pulumi/aws";
import { awsElasticacheRequireMultiAz } from "../../../policies/aws/aws-elasticache-require-multi-az";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(awsElasticacheRequireMultiAz, [
  {
    type: aws.elasticache.ReplicationGroup,
    props: {
      description: "valkey",
      numCacheClusters: 3,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
    },
    cases: [
      {
        rule: "no automatic failover in production",
        set: ["automaticFailoverEnabled", false],
        expect: /automaticFailoverEnabled/,
      },
      {
        rule: "single-zone cache in production",
        set: ["multiAzEnabled", undefined],
        expect: /multiAzEnabled/,
      },
    ],
    passes: [{ rule: "the stack is development", config: { environment: "development" } }],
  },
]);
