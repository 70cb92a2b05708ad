import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";

export const digitaloceanKubernetesRequireHa: ResourceValidationPolicy = {
  name: "digitalocean-kubernetes-require-ha",
  description:
    "Infrastructure recommendations, Database Architecture (High Availability: automatic failover) and Enterprise Production (99.99% uptime SLA): production DOKS clusters run the highly available control plane.",
  configSchema: configSchema("environment"),
  validateResource: validateResourceOfType(
    digitalocean.KubernetesCluster,
    (cluster, args, report) => {
      if (readConfig(args).environment !== "production") return;
      if (cluster.ha !== true)
        report("ha is not true; the production control plane needs replicas.");
    },
  ),
};
