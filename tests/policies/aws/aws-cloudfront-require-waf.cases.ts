import * as aws from "@pulumi/aws";
import { awsCloudfrontRequireWaf } from "../../../policies/aws/aws-cloudfront-require-waf";
import { describeResourcePolicy, UNKNOWN } from "../harness";
import { distribution } from "../fixtures";

describeResourcePolicy(awsCloudfrontRequireWaf, [
  {
    type: aws.cloudfront.Distribution,
    props: {
      ...distribution(),
      aliases: ["example.com"],
      webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/cdn/1",
    },
    cases: [
      {
        rule: "no web ACL is associated",
        set: ["webAclId", undefined],
        expect: /distribution for example.com has no webAclId/,
      },
      { rule: "the web ACL is empty", set: ["webAclId", ""], expect: /has no webAclId/ },
    ],
    passes: [{ rule: "the web ACL is created in the same preview", set: ["webAclId", UNKNOWN] }],
  },
]);
