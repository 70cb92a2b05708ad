import { ResourceValidationPolicy } from "@pulumi/policy";
import { validateCustomResource } from "../lib/crd";

const ALLOWED = ["1.2", "1.3"];

export const kubernetesGatewayEnforceTlsVersion: ResourceValidationPolicy = {
  name: "kubernetes-gateway-enforce-tls-version",
  description:
    "Self-hosted deployment §2.1 (minimum TLS 1.2, prefer TLS 1.3) and Infrastructure recommendations, Security Infrastructure (TLS 1.2+): Envoy Gateway ClientTrafficPolicies set tls.minVersion to 1.2 or 1.3.",
  validateResource: validateCustomResource<{ tls?: { minVersion?: string; maxVersion?: string } }>(
    "gateway.envoyproxy.io/v1alpha1",
    "ClientTrafficPolicy",
    (policy, _args, report) => {
      const min = policy.spec?.tls?.minVersion;
      if (!min || !ALLOWED.includes(min)) {
        report(`tls.minVersion is ${min ?? "unset"}; set "1.2" or "1.3".`);
      }
    },
  ),
};
