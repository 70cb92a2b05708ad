import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isPrivate } from "../lib/cidr";

/** Trusted-source kinds that name something inside the account rather than an address. */
const INTERNAL_SOURCES = ["k8s", "droplet", "tag", "app"];

export const digitaloceanDatabaseDisallowPublicAccess: ResourceValidationPolicy = {
  name: "digitalocean-database-disallow-public-access",
  description:
    "Infrastructure recommendations, Security Infrastructure (PostgreSQL 5432 and Redis 6379 internal only): managed database trusted sources name the cluster, droplets, tags, apps or private VPC ranges, never a public address.",
  validateResource: validateResourceOfType(digitalocean.DatabaseFirewall, (fw, _args, report) => {
    fw.rules.forEach((rule, i) => {
      if (INTERNAL_SOURCES.includes(rule.type)) return;
      if (rule.type === "ip_addr" && isPrivate(rule.value)) return;
      report(`rules[${i}] trusts ${rule.type} ${rule.value}; trust the cluster or VPC only.`);
    });
  }),
};
