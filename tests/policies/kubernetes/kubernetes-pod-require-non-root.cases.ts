import { kubernetesPodRequireNonRoot } from "../../../policies/kubernetes/kubernetes-pod-require-non-root";
import { describeResourcePolicy } from "../harness";
import { WORKLOADS } from "../fixtures";

describeResourcePolicy(
  kubernetesPodRequireNonRoot,
  WORKLOADS.map((w) => ({
    type: w.type,
    props: w.props(),
    cases: [
      {
        rule: "the pod does not require non-root",
        set: [`${w.pod}.securityContext.runAsNonRoot`, false],
        expect: /does not set runAsNonRoot: true/,
      },
      {
        rule: "a container overrides it with false",
        set: [`${w.pod}.containers.0.securityContext.runAsNonRoot`, false],
        expect: /container api does not set runAsNonRoot/,
      },
      {
        rule: "a container runs as user 0",
        set: [`${w.pod}.containers.0.securityContext.runAsUser`, 0],
        expect: /container api runs as user 0/,
      },
    ],
  })),
);
