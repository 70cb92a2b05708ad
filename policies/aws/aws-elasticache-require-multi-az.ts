import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";

export const awsElasticacheRequireMultiAz: ResourceValidationPolicy = {
  name: "aws-elasticache-require-multi-az",
  description:
    "Infrastructure recommendations, Database Architecture (multi-AZ, automatic failover) and Scaling Strategy (Redis Cluster of 3-10 nodes): production ElastiCache groups enable automatic failover and multi-AZ, and in cluster mode keep a replica in every shard.",
  configSchema: configSchema("environment"),
  validateResource: validateResourceOfType(
    aws.elasticache.ReplicationGroup,
    (group, args, report) => {
      if (readConfig(args).environment !== "production") return;
      if (group.automaticFailoverEnabled !== true) report("automaticFailoverEnabled is not true.");
      if (group.multiAzEnabled !== true) report("multiAzEnabled is not true.");
      // Cluster mode: every shard fails over on its own, to a replica of its own (ElastiCache
      // User Guide, "Minimizing downtime with Multi-AZ": a replica in each shard).
      const clustered = group.clusterMode === "enabled" || group.numNodeGroups !== undefined;
      if (clustered && (group.replicasPerNodeGroup ?? 0) < 1)
        report(
          "replicasPerNodeGroup is below 1: a shard's primary has no replica to fail over to.",
        );
    },
  ),
};
