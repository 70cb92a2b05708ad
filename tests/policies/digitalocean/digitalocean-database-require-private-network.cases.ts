import * as digitalocean from "@pulumi/digitalocean";
import { digitaloceanDatabaseRequirePrivateNetwork } from "../../../policies/digitalocean/digitalocean-database-require-private-network";
import { describeResourcePolicy } from "../harness";
import { doDatabase } from "../fixtures";

describeResourcePolicy(digitaloceanDatabaseRequirePrivateNetwork, [
  {
    type: digitalocean.DatabaseCluster,
    props: { ...doDatabase(), privateNetworkUuid: "vpc-id" },
    cases: [
      {
        rule: "the Postgres cluster outside the VPC",
        set: ["privateNetworkUuid", undefined],
        expect: /database cluster \(pg\) has no privateNetworkUuid/,
      },
    ],
  },
  {
    type: digitalocean.DatabaseCluster,
    props: {
      name: "cache",
      engine: "valkey",
      version: "8",
      size: "db-s-1vcpu-2gb",
      region: "nyc3",
      nodeCount: 3,
      privateNetworkUuid: "vpc-id",
    },
    cases: [
      {
        rule: "the Valkey cache outside the VPC",
        set: ["privateNetworkUuid", ""],
        expect: /database cluster \(valkey\) has no privateNetworkUuid/,
      },
    ],
  },
  {
    type: digitalocean.DatabaseReplica,
    props: {
      clusterId: "db-id",
      name: "pg-replica-1",
      size: "db-s-2vcpu-4gb",
      region: "nyc3",
      privateNetworkUuid: "vpc-id",
    },
    cases: [
      {
        rule: "a read-only node outside the VPC",
        set: ["privateNetworkUuid", undefined],
        expect: /read-only node has no privateNetworkUuid/,
      },
    ],
  },
]);
