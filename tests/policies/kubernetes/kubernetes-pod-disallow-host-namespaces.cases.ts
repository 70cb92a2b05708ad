import { kubernetesPodDisallowHostNamespaces } from "../../../policies/kubernetes/kubernetes-pod-disallow-host-namespaces";
import { describeResourcePolicy } from "../harness";
import { WORKLOADS } from "../fixtures";

describeResourcePolicy(
  kubernetesPodDisallowHostNamespaces,
  WORKLOADS.map((w) => ({
    type: w.type,
    props: w.props(),
    cases: [
      {
        rule: "the pod uses the host network",
        set: [`${w.pod}.hostNetwork`, true],
        expect: /hostNetwork is true/,
      },
      {
        rule: "the pod shares the host PID namespace",
        set: [`${w.pod}.hostPID`, true],
        expect: /hostPID is true/,
      },
      {
        rule: "the pod shares the host IPC namespace",
        set: [`${w.pod}.hostIPC`, true],
        expect: /hostIPC is true/,
      },
    ],
    passes: [
      { rule: "hostNetwork is set to false explicitly", set: [`${w.pod}.hostNetwork`, false] },
    ],
  })),
);
