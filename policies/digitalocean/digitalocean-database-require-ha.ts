import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";

export const digitaloceanDatabaseRequireHa: ResourceValidationPolicy = {
  name: "digitalocean-database-require-ha",
  description:
    "Infrastructure recommendations, Database Architecture (High Availability: automatic failover) and self-hosted deployment §1.2 (primary plus replica): production managed databases run at least two nodes.",
  configSchema: configSchema("environment"),
  validateResource: validateResourceOfType(digitalocean.DatabaseCluster, (db, args, report) => {
    if (readConfig(args).environment !== "production") return;
    if (db.nodeCount < 2) report(`nodeCount is ${db.nodeCount}; production needs a standby node.`);
  }),
};
