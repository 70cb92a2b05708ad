import * as aws from "@pulumi/aws";
import { awsS3DisallowPublicAcl } from "../../../policies/aws/aws-s3-disallow-public-acl";
import { describeResourcePolicy } from "../harness";

const privatePolicy = {
  owner: { id: "owner-id" },
  grants: [
    {
      grantee: { type: "CanonicalUser", id: "owner-id" },
      permission: "FULL_CONTROL",
    },
  ],
};

describeResourcePolicy(awsS3DisallowPublicAcl, [
  {
    type: aws.s3.Bucket,
    props: { bucket: "media" },
    cases: [
      {
        rule: "a public-read bucket",
        set: ["acl", "public-read"],
        expect: /bucket acl is public-read/,
      },
      {
        rule: "a bucket every AWS account may read",
        set: ["acl", "authenticated-read"],
        expect: /acl is authenticated-read/,
      },
    ],
    passes: [{ rule: "an explicitly private bucket", set: ["acl", "private"] }],
  },
  {
    type: aws.s3.BucketV2,
    props: { bucket: "media" },
    cases: [
      {
        rule: "a public-read-write legacy bucket",
        set: ["acl", "public-read-write"],
        expect: /acl is public-read-write/,
      },
    ],
  },
  {
    type: aws.s3.BucketAcl,
    props: { bucket: "media", acl: "private" },
    cases: [
      {
        rule: "the ACL resource makes the bucket public",
        set: ["acl", "public-read"],
        expect: /public-read/,
      },
    ],
    passes: [{ rule: "the ACL left to the owner", set: ["acl", "log-delivery-write"] }],
  },
  {
    type: aws.s3.BucketAcl,
    props: { bucket: "media", accessControlPolicy: privatePolicy },
    cases: [
      {
        rule: "a grant to everyone",
        set: [
          "accessControlPolicy.grants",
          [
            ...privatePolicy.grants,
            {
              grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" },
              permission: "READ",
            },
          ],
        ],
        expect: /grants\[1\] grants READ to AllUsers/,
      },
    ],
  },
  {
    type: aws.s3.BucketAclV2,
    props: { bucket: "media", acl: "private" },
    cases: [
      {
        rule: "the legacy ACL resource made public",
        set: ["acl", "public-read"],
        expect: /public-read/,
      },
    ],
  },
  {
    type: aws.s3.BucketObjectv2,
    props: { bucket: "media", key: "logo.png" },
    cases: [
      { rule: "a public object", set: ["acl", "public-read"], expect: /object acl is public-read/ },
    ],
  },
  {
    type: aws.s3.BucketObject,
    props: { bucket: "media", key: "logo.png" },
    cases: [{ rule: "a public legacy object", set: ["acl", "public-read"], expect: /object acl/ }],
  },
]);
