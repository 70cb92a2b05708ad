import * as aws from "@pulumi/aws";
import { awsEbsRequireEncryption } from "../../../policies/aws/aws-ebs-require-encryption";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(awsEbsRequireEncryption, [
  {
    type: aws.ebs.Volume,
    props: { availabilityZone: "eu-central-1a", size: 500, type: "gp3", encrypted: true },
    cases: [
      {
        rule: "an unencrypted volume",
        set: ["encrypted", false],
        expect: /not true on the EBS volume/,
      },
    ],
  },
  {
    type: aws.ec2.LaunchTemplate,
    props: {
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true" } },
      ],
    },
    cases: [
      {
        rule: "a node root volume left unencrypted",
        set: ["blockDeviceMappings.0.ebs.encrypted", "false"],
        expect: /\/dev\/xvda\) is not encrypted/,
      },
      {
        rule: "a node root volume without the encrypted flag",
        set: ["blockDeviceMappings.0.ebs.encrypted", undefined],
        expect: /not encrypted/,
      },
    ],
  },
]);
