import * as aws from "@pulumi/aws";
import { awsLbRequireTls } from "../../../policies/aws/aws-lb-require-tls";
import { describeResourcePolicy } from "../harness";

const https = {
  loadBalancerArn: "arn:lb",
  port: 443,
  protocol: "HTTPS",
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  certificateArn: "arn:acm",
  defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }],
};
const http = {
  loadBalancerArn: "arn:lb",
  port: 80,
  protocol: "HTTP",
  defaultActions: [
    { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
  ],
};

describeResourcePolicy(awsLbRequireTls, [
  {
    type: aws.lb.Listener,
    props: https,
    cases: [
      {
        rule: "a policy that still allows TLS 1.0",
        set: ["sslPolicy", "ELBSecurityPolicy-2016-08"],
        expect: /ELBSecurityPolicy-2016-08 allows TLS below 1\.2/,
      },
      {
        rule: "a TLS 1.3 policy whose floor is TLS 1.1",
        set: ["sslPolicy", "ELBSecurityPolicy-TLS13-1-1-2021-06"],
        expect: /below 1\.2/,
      },
      {
        rule: "no policy named, so the API default applies",
        set: ["sslPolicy", undefined],
        expect: /\(default\) allows TLS below 1\.2/,
      },
    ],
    passes: [
      {
        rule: "the policy is TLS 1.3 only",
        set: ["sslPolicy", "ELBSecurityPolicy-TLS13-1-3-2021-06"],
      },
    ],
  },
  {
    type: aws.lb.Listener,
    props: http,
    cases: [
      {
        rule: "plain HTTP forwarded to the app",
        set: ["defaultActions.0", { type: "forward", targetGroupArn: "arn:tg" }],
        expect: /only redirect to HTTPS/,
      },
      {
        rule: "a redirect that stays on HTTP",
        set: ["defaultActions.0.redirect.protocol", "HTTP"],
        expect: /only redirect to HTTPS/,
      },
    ],
  },
  {
    type: aws.alb.Listener,
    props: { ...https, protocol: "TLS", port: 443 },
    cases: [
      {
        rule: "an NLB TLS listener on an old policy",
        set: ["sslPolicy", "ELBSecurityPolicy-TLS-1-1-2017-01"],
        expect: /below 1\.2/,
      },
    ],
  },
]);
