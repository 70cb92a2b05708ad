import * as aws from "@pulumi/aws";
import { awsEksLimitPublicEndpoint } from "../../../policies/aws/aws-eks-limit-public-endpoint";
import { describeResourcePolicy } from "../harness";
import { eksCluster } from "../fixtures";

describeResourcePolicy(awsEksLimitPublicEndpoint, [
  {
    type: aws.eks.Cluster,
    props: eksCluster(),
    cases: [
      {
        rule: "the public endpoint left at its default",
        set: ["vpcConfig.endpointPublicAccess", undefined],
        expect: /open to 0\.0\.0\.0\/0/,
      },
    ],
  },
  {
    type: aws.eks.Cluster,
    config: { adminCidrs: ["203.0.113.0/24"] },
    props: {
      ...eksCluster(),
      vpcConfig: {
        ...eksCluster().vpcConfig,
        endpointPublicAccess: true,
        publicAccessCidrs: ["203.0.113.0/28"],
      },
    },
    cases: [
      {
        rule: "the public endpoint open to everyone",
        set: ["vpcConfig.publicAccessCidrs", ["0.0.0.0/0"]],
        expect: /allows 0\.0\.0\.0\/0, which is not in adminCidrs/,
      },
      {
        rule: "the public endpoint with no CIDR list",
        set: ["vpcConfig.publicAccessCidrs", undefined],
        expect: /open to 0\.0\.0\.0\/0/,
      },
      {
        rule: "the stack has no admin CIDRs",
        config: { adminCidrs: [] },
        expect: /not in adminCidrs/,
      },
    ],
  },
]);
