import { StackValidationPolicy } from "@pulumi/policy";
import { proxiedZones, zoneLabel, zoneSetting } from "../lib/cloudflare";
import { HSTS_MAX_AGE } from "../lib/tls";

interface SecurityHeader {
  strict_transport_security?: { enabled?: boolean; max_age?: number; include_subdomains?: boolean };
}

export const stackCloudflareRequireHsts: StackValidationPolicy = {
  name: "stack-cloudflare-require-hsts",
  description:
    "Self-hosted deployment §2.1 (enable HSTS) and Infrastructure recommendations, Security Infrastructure (HSTS max-age=31536000; includeSubDomains): a Cloudflare zone that proxies the stack's hosts sends that HSTS header from the edge (zone setting security_header).",
  validateStack: (args, report) => {
    for (const zone of proxiedZones(args.resources)) {
      const value = zoneSetting(args.resources, zone.zoneId, "security_header") as
        SecurityHeader | undefined;
      const hsts = value?.strict_transport_security;
      const where = zoneLabel(zone);
      if (!hsts || hsts.enabled !== true) {
        report(
          `${where}: HSTS is not enabled (security_header.strict_transport_security).`,
          zone.subject.urn,
        );
        continue;
      }
      if ((hsts.max_age ?? 0) < HSTS_MAX_AGE)
        report(
          `${where}: HSTS max_age is ${hsts.max_age ?? 0}; use at least ${HSTS_MAX_AGE}.`,
          zone.subject.urn,
        );
      if (hsts.include_subdomains !== true)
        report(`${where}: HSTS include_subdomains is not true.`, zone.subject.urn);
    }
  },
};
