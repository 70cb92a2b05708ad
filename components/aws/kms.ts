import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
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

/**
 * A customer-managed key, rotated yearly and deleted only 30 days after it is scheduled (the
 * longest wait KMS allows); protected, since whatever it encrypts is unreadable without it.
 */
export function protectedKey(
  name: string,
  description: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
  region?: string,
): aws.kms.Key {
  return new aws.kms.Key(
    name,
    { ...(region && { region }), description, enableKeyRotation: true, deletionWindowInDays: 30 },
    { ...opts, protect: true },
  );
}
