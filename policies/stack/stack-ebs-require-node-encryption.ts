import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { whenKnown } from "../lib/props";
import { describe, ofType } from "../lib/stack";

export const stackEbsRequireNodeEncryption: StackValidationPolicy = {
  name: "stack-ebs-require-node-encryption",
  description:
    "Self-hosted deployment §2.2 (encrypt data at rest): EKS node groups without a launch template, whose root volumes EKS creates itself, run in a stack that enables EBS encryption by default.",
  validateStack: (args, report) => {
    const byDefault = ofType(args.resources, aws.ebs.EncryptionByDefault).some((r) =>
      whenKnown(() => r.props.enabled !== false, true),
    );
    if (byDefault) return;
    for (const group of ofType(args.resources, aws.eks.NodeGroup)) {
      if (!group.props.launchTemplate) {
        report(
          `${describe(group)} has no launch template and EBS encryption by default is off.`,
          group.urn,
        );
      }
    }
  },
};
