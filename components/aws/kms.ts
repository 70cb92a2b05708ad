import * as pulumi from "@pulumi/pulumi";
import { policyJson, type PolicyStatement } from "./iam";

/**
 * A KMS key policy: the account administers the key (as the default policy lets it), and `grants`
 * let the services named in them use it.
 */
export function keyPolicyJson(
  account: pulumi.Input<string>,
  grants: PolicyStatement[],
): pulumi.Output<string> {
  return policyJson([
    {
      Sid: "AccountAdministers",
      Effect: "Allow",
      Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    ...grants,
  ]);
}
