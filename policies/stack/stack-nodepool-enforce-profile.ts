import * as aws from "@pulumi/aws";
import * as digitalocean from "@pulumi/digitalocean";
import * as hcloud from "@pulumi/hcloud";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configSchema, NodeProfile, readConfig } from "../config";
import { ROLE_LABEL } from "../lib/roles";
import { whenKnown } from "../lib/props";
import { describe, ofType } from "../lib/stack";

type Cloud = "aws" | "digitalocean" | "hetzner";

/** One pool (or server) of a role and the machine types it may run. */
interface Pool {
  resource: PolicyResource;
  where: string;
  cloud: Cloud;
  role?: string;
  types: string[];
}

// EKS picks t3.medium when a node group names no instance type.
const EKS_DEFAULT_TYPE = "t3.medium";

/** Labels and tags not given are computed outputs, unknown in preview: read them as absent. */
const read = <T>(f: () => T): T | undefined => whenKnown<T | undefined>(f, undefined);

/** The types of one cloud from the pack config, by lower-cased name (cloud names are case-blind). */
function typesOf(table: Record<string, NodeProfile> | undefined): Map<string, NodeProfile> {
  return new Map(Object.entries(table ?? {}).map(([name, size]) => [name.toLowerCase(), size]));
}

function pools(resources: PolicyResource[]): Pool[] {
  return [
    ...ofType(resources, aws.eks.NodeGroup).map((r) => ({
      resource: r,
      where: describe(r),
      cloud: "aws" as const,
      role: read(() => r.props.labels?.[ROLE_LABEL]) ?? read(() => r.props.tags?.[ROLE_LABEL]),
      types: read(() => r.props.instanceTypes?.length) ? r.props.instanceTypes : [EKS_DEFAULT_TYPE],
    })),
    ...ofType(resources, digitalocean.KubernetesCluster).map((r) => ({
      resource: r,
      where: `${describe(r)} default node pool`,
      cloud: "digitalocean" as const,
      role: read(() => r.props.nodePool?.labels?.[ROLE_LABEL]),
      types: [r.props.nodePool?.size].filter(Boolean),
    })),
    ...ofType(resources, digitalocean.KubernetesNodePool).map((r) => ({
      resource: r,
      where: describe(r),
      cloud: "digitalocean" as const,
      role: read(() => r.props.labels?.[ROLE_LABEL]),
      types: [r.props.size].filter(Boolean),
    })),
    ...ofType(resources, hcloud.Server).map((r) => ({
      resource: r,
      where: describe(r),
      cloud: "hetzner" as const,
      role: read(() => r.props.labels?.[ROLE_LABEL]),
      types: [r.props.serverType].filter(Boolean),
    })),
  ];
}

export const stackNodepoolEnforceProfile: StackValidationPolicy = {
  name: "stack-nodepool-enforce-profile",
  description:
    "Self-hosted deployment §1.1 (recommended node sizes) and Infrastructure recommendations, Production Environment (node pool sizes per tier): every node pool or server labelled platform/role has at least the vCPU and memory of that role's documented profile.",
  configSchema: configSchema("nodeProfiles", "machineTypes", "tier"),
  validateStack: (args, report) => {
    const { nodeProfiles, machineTypes, tier } = readConfig(args);
    const catalogs = new Map(Object.entries(machineTypes).map(([c, t]) => [c, typesOf(t)]));
    for (const pool of pools(args.resources)) {
      if (!pool.role) continue;
      const profile = nodeProfiles[pool.role];
      if (!profile) {
        report(
          `${pool.where} has role ${pool.role}, which has no documented profile in tier ${tier}.`,
          pool.resource.urn,
        );
        continue;
      }
      const catalog = catalogs.get(pool.cloud);
      for (const type of pool.types) {
        const machine = catalog?.get(type.toLowerCase());
        if (!catalog) {
          report(
            `${pool.where} uses ${type}, but the pack config lists no ${pool.cloud} machine types (machineTypes; npm run plan -- <stack> --policy-config writes them).`,
            pool.resource.urn,
          );
        } else if (!machine) {
          report(
            `${pool.where} uses ${type}, which the ${pool.cloud} catalog does not know.`,
            pool.resource.urn,
          );
        } else if (machine.vcpu < profile.vcpu || machine.memoryGb < profile.memoryGb) {
          report(
            `${pool.where} uses ${type} (${machine.vcpu} vCPU, ${machine.memoryGb} GB) below the ${pool.role} profile (${profile.vcpu} vCPU, ${profile.memoryGb} GB).`,
            pool.resource.urn,
          );
        }
      }
    }
  },
};
