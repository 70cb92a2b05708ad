import { stackGatewayRequireHttps } from "../../../policies/stack/stack-gateway-require-https";
import { describeStackPolicy } from "../harness";
import { deployment, gateway, httpsRoute, redirectRoute } from "../fixtures";

const GW = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

describeStackPolicy(stackGatewayRequireHttps, [
  {
    resources: [
      { type: GW, name: "public", props: gateway() },
      { type: ROUTE, name: "redirect", props: redirectRoute() },
      { type: ROUTE, name: "api", props: httpsRoute() },
    ],
    cases: [
      {
        rule: "the gateway has no HTTPS listener",
        set: ["public", "spec.listeners.1.protocol", "HTTP"],
        expect: /no Gateway has an HTTPS listener|listener https/,
      },
      {
        rule: "the HTTP listener has no redirect route",
        remove: "redirect",
        expect: /HTTP listener http of Gateway public has no HTTPRoute redirecting to https/,
      },
      {
        rule: "the app route also attaches to the HTTP listener",
        set: ["api", "spec.parentRefs.0.sectionName", undefined],
        expect: /HTTPRoute api serves plain HTTP on listener http/,
      },
      {
        rule: "the redirect keeps the http scheme",
        set: ["redirect", "spec.rules.0.filters.0.requestRedirect.scheme", "http"],
        expect: /HTTPRoute redirect serves plain HTTP/,
      },
    ],
  },
  {
    // A cluster-only stack with no traffic objects is not judged...
    resources: [{ type: "kubernetes:apps/v1:Deployment", name: "api", props: deployment() }],
    cases: [
      {
        rule: "...until it adds a route with no Gateway to serve it over HTTPS",
        add: { type: ROUTE, name: "api-route", props: httpsRoute() },
        expect: /^no Gateway has an HTTPS listener/,
      },
    ],
  },
]);
