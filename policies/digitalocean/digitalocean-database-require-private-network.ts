import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

const MESSAGE =
  "has no privateNetworkUuid; place it in the stack's VPC, so the cluster reaches it on a private address.";

export const digitaloceanDatabaseRequirePrivateNetwork: ResourceValidationPolicy = {
  name: "digitalocean-database-require-private-network",
  description:
    "Infrastructure recommendations, Security Infrastructure (PostgreSQL 5432 and Redis 6379 internal only) and self-hosted deployment §1.2 (the data tier on the private network): DigitalOcean database clusters (Postgres and the Valkey cache) and their read-only nodes sit in a VPC, set by privateNetworkUuid.",
  validateResource: [
    validateResourceOfType(digitalocean.DatabaseCluster, (db, _args, report) => {
      if (!db.privateNetworkUuid) report(`database cluster (${db.engine}) ${MESSAGE}`);
    }),
    validateResourceOfType(digitalocean.DatabaseReplica, (replica, _args, report) => {
      if (!replica.privateNetworkUuid) report(`read-only node ${MESSAGE}`);
    }),
  ],
};
