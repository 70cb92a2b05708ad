import { kubernetesPodDisallowPrivileged } from "../../../policies/kubernetes/kubernetes-pod-disallow-privileged";
import { describeResourcePolicy } from "../harness";
import { WORKLOADS } from "../fixtures";

describeResourcePolicy(
  kubernetesPodDisallowPrivileged,
  WORKLOADS.map((w) => ({
    type: w.type,
    props: w.props(),
    cases: [
      {
        rule: "a privileged container",
        set: [`${w.pod}.containers.0.securityContext.privileged`, true],
        expect: /container api runs privileged/,
      },
      {
        rule: "privilege escalation allowed",
        set: [`${w.pod}.containers.0.securityContext.allowPrivilegeEscalation`, true],
        expect: /allowPrivilegeEscalation/,
      },
      {
        rule: "an init container keeps its capabilities",
        set: [`${w.pod}.initContainers.0.securityContext.capabilities.drop`, []],
        expect: /init container migrate does not drop ALL/,
      },
      {
        rule: "a container adds NET_ADMIN",
        set: [`${w.pod}.containers.0.securityContext.capabilities.add`, ["NET_ADMIN"]],
        expect: /adds capabilities NET_ADMIN/,
      },
    ],
    passes: [
      {
        rule: "a container adds back only NET_BIND_SERVICE",
        set: [`${w.pod}.containers.0.securityContext.capabilities.add`, ["NET_BIND_SERVICE"]],
      },
    ],
  })),
);
