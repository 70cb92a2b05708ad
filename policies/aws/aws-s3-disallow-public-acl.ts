import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** Canned ACLs that open a bucket or object beyond its account ("authenticated" is every AWS user). */
export const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];

/** The grantee groups S3 ACLs open to everyone and to every AWS account (S3 User Guide, ACLs). */
const PUBLIC_GROUPS = [
  "http://acs.amazonaws.com/groups/global/AllUsers",
  "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

type Report = (message: string) => void;

function cannedAcl(acl: unknown, what: string, report: Report) {
  if (typeof acl === "string" && PUBLIC_CANNED_ACLS.includes(acl))
    report(`${what} acl is ${acl}; keep it private (media reaches users through the CDN).`);
}

function grants(policy: any, report: Report) {
  (policy?.grants ?? []).forEach((g: any, i: number) => {
    const uri = g?.grantee?.uri;
    if (typeof uri === "string" && PUBLIC_GROUPS.includes(uri))
      report(`accessControlPolicy.grants[${i}] grants ${g.permission} to ${uri.split("/").pop()}.`);
  });
}

export const awsS3DisallowPublicAcl: ResourceValidationPolicy = {
  name: "aws-s3-disallow-public-acl",
  description:
    "Self-hosted deployment §2.2 (access control with least privilege) and Infrastructure recommendations, Storage Strategy: S3 buckets and objects carry no public ACL (public-read, public-read-write, authenticated-read, or a grant to AllUsers or AuthenticatedUsers), whatever the public access block does; media reaches users through the CDN.",
  validateResource: [
    validateResourceOfType(aws.s3.Bucket, (b, _args, report) => cannedAcl(b.acl, "bucket", report)),
    validateResourceOfType(aws.s3.BucketV2, (b, _args, report) =>
      cannedAcl(b.acl, "bucket", report),
    ),
    validateResourceOfType(aws.s3.BucketAcl, (a, _args, report) => {
      cannedAcl(a.acl, "bucket", report);
      grants(a.accessControlPolicy, report);
    }),
    validateResourceOfType(aws.s3.BucketAclV2, (a, _args, report) => {
      cannedAcl(a.acl, "bucket", report);
      grants(a.accessControlPolicy, report);
    }),
    validateResourceOfType(aws.s3.BucketObject, (o, _args, report) =>
      cannedAcl(o.acl, "object", report),
    ),
    validateResourceOfType(aws.s3.BucketObjectv2, (o, _args, report) =>
      cannedAcl(o.acl, "object", report),
    ),
  ],
};
