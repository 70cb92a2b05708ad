import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const awsRdsRequireSsl: ResourceValidationPolicy = {
  name: "aws-rds-require-ssl",
  description:
    "Self-hosted deployment §2.2 (encrypt data in transit): Postgres parameter groups set rds.force_ssl to 1, so RDS refuses unencrypted connections.",
  validateResource: validateResourceOfType(aws.rds.ParameterGroup, (group, _args, report) => {
    if (!group.family.startsWith("postgres")) return;
    const forceSsl = (group.parameters ?? []).find((p) => p.name === "rds.force_ssl");
    if (forceSsl?.value !== "1") {
      report(`rds.force_ssl is ${forceSsl ? `"${forceSsl.value}"` : "unset"}; set it to "1".`);
    }
  }),
};
