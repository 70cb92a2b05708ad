import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const awsRdsDisallowPublicAccess: ResourceValidationPolicy = {
  name: "aws-rds-disallow-public-access",
  description:
    "Infrastructure recommendations, Security Infrastructure (PostgreSQL 5432 internal only): RDS instances are not publicly accessible, so only the VPC reaches them.",
  validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, report) => {
    if (db.publiclyAccessible === true) {
      report("publiclyAccessible is true; set it to false and reach the database from the VPC.");
    }
  }),
};
