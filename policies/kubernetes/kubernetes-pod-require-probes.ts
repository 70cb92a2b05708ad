import { ResourceValidationPolicy } from "@pulumi/policy";
import { validatePodSpecs } from "../lib/workloads";

/**
 * Images that serve nothing a probe could ask: no port, no shell, no health command. Each entry
 * names where that is shown; any other image needs both probes.
 */
export const NO_HEALTH_ENDPOINT: Record<string, string> = {
  // package/Dockerfile at v0.20.1: FROM scratch with the one binary; main.go listens on no port.
  "rancher/system-upgrade-controller":
    "rancher/system-upgrade-controller package/Dockerfile and main.go: a scratch image that serves no port",
};

const repositoryOf = (image: string | undefined) =>
  (image ?? "").replace(/@.*$/, "").replace(/:[^/:]*$/, "");

export const kubernetesPodRequireProbes: ResourceValidationPolicy = {
  name: "kubernetes-pod-require-probes",
  description:
    "Self-hosted deployment §8.1 (health check before switching traffic) and Infrastructure recommendations, Deployment Strategy (automatic rollback on failed health checks): Deployment and StatefulSet containers define liveness and readiness probes (except images listed as serving no endpoint a probe could ask).",
  validateResource: validatePodSpecs(
    (pod, _args, report) => {
      for (const c of pod.containers ?? []) {
        if (repositoryOf(c.image) in NO_HEALTH_ENDPOINT) continue;
        if (!c.livenessProbe) report(`container ${c.name} has no livenessProbe.`);
        if (!c.readinessProbe) report(`container ${c.name} has no readinessProbe.`);
      }
    },
    ["Deployment", "StatefulSet"],
  ),
};
