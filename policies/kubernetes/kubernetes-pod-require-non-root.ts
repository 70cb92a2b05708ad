import { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, validatePodSpecs } from "../lib/workloads";

export const kubernetesPodRequireNonRoot: ResourceValidationPolicy = {
  name: "kubernetes-pod-require-non-root",
  description:
    "Self-hosted deployment §2.2 (principle of least privilege): every container runs with runAsNonRoot true, set on the container or the pod, and no container asks for user 0.",
  validateResource: validatePodSpecs((pod, _args, report) => {
    for (const { container: c, label: who } of containersOf(pod)) {
      // A container's securityContext overrides the pod's.
      const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      const user = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
      if (nonRoot !== true) report(`${who} does not set runAsNonRoot: true.`);
      if (user === 0) report(`${who} runs as user 0 (root).`);
    }
  }),
};
