import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const digitaloceanKubernetesRequireAutoUpgrade: ResourceValidationPolicy = {
  name: "digitalocean-kubernetes-require-auto-upgrade",
  description:
    "Self-hosted deployment, Regular Maintenance Schedule (weekly updates) and §8.1 (updates without downtime): DOKS clusters enable autoUpgrade for patch releases and surgeUpgrade so nodes are replaced without downtime.",
  validateResource: validateResourceOfType(
    digitalocean.KubernetesCluster,
    (cluster, _args, report) => {
      if (cluster.autoUpgrade !== true) report("autoUpgrade is not true.");
      if (cluster.surgeUpgrade !== true) report("surgeUpgrade is not true.");
    },
  ),
};
