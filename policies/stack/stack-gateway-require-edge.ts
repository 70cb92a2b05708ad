import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";
import { CR, GatewayListener } from "../lib/crd";
import { hostsFrontedElsewhere } from "../lib/origin-lock";
import { isGiven, whenKnown } from "../lib/props";
import { describe, ofType } from "../lib/stack";

/**
 * Hosts an edge with a WAF answers: proxied Cloudflare names, aliases of a WAF'd distribution, and
 * the gateway's hosts when the group's distribution in stack `frontedBy` answers them.
 */
function edgeHosts(resources: PolicyResource[], frontedBy: string): Map<string, string> {
  const hosts = new Map<string, string>();
  for (const host of hostsFrontedElsewhere(resources, frontedBy))
    hosts.set(host, `the CloudFront distribution of stack ${frontedBy}`);
  for (const r of ofType(resources, cloudflare.DnsRecord, cloudflare.LoadBalancer)) {
    const name = whenKnown(() => r.props.name as string | undefined, undefined);
    if (name && whenKnown(() => r.props.proxied === true, false)) hosts.set(name, describe(r));
  }
  for (const d of ofType(resources, aws.cloudfront.Distribution)) {
    if (!isGiven(d.props, "webAclId")) continue;
    for (const alias of whenKnown(() => (d.props.aliases ?? []) as string[], []))
      hosts.set(alias, describe(d));
  }
  return hosts;
}

export const stackGatewayRequireEdge: StackValidationPolicy = {
  name: "stack-gateway-require-edge",
  description:
    "Infrastructure recommendations, CDN & Caching and Security Infrastructure (CDN, DDoS protection and a layer-7 WAF in front of the application) and self-hosted deployment §1 (the WAF in the DMZ): outside a laptop cluster, every host a Gateway serves over HTTPS is answered by an edge with a WAF: a proxied Cloudflare record or load balancer, an alias of a CloudFront distribution with a web ACL, or, in a secondary region whose config names the group's distribution (frontedBy), a gateway whose NLB admits the web from prefix lists alone (CloudFront's origin-facing servers).",
  configSchema: configSchema("environment", "frontedBy"),
  validateStack: (args, report) => {
    const { environment, frontedBy } = readConfig(args);
    if (environment === "development") return;
    const gateways = ofType(args.resources, CR.gateway);
    if (gateways.length === 0) return;
    const fronted = edgeHosts(args.resources, frontedBy);
    for (const g of gateways) {
      const listeners = whenKnown(() => (g.props.spec?.listeners ?? []) as GatewayListener[], []);
      for (const l of listeners.filter((l) => l.protocol === "HTTPS" && l.hostname)) {
        if (!fronted.has(l.hostname!))
          report(
            `${l.hostname} (listener ${l.name} of ${describe(g)}) is served straight from the gateway: no edge with a WAF answers it (edge.provider cloudflare or cloudfront${frontedBy ? `; the distribution of stack ${frontedBy} fronts it only while the gateway's NLB admits the web from CloudFront's prefix list alone` : ""}).`,
            g.urn,
          );
      }
    }
  },
};
