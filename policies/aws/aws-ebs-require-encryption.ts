import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const awsEbsRequireEncryption: ResourceValidationPolicy = {
  name: "aws-ebs-require-encryption",
  description:
    "Self-hosted deployment §2.2 (encrypt data at rest): EBS volumes and every EBS block device of a launch template (the node volumes) are encrypted.",
  validateResource: [
    validateResourceOfType(aws.ebs.Volume, (volume, _args, report) => {
      if (volume.encrypted !== true) report("encrypted is not true on the EBS volume.");
    }),
    validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, report) => {
      (template.blockDeviceMappings ?? []).forEach((m, i) => {
        // The launch template API types `encrypted` as the string "true"/"false".
        if (m.ebs && String(m.ebs.encrypted) !== "true") {
          report(`blockDeviceMappings[${i}] (${m.deviceName ?? "root"}) is not encrypted.`);
        }
      });
    }),
  ],
};
