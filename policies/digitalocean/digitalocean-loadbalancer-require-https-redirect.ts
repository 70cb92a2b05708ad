import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const digitaloceanLoadbalancerRequireHttpsRedirect: ResourceValidationPolicy = {
  name: "digitalocean-loadbalancer-require-https-redirect",
  description:
    "Self-hosted deployment §2.1 (minimum TLS 1.2, modern cipher suites only, HSTS) and Infrastructure recommendations, Security Infrastructure: a DigitalOcean load balancer that serves HTTP redirects it to HTTPS and uses the STRONG TLS cipher policy.",
  validateResource: validateResourceOfType(digitalocean.LoadBalancer, (lb, _args, report) => {
    const rules = lb.forwardingRules ?? [];
    // A TCP pass-through to the gateway leaves redirects and TLS to the gateway's own listeners.
    if (rules.some((r) => r.entryProtocol === "http") && lb.redirectHttpToHttps !== true) {
      report("redirectHttpToHttps is not true, so plain HTTP is served.");
    }
    const terminatesTls = rules.some((r) => ["https", "http2", "http3"].includes(r.entryProtocol));
    if (terminatesTls && lb.tlsCipherPolicy !== "STRONG") {
      report(
        `tlsCipherPolicy is ${lb.tlsCipherPolicy ?? "DEFAULT"}; use STRONG (TLS 1.2+ modern ciphers).`,
      );
    }
  }),
};
