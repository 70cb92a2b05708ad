import * as aws from "@pulumi/aws";
import { awsElasticacheRequireEncryption } from "../../../policies/aws/aws-elasticache-require-encryption";
import { describeResourcePolicy, UNKNOWN } from "../harness";

describeResourcePolicy(awsElasticacheRequireEncryption, [
  {
    type: aws.elasticache.ReplicationGroup,
    props: {
      description: "valkey",
      engine: "valkey",
      nodeType: "cache.r7g.large",
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      authToken: "a-long-generated-secret-token",
    },
    cases: [
      {
        rule: "no encryption at rest",
        set: ["atRestEncryptionEnabled", false],
        expect: /atRestEncryptionEnabled/,
      },
      {
        rule: "no TLS in transit",
        set: ["transitEncryptionEnabled", false],
        expect: /transitEncryptionEnabled/,
      },
      { rule: "no auth token", set: ["authToken", undefined], expect: /no authToken/ },
      {
        rule: "TLS that still accepts plaintext clients",
        set: ["transitEncryptionMode", "preferred"],
        expect: /transitEncryptionMode/,
      },
    ],
    passes: [
      { rule: "RBAC user groups replace the auth token", set: ["userGroupIds", ["app-users"]] },
      {
        rule: "the token is a generated secret still unknown in preview",
        set: ["authToken", UNKNOWN],
      },
      { rule: "TLS required of every client", set: ["transitEncryptionMode", "required"] },
    ],
  },
  {
    // Tiers document, Enterprise: a Redis Cluster of 10+ nodes is held to the same rules.
    type: aws.elasticache.ReplicationGroup,
    props: {
      description: "valkey cluster",
      engine: "valkey",
      nodeType: "cache.r7g.large",
      clusterMode: "enabled",
      numNodeGroups: 5,
      replicasPerNodeGroup: 1,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      authToken: "a-long-generated-secret-token",
    },
    cases: [
      {
        rule: "a cluster without encryption at rest",
        set: ["atRestEncryptionEnabled", undefined],
        expect: /atRestEncryptionEnabled/,
      },
      {
        rule: "a cluster without TLS",
        set: ["transitEncryptionEnabled", false],
        expect: /transitEncryptionEnabled/,
      },
      { rule: "a cluster without auth", set: ["authToken", undefined], expect: /no authToken/ },
      {
        rule: "a cluster accepting plaintext clients",
        set: ["transitEncryptionMode", "preferred"],
        expect: /transitEncryptionMode/,
      },
    ],
  },
]);
