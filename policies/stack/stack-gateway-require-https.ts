import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { CR, GatewayListener, HttpRouteSpec } from "../lib/crd";
import { kubeNameOf, namespaceOf } from "../lib/k8s";
import { describe, ofType } from "../lib/stack";

/** Routes attached to one listener: parentRef names the gateway and that section (or none). */
function routesOn(routes: PolicyResource[], gateway: PolicyResource, listener: GatewayListener) {
  const gwName = kubeNameOf(gateway.props, gateway.name);
  const gwNs = namespaceOf(gateway.props);
  return routes.filter((r) =>
    ((r.props.spec as HttpRouteSpec | undefined)?.parentRefs ?? []).some(
      (p) =>
        (p.kind ?? "Gateway") === "Gateway" &&
        p.name === gwName &&
        (p.namespace ?? namespaceOf(r.props)) === gwNs &&
        (p.sectionName === undefined || p.sectionName === listener.name) &&
        (p.port === undefined || p.port === listener.port),
    ),
  );
}

/** True when every rule of the route answers with a redirect to https and forwards nothing. */
function redirectsOnly(route: PolicyResource): boolean {
  const rules = (route.props.spec as HttpRouteSpec | undefined)?.rules ?? [];
  return (
    rules.length > 0 &&
    rules.every(
      (rule) =>
        (rule.backendRefs ?? []).length === 0 &&
        (rule.filters ?? []).some(
          (f) => f.type === "RequestRedirect" && f.requestRedirect?.scheme === "https",
        ),
    )
  );
}

export const stackGatewayRequireHttps: StackValidationPolicy = {
  name: "stack-gateway-require-https",
  description:
    "Self-hosted deployment §2.1 (HTTPS with Let's Encrypt, HSTS) and Infrastructure recommendations, Security Infrastructure: a stack that routes HTTP traffic has a Gateway with an HTTPS listener, and every HTTP listener only redirects to https.",
  validateStack: (args, report) => {
    const gateways = ofType(args.resources, CR.gateway);
    const routes = ofType(args.resources, CR.httpRoute);
    if (gateways.length === 0 && routes.length === 0) return;
    const listeners = gateways.flatMap((g) =>
      ((g.props.spec?.listeners ?? []) as GatewayListener[]).map((l) => ({
        gateway: g,
        listener: l,
      })),
    );
    if (!listeners.some(({ listener }) => listener.protocol === "HTTPS")) {
      report("no Gateway has an HTTPS listener, so traffic is served in plain text.");
    }
    for (const { gateway, listener } of listeners.filter(
      ({ listener }) => listener.protocol === "HTTP",
    )) {
      const attached = routesOn(routes, gateway, listener);
      if (attached.length === 0) {
        report(
          `HTTP listener ${listener.name} of ${describe(gateway)} has no HTTPRoute redirecting to https.`,
          gateway.urn,
        );
      }
      for (const route of attached.filter((r) => !redirectsOnly(r))) {
        report(
          `${describe(route)} serves plain HTTP on listener ${listener.name}; it may only redirect to https.`,
          route.urn,
        );
      }
    }
  },
};
