import * as k8s from "@pulumi/kubernetes";
import { StackValidationPolicy } from "@pulumi/policy";
import { kubeNameOf, namespaceOf, selectsAll } from "../lib/k8s";
import { describe, ofType } from "../lib/stack";

export const stackNamespaceRequireDefaultDeny: StackValidationPolicy = {
  name: "stack-namespace-require-default-deny",
  description:
    "Self-hosted deployment §2.1 (default deny incoming, then allow what is needed) and §1.2 (separate tiers): every Namespace the stack creates has a NetworkPolicy that selects all pods and allows no ingress.",
  validateStack: (args, report) => {
    const policies = ofType(args.resources, k8s.networking.v1.NetworkPolicy);
    for (const ns of ofType(args.resources, k8s.core.v1.Namespace)) {
      const name = kubeNameOf(ns.props, ns.name);
      const denies = policies.some((p) => {
        const spec = p.props.spec ?? {};
        return (
          namespaceOf(p.props) === name &&
          selectsAll(spec.podSelector) &&
          (spec.policyTypes ?? []).includes("Ingress") &&
          (spec.ingress ?? []).length === 0
        );
      });
      if (!denies) report(`${describe(ns)} has no default-deny ingress NetworkPolicy.`, ns.urn);
    }
  },
};
