import { kubernetesRouteRequireHsts } from "../../../policies/kubernetes/kubernetes-route-require-hsts";
import { describeResourcePolicy } from "../harness";
import { httpsRoute, redirectRoute } from "../fixtures";

describeResourcePolicy(kubernetesRouteRequireHsts, [
  {
    type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    props: httpsRoute(),
    cases: [
      {
        rule: "no HSTS header",
        set: ["spec.rules.0.filters", []],
        expect: /rules\[0\] serves a backend without a Strict-Transport-Security/,
      },
      {
        rule: "HSTS for one day",
        set: [
          "spec.rules.0.filters.0.responseHeaderModifier.set.0.value",
          "max-age=86400; includeSubDomains",
        ],
        expect: /max-age is 86400/,
      },
      {
        rule: "HSTS without subdomains",
        set: ["spec.rules.0.filters.0.responseHeaderModifier.set.0.value", "max-age=31536000"],
        expect: /includeSubDomains is missing/,
      },
    ],
    passes: [
      {
        rule: "the header is added rather than set",
        set: [
          "spec.rules.0.filters.0.responseHeaderModifier",
          {
            add: [
              {
                name: "strict-transport-security",
                value: "max-age=63072000; includeSubDomains; preload",
              },
            ],
          },
        ],
      },
    ],
  },
  {
    type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    props: redirectRoute(),
    cases: [
      {
        rule: "the redirect route starts forwarding to the app",
        set: ["spec.rules.0.backendRefs", [{ name: "api", port: 3000 }]],
        expect: /without a Strict-Transport-Security/,
      },
    ],
  },
]);
