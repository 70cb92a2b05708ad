import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

const PROTECT = "set the resource option protect: true (DigitalOcean has no deletion lock for it).";

export const digitaloceanDataRequireDeletionProtection: ResourceValidationPolicy = {
  name: "digitalocean-data-require-deletion-protection",
  description:
    "Self-hosted deployment §3 (backup and disaster recovery) and the platform's stateful-resource rule: DigitalOcean database clusters and their read-only nodes, Kubernetes clusters, volumes and Spaces buckets carry the protect option.",
  validateResource: [
    validateResourceOfType(digitalocean.DatabaseCluster, (_db, args, report) => {
      if (!args.opts.protect) report(`database cluster is unprotected: ${PROTECT}`);
    }),
    validateResourceOfType(digitalocean.DatabaseReplica, (_replica, args, report) => {
      if (!args.opts.protect) report(`database read-only node is unprotected: ${PROTECT}`);
    }),
    // Its Secrets, operators' state and volume claims go with it.
    validateResourceOfType(digitalocean.KubernetesCluster, (_cluster, args, report) => {
      if (!args.opts.protect) report(`Kubernetes cluster is unprotected: ${PROTECT}`);
    }),
    validateResourceOfType(digitalocean.Volume, (_volume, args, report) => {
      if (!args.opts.protect) report(`volume is unprotected: ${PROTECT}`);
    }),
    validateResourceOfType(digitalocean.SpacesBucket, (_bucket, args, report) => {
      if (!args.opts.protect) report(`Spaces bucket is unprotected: ${PROTECT}`);
    }),
  ],
};
