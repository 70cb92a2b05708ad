import * as cloudflare from "@pulumi/cloudflare";
import { StackValidationPolicy } from "@pulumi/policy";
import { proxiedZones, zoneLabel, zoneSetting } from "../lib/cloudflare";
import { CR, GatewayListener } from "../lib/crd";
import { kubeNameOf, namespaceOf } from "../lib/k8s";
import { whenKnown } from "../lib/props";
import { describe, ofType } from "../lib/stack";

interface ClientValidation {
  caCertificateRefs?: { name?: string }[];
  optional?: boolean;
}

/** Listener names of Gateways whose ClientTrafficPolicy requires a client certificate. */
function lockedListeners(args: Parameters<StackValidationPolicy["validateStack"]>[0]) {
  const locked = new Map<string, { gateway: string; listener: string }>();
  const gateways = ofType(args.resources, CR.gateway);
  const policies = ofType(args.resources, CR.clientTrafficPolicy);
  for (const g of gateways) {
    const name = kubeNameOf(g.props, g.name);
    const ns = namespaceOf(g.props);
    const listeners = whenKnown(() => (g.props.spec?.listeners ?? []) as GatewayListener[], []);
    for (const l of listeners.filter((l) => l.protocol === "HTTPS" && l.hostname)) {
      // The policy naming the listener wins over the Gateway-wide one (Envoy Gateway).
      const on = (section?: string) =>
        policies.find(
          (p) =>
            namespaceOf(p.props) === ns &&
            (
              (p.props.spec?.targetRefs ?? []) as {
                kind?: string;
                name?: string;
                sectionName?: string;
              }[]
            ).some((t) => t.kind === "Gateway" && t.name === name && t.sectionName === section),
        );
      const policy = on(l.name) ?? on(undefined);
      const v = policy?.props.spec?.tls?.clientValidation as ClientValidation | undefined;
      if (v && (v.caCertificateRefs ?? []).length > 0 && v.optional !== true)
        locked.set(l.hostname!, { gateway: describe(g), listener: l.name });
    }
  }
  return locked;
}

export const stackCloudflareRequireOriginLock: StackValidationPolicy = {
  name: "stack-cloudflare-require-origin-lock",
  description:
    "Self-hosted deployment §1 (the WAF in the DMZ before the load balancer) and Infrastructure recommendations, Security Infrastructure: the origin behind a Cloudflare zone accepts only Cloudflare. The zone presents its authenticated-origin-pull certificate (tls_client_auth, or zone-level AOP) and every proxied host's gateway listener requires a client certificate, so nobody reaches the gateway around the WAF.",
  validateStack: (args, report) => {
    const zones = proxiedZones(args.resources);
    if (zones.length === 0) return;
    const locked = lockedListeners(args);
    const gateways = ofType(args.resources, CR.gateway).length > 0;
    for (const zone of zones) {
      const where = zoneLabel(zone);
      const zoneAop = ofType(args.resources, cloudflare.AuthenticatedOriginPullsSettings).some(
        (s) => s.props.zoneId === zone.zoneId && s.props.enabled === true,
      );
      if (zoneSetting(args.resources, zone.zoneId, "tls_client_auth") !== "on" && !zoneAop)
        report(
          `${where}: Cloudflare presents no client certificate to the origin; turn on authenticated origin pulls (zone setting tls_client_auth).`,
          zone.subject.urn,
        );
      // The gateway's side is judged where the stack builds the gateway.
      if (!gateways) continue;
      for (const host of zone.hosts.filter((h) => !locked.has(h)))
        report(
          `${where}: the gateway listener for ${host} accepts clients without Cloudflare's certificate, so the WAF can be bypassed; require it (ClientTrafficPolicy tls.clientValidation).`,
          zone.subject.urn,
        );
    }
  },
};
