import { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, validatePodSpecs } from "../lib/workloads";

/** The one capability the restricted Pod Security Standard lets a container add back. */
const ALLOWED_ADD = ["NET_BIND_SERVICE"];

export const kubernetesPodDisallowPrivileged: ResourceValidationPolicy = {
  name: "kubernetes-pod-disallow-privileged",
  description:
    "Self-hosted deployment §2.2 (role-based access with the principle of least privilege): containers are not privileged, set allowPrivilegeEscalation to false and drop ALL capabilities.",
  validateResource: validatePodSpecs((pod, _args, report) => {
    for (const { container: c, label: who } of containersOf(pod)) {
      const sc = c.securityContext ?? {};
      if (sc.privileged === true) report(`${who} runs privileged.`);
      if (sc.allowPrivilegeEscalation !== false) {
        report(`${who} does not set allowPrivilegeEscalation: false.`);
      }
      if (!(sc.capabilities?.drop ?? []).includes("ALL"))
        report(`${who} does not drop ALL capabilities.`);
      const added = (sc.capabilities?.add ?? []).filter((cap) => !ALLOWED_ADD.includes(cap));
      if (added.length > 0) report(`${who} adds capabilities ${added.join(", ")}.`);
    }
  }),
};
