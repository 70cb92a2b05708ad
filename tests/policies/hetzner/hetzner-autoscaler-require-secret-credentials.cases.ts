import * as k8s from "@pulumi/kubernetes";
import { hetznerAutoscalerRequireSecretCredentials } from "../../../policies/hetzner/hetzner-autoscaler-require-secret-credentials";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(hetznerAutoscalerRequireSecretCredentials, [
  {
    type: k8s.helm.v3.Release,
    props: {
      name: "cluster-autoscaler",
      chart: "cluster-autoscaler",
      version: "9.50.1",
      namespace: "kube-system",
      values: {
        cloudProvider: "hetzner",
        extraEnvSecrets: {
          HCLOUD_TOKEN: { name: "cluster-autoscaler-hcloud", key: "token" },
          HCLOUD_CLUSTER_CONFIG: { name: "cluster-autoscaler-hcloud", key: "cluster-config" },
        },
        extraEnv: { HCLOUD_NETWORK: "42", HCLOUD_FIREWALL: "platform-nodes" },
      },
    },
    cases: [
      {
        rule: "the API token as a plain value",
        set: ["values.extraEnv.HCLOUD_TOKEN", "token-in-clear"],
        expect: /values\.extraEnv\.HCLOUD_TOKEN puts a credential in the pod spec/,
      },
      {
        rule: "the legacy user data, with the join token, as a plain value",
        set: ["values.extraEnv.HCLOUD_CLOUD_INIT", "I2Nsb3VkLWNvbmZpZw=="],
        expect: /values\.extraEnv\.HCLOUD_CLOUD_INIT puts a credential/,
      },
      {
        rule: "the cluster config from no Secret",
        set: ["values.extraEnvSecrets.HCLOUD_CLUSTER_CONFIG", undefined],
        expect: /values\.extraEnvSecrets\.HCLOUD_CLUSTER_CONFIG does not name a Secret and key/,
      },
    ],
    passes: [
      { rule: "the autoscaler of another cloud", set: ["values.cloudProvider", "aws"] },
      { rule: "another chart", set: ["chart", "kured"] },
    ],
  },
]);
