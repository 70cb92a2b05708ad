import { ResourceValidationPolicy } from "@pulumi/policy";
import { validateCustomResource } from "../lib/crd";
import { DAY_SECONDS, parseGoDuration } from "../lib/duration";

/** cert-manager's default certificate lifetime, and Let's Encrypt's. */
const DEFAULT_DURATION = 90 * DAY_SECONDS;
/** Infrastructure recommendations, Alerting Strategy pages on "certificate expiring <7 days". */
const ALERT_WINDOW = 7 * DAY_SECONDS;

interface CertificateSpec {
  duration?: string;
  renewBefore?: string;
  renewBeforePercentage?: number;
}

export const kubernetesCertmanagerRequireAutoRenewal: ResourceValidationPolicy = {
  name: "kubernetes-certmanager-require-auto-renewal",
  description:
    "Self-hosted deployment §2.1 (Let's Encrypt with automatic renewal) and Infrastructure recommendations, Security Infrastructure (renewal automatic via cert-manager): ClusterIssuers use ACME, and Certificates renew more than 7 days before expiry.",
  validateResource: [
    validateCustomResource<{ acme?: { server?: string; solvers?: unknown[] } }>(
      "cert-manager.io/v1",
      "ClusterIssuer",
      (issuer, _args, report) => {
        const acme = issuer.spec?.acme;
        if (!acme?.server) report("the ClusterIssuer is not an ACME issuer; use Let's Encrypt.");
        else if ((acme.solvers ?? []).length === 0)
          report("the ACME issuer has no solvers, so it cannot renew.");
      },
    ),
    validateCustomResource<CertificateSpec>(
      "cert-manager.io/v1",
      "Certificate",
      (cert, _args, report) => {
        const spec = cert.spec ?? {};
        const duration = spec.duration ? parseGoDuration(spec.duration) : DEFAULT_DURATION;
        if (duration === undefined)
          return report(`duration ${spec.duration} is not a valid duration.`);
        let before: number | undefined;
        if (spec.renewBefore !== undefined) {
          before = parseGoDuration(spec.renewBefore);
          if (before === undefined)
            return report(`renewBefore ${spec.renewBefore} is not a valid duration.`);
        } else if (spec.renewBeforePercentage !== undefined) {
          before = (duration * spec.renewBeforePercentage) / 100;
        }
        if (before === undefined) return; // cert-manager renews at two thirds of the lifetime.
        if (before <= ALERT_WINDOW) {
          report(
            "renewal starts within 7 days of expiry, inside the certificate-expiry alert window.",
          );
        } else if (before >= duration) {
          report("renewal is set at or beyond the certificate's lifetime, so it never settles.");
        }
      },
    ),
  ],
};
