import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";

/**
 * ELB security policies whose floor is TLS 1.2 or 1.3 (the TLS13-1-2, TLS13-1-3, TLS-1-2 and FS-1-2
 * families); ELBSecurityPolicy-2016-08, the API's default, still accepts TLS 1.0.
 */
const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)-/;

type Listener = Unwrap<NonNullable<aws.lb.ListenerArgs>>;

function check(listener: Listener, report: (m: string) => void) {
  const protocol = (listener.protocol ?? "HTTP").toUpperCase();
  if (protocol === "HTTPS" || protocol === "TLS") {
    if (!listener.sslPolicy || !TLS12_POLICY.test(listener.sslPolicy)) {
      report(
        `sslPolicy ${listener.sslPolicy ?? "(default)"} allows TLS below 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06.`,
      );
    }
  }
  if (protocol === "HTTP") {
    const redirectsOnly = listener.defaultActions.every(
      (a) => a.type === "redirect" && a.redirect?.protocol === "HTTPS",
    );
    if (!redirectsOnly) report("an HTTP listener must only redirect to HTTPS.");
  }
}

export const awsLbRequireTls: ResourceValidationPolicy = {
  name: "aws-lb-require-tls",
  description:
    "Self-hosted deployment §2.1 (minimum TLS 1.2, prefer 1.3) and Infrastructure recommendations, Security Infrastructure (TLS 1.2+): load balancer listeners use a TLS 1.2+ security policy and plain HTTP only redirects to HTTPS.",
  validateResource: [
    validateResourceOfType(aws.lb.Listener, (l, _args, report) => check(l, report)),
    validateResourceOfType(aws.alb.Listener, (l, _args, report) => check(l, report)),
  ],
};
