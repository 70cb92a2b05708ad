import * as hcloud from "@pulumi/hcloud";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";
import { fromHetznerFirewall, sshCheck } from "../lib/ingress";

export const hetznerFirewallDisallowPublicSsh: ResourceValidationPolicy = {
  name: "hetzner-firewall-disallow-public-ssh",
  description:
    "Infrastructure recommendations, Security Infrastructure (SSH from VPN/jumpbox only) and self-hosted deployment §2.1: Hetzner Cloud firewalls open SSH (22, or 2222) only to adminCidrs or private ranges, never to 0.0.0.0/0 or ::/0.",
  configSchema: configSchema("adminCidrs"),
  validateResource: validateResourceOfType(
    hcloud.Firewall,
    sshCheck(fromHetznerFirewall, (args) => readConfig(args).adminCidrs),
  ),
};
