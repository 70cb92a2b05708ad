import { ResourceValidationPolicy } from "@pulumi/policy";
import { validatePodSpecs } from "../lib/workloads";

export const kubernetesPodDisallowHostNamespaces: ResourceValidationPolicy = {
  name: "kubernetes-pod-disallow-host-namespaces",
  description:
    "Self-hosted deployment §2.2 (principle of least privilege): pods do not share the node's network, PID or IPC namespaces (hostNetwork, hostPID, hostIPC).",
  validateResource: validatePodSpecs((pod, _args, report) => {
    for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
      if (pod[field] === true)
        report(`${field} is true; the pod would share the node's namespace.`);
    }
  }),
};
