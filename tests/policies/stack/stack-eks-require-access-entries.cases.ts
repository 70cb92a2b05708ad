import * as aws from "@pulumi/aws";
import { stackEksRequireAccessEntries } from "../../../policies/stack/stack-eks-require-access-entries";
import { describeStackPolicy } from "../harness";
import { eksCluster } from "../fixtures";

const principalArn = "arn:aws:iam::123456789012:role/platform-admin";
const cluster = {
  type: aws.eks.Cluster,
  name: "cluster",
  props: { ...eksCluster(), name: "platform-production" },
};
const entry = {
  type: aws.eks.AccessEntry,
  name: "admin-entry",
  props: { clusterName: "platform-production", principalArn, type: "STANDARD" },
};
const association = {
  type: aws.eks.AccessPolicyAssociation,
  name: "admin-policy",
  props: {
    clusterName: "platform-production",
    principalArn,
    policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    accessScope: { type: "cluster" },
  },
  refs: { principalArn: ["admin-entry"] },
};

describeStackPolicy(stackEksRequireAccessEntries, [
  {
    resources: [cluster, entry, association],
    cases: [
      {
        rule: "a production cluster with no access entry (only its creator gets in)",
        remove: "admin-entry",
        expect: /grants no one but its creator access/,
      },
      {
        rule: "an access entry with no access policy and no Kubernetes group (no rights)",
        remove: "admin-policy",
        expect: /grants no one but its creator access/,
      },
    ],
    passes: [
      { rule: "the stack is staging", config: { environment: "staging" } },
      { rule: "the stack is development", config: { environment: "development" } },
    ],
  },
  {
    resources: [
      cluster,
      { ...entry, props: { ...entry.props, kubernetesGroups: ["platform-admins"] } },
    ],
    cases: [
      {
        rule: "the entry's Kubernetes groups emptied, with no access policy",
        set: ["admin-entry", "kubernetesGroups", []],
        expect: /Cluster cluster grants no one but its creator access/,
      },
      {
        rule: "the entry belongs to another cluster",
        set: ["admin-entry", "clusterName", "other-cluster"],
        expect: /grants no one but its creator access/,
      },
    ],
  },
]);
