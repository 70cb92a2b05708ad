import { StackValidationPolicy } from "@pulumi/policy";
import { phaseRules, proxiedZones, tlsAtLeast, zoneLabel, zoneSetting } from "../lib/cloudflare";

/** Self-hosted §2.1 and the tiers document, SSL/TLS: TLS 1.2 at least. */
const MIN_TLS = "1.2";

/** A redirect rule that sends visitors to https (a static URL or a dynamic expression). */
function redirectsToHttps(rule: ReturnType<typeof phaseRules>[number]): boolean {
  const target = rule.actionParameters?.fromValue?.targetUrl;
  return (
    rule.action === "redirect" &&
    (/^https:\/\//.test(target?.value ?? "") || /"https:\/\/"/.test(target?.expression ?? ""))
  );
}

export const stackCloudflareRequireTls: StackValidationPolicy = {
  name: "stack-cloudflare-require-tls",
  description:
    "Self-hosted deployment §2.1 (HTTPS, minimum TLS 1.2) and Infrastructure recommendations, Security Infrastructure (TLS 1.2+, TLS 1.3 preferred): a Cloudflare zone that proxies the stack's hosts encrypts to the origin in Full (strict) mode, refuses viewers below TLS 1.2, offers TLS 1.3, and redirects plain HTTP to HTTPS (Always Use HTTPS or a redirect rule).",
  validateStack: (args, report) => {
    for (const zone of proxiedZones(args.resources)) {
      const get = (id: string) => zoneSetting(args.resources, zone.zoneId, id);
      const where = zoneLabel(zone);
      const ssl = get("ssl");
      if (ssl !== "strict" && ssl !== "origin_pull")
        report(
          `${where}: SSL mode is ${ssl ?? "not managed"}; set zone setting ssl to strict, so Cloudflare validates the gateway's certificate.`,
          zone.subject.urn,
        );
      const min = get("min_tls_version");
      if (!tlsAtLeast(min, MIN_TLS))
        report(
          `${where}: minimum TLS version is ${min ?? "not managed (Cloudflare's default 1.0)"}; set min_tls_version to ${MIN_TLS} or higher.`,
          zone.subject.urn,
        );
      const tls13 = get("tls_1_3");
      if (tls13 !== "on" && tls13 !== "zrt")
        report(
          `${where}: TLS 1.3 is ${tls13 ?? "not managed"}; set tls_1_3 to on.`,
          zone.subject.urn,
        );
      const always = get("always_use_https") === "on";
      const redirect = phaseRules(
        args.resources,
        zone.zoneId,
        "http_request_dynamic_redirect",
      ).some(redirectsToHttps);
      if (!always && !redirect)
        report(
          `${where}: plain HTTP is served; turn on always_use_https or add a redirect rule to https.`,
          zone.subject.urn,
        );
    }
  },
};
