import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const awsRdsRequireEncryption: ResourceValidationPolicy = {
  name: "aws-rds-require-encryption",
  description:
    "Self-hosted deployment §2.2 (encrypt data at rest and in transit): RDS instances set storageEncrypted to true, since RDS cannot encrypt an existing instance in place.",
  validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
    if (db.storageEncrypted !== true) {
      report("storageEncrypted is not true; RDS storage must be encrypted at rest.");
    }
  }),
};
