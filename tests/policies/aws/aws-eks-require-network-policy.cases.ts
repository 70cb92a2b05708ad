import * as aws from "@pulumi/aws";
import { awsEksRequireNetworkPolicy } from "../../../policies/aws/aws-eks-require-network-policy";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(awsEksRequireNetworkPolicy, [
  {
    type: aws.eks.Addon,
    props: {
      clusterName: "platform",
      addonName: "vpc-cni",
      configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
    },
    cases: [
      {
        rule: "the VPC CNI without configuration values",
        set: ["configurationValues", undefined],
        expect: /does not set enableNetworkPolicy/,
      },
      {
        rule: "the network policy agent turned off",
        set: ["configurationValues", JSON.stringify({ enableNetworkPolicy: "false" })],
        expect: /does not set enableNetworkPolicy/,
      },
      {
        rule: "configuration values that are not JSON",
        set: ["configurationValues", "enableNetworkPolicy: true"],
        expect: /does not set enableNetworkPolicy/,
      },
    ],
  },
  {
    type: aws.eks.Addon,
    // Other add-ons need no such setting: kube-proxy without values passes.
    props: { clusterName: "platform", addonName: "kube-proxy" },
    cases: [
      {
        rule: "the same add-on without values, as the VPC CNI",
        set: ["addonName", "vpc-cni"],
        expect: /does not set enableNetworkPolicy/,
      },
    ],
  },
]);
