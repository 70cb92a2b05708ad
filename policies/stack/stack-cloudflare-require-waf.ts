import { StackValidationPolicy } from "@pulumi/policy";
import { phaseRules, proxiedZones, zoneLabel } from "../lib/cloudflare";

/**
 * Cloudflare's WAF managed rulesets (cloudflare-docs waf/managed-rules): the Free Managed Ruleset
 * on every plan; the Cloudflare Managed Ruleset and the OWASP Core Ruleset from Pro.
 */
const MANAGED = new Set([
  "77454fe2d30c4220b5701f6fdfb893ba",
  "efb7b8c949ac4650a09736fc376e9aee",
  "4814384a9e5d4991b9815dcfc25d2f1f",
]);

export const stackCloudflareRequireWaf: StackValidationPolicy = {
  name: "stack-cloudflare-require-waf",
  description:
    "Infrastructure recommendations, Security Infrastructure (layer-7 WAF with rate limiting) and self-hosted deployment §6.1 (10 r/s, burst 20 per client): a Cloudflare zone that proxies the stack's hosts executes a Cloudflare WAF managed ruleset and blocks clients over a per-IP rate limit.",
  validateStack: (args, report) => {
    for (const zone of proxiedZones(args.resources)) {
      const where = zoneLabel(zone);
      const managed = phaseRules(args.resources, zone.zoneId, "http_request_firewall_managed").some(
        (r) => r.action === "execute" && MANAGED.has(r.actionParameters?.id ?? ""),
      );
      if (!managed)
        report(
          `${where}: no WAF managed ruleset runs (http_request_firewall_managed); execute the plan's managed rulesets.`,
          zone.subject.urn,
        );
      const limited = phaseRules(args.resources, zone.zoneId, "http_ratelimit").some(
        (r) =>
          (r.action === "block" || r.action === "managed_challenge") &&
          (r.ratelimit?.characteristics ?? []).includes("ip.src"),
      );
      if (!limited)
        report(
          `${where}: no per-client rate limit (http_ratelimit rule counting by ip.src that blocks).`,
          zone.subject.urn,
        );
    }
  },
};
