import { kubernetesPodRequireProbes } from "../../../policies/kubernetes/kubernetes-pod-require-probes";
import { describeResourcePolicy } from "../harness";
import { WORKLOADS } from "../fixtures";

const served = WORKLOADS.filter(
  (w) => w.type.endsWith("Deployment") || w.type.endsWith("StatefulSet"),
);
const batch = WORKLOADS.filter((w) => w.type.endsWith(":Job") || w.type.endsWith("CronJob"));

describeResourcePolicy(
  kubernetesPodRequireProbes,
  served.map((w) => ({
    type: w.type,
    props: w.props(),
    cases: [
      {
        rule: "no liveness probe",
        set: [`${w.pod}.containers.0.livenessProbe`, undefined],
        expect: /container api has no livenessProbe/,
      },
      {
        rule: "no readiness probe",
        set: [`${w.pod}.containers.0.readinessProbe`, undefined],
        expect: /container api has no readinessProbe/,
      },
    ],
  })),
);

describe("kubernetes-pod-require-probes on run-to-completion workloads", () => {
  it.each(batch.map((w) => [w.type, w] as const))(
    "does not ask a %s for probes",
    async (_type, w) => {
      const { runResourcePolicy, setPath } = await import("../harness");
      const props = w.props();
      setPath(props, `${w.pod}.containers.0.livenessProbe`, undefined);
      expect(await runResourcePolicy(kubernetesPodRequireProbes, w.type, props)).toEqual([]);
    },
  );
});
