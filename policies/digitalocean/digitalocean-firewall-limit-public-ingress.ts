import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { fromDigitalOceanFirewall, publicPortCheck } from "../lib/ingress";

export const digitaloceanFirewallLimitPublicIngress: ResourceValidationPolicy = {
  name: "digitalocean-firewall-limit-public-ingress",
  description:
    "Infrastructure recommendations, Security Infrastructure (only HTTP/HTTPS from anywhere; PostgreSQL and Redis internal only): DigitalOcean firewalls open nothing but 80 and 443 to the internet.",
  validateResource: validateResourceOfType(
    digitalocean.Firewall,
    publicPortCheck(fromDigitalOceanFirewall),
  ),
};
