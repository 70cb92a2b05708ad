import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { requireProtect } from "../lib/protect";

const PROTECT = "set the resource option protect: true (DigitalOcean has no deletion lock for it).";

export const digitaloceanDataRequireDeletionProtection: ResourceValidationPolicy = {
  name: "digitalocean-data-require-deletion-protection",
  description:
    "Self-hosted deployment §3 (backup and disaster recovery) and the platform's stateful-resource rule: DigitalOcean database clusters and their read-only nodes, Kubernetes clusters, volumes and Spaces buckets carry the protect option.",
  validateResource: [
    requireProtect(digitalocean.DatabaseCluster, "database cluster", PROTECT),
    requireProtect(digitalocean.DatabaseReplica, "database read-only node", PROTECT),
    // Its Secrets, operators' state and volume claims go with it.
    requireProtect(digitalocean.KubernetesCluster, "Kubernetes cluster", PROTECT),
    requireProtect(digitalocean.Volume, "volume", PROTECT),
    requireProtect(digitalocean.SpacesBucket, "Spaces bucket", PROTECT),
  ],
};
