import * as k8s from "@pulumi/kubernetes";
import { StackValidationPolicy } from "@pulumi/policy";
import { kubeNameOf, namespaceOf, selectorMatches } from "../lib/k8s";
import { describe, ofType } from "../lib/stack";
import { podLabelsOf, WORKLOAD_TYPES } from "../lib/workloads";

export const stackWorkloadRequireDisruptionBudget: StackValidationPolicy = {
  name: "stack-workload-require-disruption-budget",
  description:
    "Infrastructure recommendations, Helm Charts (pdb.yaml beside hpa.yaml) and Deployment Strategy (zero downtime): every Deployment or StatefulSet with more than one replica, or scaled by an HPA, has a PodDisruptionBudget selecting its pods.",
  validateStack: (args, report) => {
    const hpas = ofType(args.resources, k8s.autoscaling.v2.HorizontalPodAutoscaler);
    const pdbs = ofType(args.resources, k8s.policy.v1.PodDisruptionBudget);
    for (const kind of ["Deployment", "StatefulSet"] as const) {
      for (const w of ofType(args.resources, WORKLOAD_TYPES[kind])) {
        const name = kubeNameOf(w.props, w.name);
        const ns = namespaceOf(w.props);
        const scaled = hpas.some(
          (h) =>
            namespaceOf(h.props) === ns &&
            h.props.spec?.scaleTargetRef?.kind === kind &&
            h.props.spec?.scaleTargetRef?.name === name,
        );
        if ((w.props.spec?.replicas ?? 1) <= 1 && !scaled) continue;
        const labels = podLabelsOf(kind, w.props);
        const covered = pdbs.some(
          (p) => namespaceOf(p.props) === ns && selectorMatches(p.props.spec?.selector, labels),
        );
        if (!covered)
          report(
            `${describe(w)} runs several replicas but no PodDisruptionBudget selects its pods.`,
            w.urn,
          );
      }
    }
  },
};
