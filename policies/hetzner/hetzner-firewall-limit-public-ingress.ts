import * as hcloud from "@pulumi/hcloud";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { fromHetznerFirewall, publicPortCheck } from "../lib/ingress";

export const hetznerFirewallLimitPublicIngress: ResourceValidationPolicy = {
  name: "hetzner-firewall-limit-public-ingress",
  description:
    "Self-hosted deployment §2.1 (ufw default deny incoming; allow 80 and 443) and Infrastructure recommendations, Security Infrastructure: Hetzner Cloud firewalls open nothing but 80 and 443 to the internet, including the k3s API 6443.",
  validateResource: validateResourceOfType(hcloud.Firewall, publicPortCheck(fromHetznerFirewall)),
};
