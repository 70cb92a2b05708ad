import { ResourceValidationPolicy } from "@pulumi/policy";
import { validatePodSpecs } from "../lib/workloads";

export const kubernetesPodRequireProbes: ResourceValidationPolicy = {
  name: "kubernetes-pod-require-probes",
  description:
    "Self-hosted deployment §8.1 (health check before switching traffic) and Infrastructure recommendations, Deployment Strategy (automatic rollback on failed health checks): Deployment and StatefulSet containers define liveness and readiness probes.",
  validateResource: validatePodSpecs(
    (pod, _args, report) => {
      for (const c of pod.containers ?? []) {
        if (!c.livenessProbe) report(`container ${c.name} has no livenessProbe.`);
        if (!c.readinessProbe) report(`container ${c.name} has no readinessProbe.`);
      }
    },
    ["Deployment", "StatefulSet"],
  ),
};
