import { stackNamespaceRequireDefaultDeny } from "../../../policies/stack/stack-namespace-require-default-deny";
import { describeStackPolicy } from "../harness";

const denyAll = (ns: string) => ({
  type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  name: `${ns}-default-deny`,
  props: {
    metadata: { name: "default-deny", namespace: ns },
    spec: { podSelector: {}, policyTypes: ["Ingress"] },
  },
});

describeStackPolicy(stackNamespaceRequireDefaultDeny, [
  {
    resources: [
      { type: "kubernetes:core/v1:Namespace", name: "apps", props: { metadata: { name: "apps" } } },
      { type: "kubernetes:core/v1:Namespace", name: "data", props: { metadata: { name: "data" } } },
      denyAll("apps"),
      denyAll("data"),
    ],
    cases: [
      {
        rule: "a namespace without its deny-all policy",
        remove: "data-default-deny",
        expect: /Namespace data has no default-deny/,
      },
      {
        rule: "the policy selects only some pods",
        set: ["apps-default-deny", "spec.podSelector", { matchLabels: { app: "api" } }],
        expect: /Namespace apps/,
      },
      {
        rule: "the policy lets ingress in",
        set: ["apps-default-deny", "spec.ingress", [{ from: [{ podSelector: {} }] }]],
        expect: /Namespace apps/,
      },
      {
        rule: "the policy only covers egress",
        set: ["apps-default-deny", "spec.policyTypes", ["Egress"]],
        expect: /Namespace apps/,
      },
    ],
    passes: [
      {
        rule: "the policy denies egress as well",
        set: ["apps-default-deny", "spec.policyTypes", ["Ingress", "Egress"]],
      },
    ],
  },
]);
