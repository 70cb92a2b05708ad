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
  {
    type: aws.elasticache.ReplicationGroup,
    props: {
      description: "valkey cluster",
      clusterMode: "enabled",
      numNodeGroups: 5,
      replicasPerNodeGroup: 1,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
    },
    cases: [
      {
        rule: "a production cluster whose shards have no replica",
        set: ["replicasPerNodeGroup", 0],
        expect: /replicasPerNodeGroup/,
      },
      {
        rule: "a production cluster with the replica count left out (0)",
        set: ["replicasPerNodeGroup", undefined],
        expect: /replicasPerNodeGroup/,
      },
      {
        rule: "a production cluster without automatic failover",
        set: ["automaticFailoverEnabled", false],
        expect: /automaticFailoverEnabled/,
      },
    ],
    passes: [
      { rule: "two replicas in every shard", set: ["replicasPerNodeGroup", 2] },
      { rule: "a development cluster", config: { environment: "development" } },
    ],
  },
]);
