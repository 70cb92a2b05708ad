import { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, validatePodSpecs } from "../lib/workloads";

export const kubernetesPodRequireResources: ResourceValidationPolicy = {
  name: "kubernetes-pod-require-resources",
  description:
    "Self-hosted deployment §9.1 (container resource limits and reservations for every service): every container sets cpu and memory requests and limits.",
  validateResource: validatePodSpecs((pod, _args, report) => {
    for (const { container: c, label: who } of containersOf(pod)) {
      const missing = (["requests", "limits"] as const).flatMap((kind) =>
        ["cpu", "memory"]
          .filter((r) => c.resources?.[kind]?.[r] === undefined)
          .map((r) => `${kind}.${r}`),
      );
      if (missing.length > 0) report(`${who} lacks ${missing.join(", ")}.`);
    }
  }),
};
