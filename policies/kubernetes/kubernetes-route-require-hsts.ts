import { ResourceValidationPolicy } from "@pulumi/policy";
import { HttpRouteFilter, HttpRouteSpec, validateCustomResource } from "../lib/crd";
import { HSTS_HEADER, hstsProblems } from "../lib/tls";

/** The HSTS value a ResponseHeaderModifier sets or adds, if any. */
function hstsValue(filters: HttpRouteFilter[] = []): string | undefined {
  for (const f of filters) {
    if (f.type !== "ResponseHeaderModifier") continue;
    const headers = [
      ...(f.responseHeaderModifier?.set ?? []),
      ...(f.responseHeaderModifier?.add ?? []),
    ];
    const hsts = headers.find((h) => h.name.toLowerCase() === HSTS_HEADER.toLowerCase());
    if (hsts) return hsts.value;
  }
  return undefined;
}

export const kubernetesRouteRequireHsts: ResourceValidationPolicy = {
  name: "kubernetes-route-require-hsts",
  description:
    "Self-hosted deployment §2.1 (enable HTTP Strict Transport Security) and Infrastructure recommendations, Security Infrastructure (HSTS max-age=31536000; includeSubDomains): every HTTPRoute rule that serves a backend adds that header.",
  validateResource: validateCustomResource<HttpRouteSpec>(
    "gateway.networking.k8s.io/v1",
    "HTTPRoute",
    (route, _args, report) => {
      (route.spec?.rules ?? []).forEach((rule, i) => {
        const backends = rule.backendRefs ?? [];
        if (backends.length === 0) return;
        // The header may sit on the rule or on every backend of it.
        const value =
          hstsValue(rule.filters) ??
          (backends.every((b) => hstsValue(b.filters))
            ? hstsValue(backends[0].filters)
            : undefined);
        if (value === undefined) {
          report(`rules[${i}] serves a backend without a ${HSTS_HEADER} response header.`);
          return;
        }
        const problems = hstsProblems(value);
        if (problems.length > 0)
          report(`rules[${i}] sends ${HSTS_HEADER} with ${problems.join(" and ")}.`);
      });
    },
  ),
};
