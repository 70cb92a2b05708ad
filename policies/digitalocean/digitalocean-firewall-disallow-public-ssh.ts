import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";
import { fromDigitalOceanFirewall, sshCheck } from "../lib/ingress";

export const digitaloceanFirewallDisallowPublicSsh: ResourceValidationPolicy = {
  name: "digitalocean-firewall-disallow-public-ssh",
  description:
    "Infrastructure recommendations, Security Infrastructure (SSH from VPN/jumpbox only) and self-hosted deployment §2.1: DigitalOcean firewalls open SSH (22, or 2222) only to adminCidrs or private ranges, never to 0.0.0.0/0 or ::/0.",
  configSchema: configSchema("adminCidrs"),
  validateResource: validateResourceOfType(
    digitalocean.Firewall,
    sshCheck(fromDigitalOceanFirewall, (args) => readConfig(args).adminCidrs),
  ),
};
