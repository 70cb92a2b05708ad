import * as k8s from "@pulumi/kubernetes";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** The chart of the cluster autoscaler (kubernetes/autoscaler charts/cluster-autoscaler). */
export const AUTOSCALER_CHART = "cluster-autoscaler";
/**
 * The Hetzner provider's variables that carry credentials: the API token, and the user data of
 * new servers (the cluster config, or its legacy form), which holds the k3s join token
 * (kubernetes/autoscaler cluster-autoscaler/cloudprovider/hetzner/README.md).
 */
export const CREDENTIAL_VARIABLES = [
  "HCLOUD_TOKEN",
  "HCLOUD_CLUSTER_CONFIG",
  "HCLOUD_CLOUD_INIT",
] as const;

export const hetznerAutoscalerRequireSecretCredentials: ResourceValidationPolicy = {
  name: "hetzner-autoscaler-require-secret-credentials",
  description:
    "Self-hosted deployment §2.2 (secrets management, least privilege): the cluster autoscaler's Hetzner provider reads its API token and the new servers' user data (with the k3s join token) from a Kubernetes Secret (extraEnvSecrets), never from plain values that land in the Deployment's spec.",
  validateResource: validateResourceOfType(k8s.helm.v3.Release, (release, _args, report) => {
    const chart = String(release.chart ?? "")
      .split("/")
      .pop();
    const values = (release.values ?? {}) as Record<string, any>;
    if (chart !== AUTOSCALER_CHART || values.cloudProvider !== "hetzner") return;
    const plain = values.extraEnv ?? {};
    const secret = values.extraEnvSecrets ?? {};
    for (const name of CREDENTIAL_VARIABLES)
      if (name in plain)
        report(
          `values.extraEnv.${name} puts a credential in the pod spec: take it from a Secret (extraEnvSecrets).`,
        );
    for (const name of ["HCLOUD_TOKEN", "HCLOUD_CLUSTER_CONFIG"])
      if (!secret[name]?.name || !secret[name]?.key)
        report(`values.extraEnvSecrets.${name} does not name a Secret and key.`);
  }),
};
