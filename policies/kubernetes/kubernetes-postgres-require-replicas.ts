import { ResourceValidationPolicy } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";
import { CnpgClusterSpec, validateCustomResource } from "../lib/crd";

export const kubernetesPostgresRequireReplicas: ResourceValidationPolicy = {
  name: "kubernetes-postgres-require-replicas",
  description:
    "Self-hosted deployment §1.2 and §6.2 (PostgreSQL primary with a streaming replica) and Infrastructure recommendations, Database Architecture (automatic failover): production CloudNativePG clusters run at least two instances.",
  configSchema: configSchema("environment"),
  validateResource: validateCustomResource<CnpgClusterSpec>(
    "postgresql.cnpg.io/v1",
    "Cluster",
    (cluster, args, report) => {
      if (readConfig(args).environment !== "production") return;
      const instances = cluster.spec?.instances ?? 1;
      if (instances < 2)
        report(`instances is ${instances}; production needs a primary and a replica.`);
    },
  ),
};
