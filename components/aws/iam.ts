import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** One statement of an IAM policy document, typed so a misspelt key fails the type check. */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?:
    | "*"
    | { Service?: string | string[]; AWS?: pulumi.Input<string>; Federated?: pulumi.Input<string> };
  Action: string | string[];
  Resource?: pulumi.Input<string> | pulumi.Input<string>[];
  Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** A policy document as the JSON string IAM takes; outputs inside are resolved first. */
export function policyJson(statements: PolicyStatement[]): pulumi.Output<string> {
  const doc: PolicyDocument = { Version: "2012-10-17", Statement: statements };
  return pulumi.jsonStringify(doc);
}

/** Trust policy letting an AWS service assume a role. */
export function assumeRolePolicy(service: string): pulumi.Output<string> {
  return policyJson([
    { Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" },
  ]);
}

/** A role that an AWS service assumes, by its principal: "eks.amazonaws.com". */
export function serviceRole(
  name: string,
  service: string,
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  return new aws.iam.Role(name, { assumeRolePolicy: assumeRolePolicy(service) }, opts);
}

/** The cluster's OpenID Connect provider, as IAM roles for service accounts (IRSA) trust it. */
export interface OidcIssuer {
  /** ARN of the aws.iam.OpenIdConnectProvider. */
  arn: pulumi.Input<string>;
  /** Issuer URL without https://, the prefix of the condition keys. */
  hostPath: pulumi.Input<string>;
}

const AWS_MANAGED = "arn:aws:iam::aws:policy/";

/** ARN of an AWS-managed policy by its name (and path): "AmazonEKSWorkerNodePolicy". */
export const managedPolicy = (name: string) => `${AWS_MANAGED}${name}`;

/**
 * A role that Kubernetes service accounts assume through the cluster's OIDC issuer (IRSA), so pods
 * get short-lived credentials and no static keys. `serviceAccounts` are "namespace:name"; a `*`
 * in either part matches any.
 */
export function irsaRole(
  name: string,
  oidc: OidcIssuer,
  serviceAccounts: string[],
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const subjects = serviceAccounts.map((sa) => {
    const [namespace, account] = sa.split(":");
    if (!namespace || !account)
      throw new RangeError(`service account "${sa}" is not namespace:name`);
    return `system:serviceaccount:${namespace}:${account}`;
  });
  const wildcard = subjects.some((s) => s.includes("*"));
  const assumeRolePolicy = pulumi.output(oidc.hostPath).apply((host) =>
    policyJson([
      {
        Effect: "Allow",
        Principal: { Federated: oidc.arn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${host}:aud`]: "sts.amazonaws.com",
            ...(!wildcard && { [`${host}:sub`]: subjects }),
          },
          ...(wildcard && { StringLike: { [`${host}:sub`]: subjects } }),
        },
      },
    ]),
  );
  return new aws.iam.Role(name, { assumeRolePolicy }, opts);
}

/**
 * An IRSA role of one service account with its permissions: an AWS-managed policy by name, or an
 * inline policy of `statements`; role and policy share `name`.
 */
export function serviceAccountRole(
  name: string,
  oidc: OidcIssuer,
  serviceAccount: string,
  permissions: { managed: string } | { statements: PolicyStatement[] },
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const role = irsaRole(name, oidc, [serviceAccount], opts);
  if ("managed" in permissions)
    new aws.iam.RolePolicyAttachment(
      name,
      { role: role.name, policyArn: managedPolicy(permissions.managed) },
      opts,
    );
  else
    new aws.iam.RolePolicy(
      name,
      { role: role.id, policy: policyJson(permissions.statements) },
      opts,
    );
  return role;
}
