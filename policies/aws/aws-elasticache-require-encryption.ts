import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isGiven } from "../lib/props";

export const awsElasticacheRequireEncryption: ResourceValidationPolicy = {
  name: "aws-elasticache-require-encryption",
  description:
    "Self-hosted deployment §2.2 (encrypt data at rest and in transit, strong passwords): ElastiCache replication groups, in cluster mode or not, enable at-rest encryption and transit encryption that refuses plaintext, and require an auth token.",
  validateResource: validateResourceOfType(
    aws.elasticache.ReplicationGroup,
    (group, _args, report) => {
      if (group.atRestEncryptionEnabled !== true) report("atRestEncryptionEnabled is not true.");
      if (group.transitEncryptionEnabled !== true) report("transitEncryptionEnabled is not true.");
      // "preferred" accepts plaintext clients beside TLS ones while a group migrates to TLS
      // (ElastiCache User Guide, "Enabling in-transit encryption"): every node of every shard of
      // a cluster must refuse them.
      if (group.transitEncryptionMode === "preferred")
        report('transitEncryptionMode is "preferred": plaintext clients are still accepted.');
      // An auth token needs TLS; a user group (RBAC) is the other way ElastiCache authenticates.
      const authenticated = ["authToken", "authTokenWo", "userGroupIds"].some((k) =>
        isGiven(group, k),
      );
      if (!authenticated)
        report("no authToken (or user group) is set; clients connect without a password.");
    },
  ),
};
