import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";

export const awsRdsRequireMultiAz: ResourceValidationPolicy = {
  name: "aws-rds-require-multi-az",
  description:
    "Infrastructure recommendations, Database Architecture (High Availability: Multi-AZ deployment, automatic failover): production RDS instances run multi-AZ.",
  configSchema: configSchema("environment"),
  validateResource: validateResourceOfType(aws.rds.Instance, (db, args, report) => {
    if (readConfig(args).environment !== "production" || db.replicateSourceDb) return;
    if (db.multiAz !== true) {
      report("multiAz is not true; a production database needs a standby in a second zone.");
    }
  }),
};
