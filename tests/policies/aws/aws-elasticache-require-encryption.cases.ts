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
    ],
    passes: [
      { rule: "RBAC user groups replace the auth token", set: ["userGroupIds", ["app-users"]] },
      {
        rule: "the token is a generated secret still unknown in preview",
        set: ["authToken", UNKNOWN],
      },
    ],
  },
]);
