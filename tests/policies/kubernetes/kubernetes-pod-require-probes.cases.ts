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

describe("kubernetes-pod-require-probes and images that serve nothing to probe", () => {
  const deployment = served.find((w) => w.type.endsWith("Deployment"))!;
  const withImage = async (image: string) => {
    const { runResourcePolicy, setPath } = await import("../harness");
    const props = deployment.props();
    setPath(props, `${deployment.pod}.containers.0.image`, image);
    setPath(props, `${deployment.pod}.containers.0.livenessProbe`, undefined);
    setPath(props, `${deployment.pod}.containers.0.readinessProbe`, undefined);
    return runResourcePolicy(kubernetesPodRequireProbes, deployment.type, props);
  };

  it("lets the system upgrade controller (a scratch image with no port) run without probes", async () => {
    expect(await withImage("rancher/system-upgrade-controller:v0.20.1")).toEqual([]);
  });

  it("still asks any other image, even one of the same owner or a look-alike name", async () => {
    for (const image of [
      "rancher/kubectl:v1.30.3",
      "example.com/rancher/system-upgrade-controller:v0.20.1",
      "rancher/system-upgrade-controller-fork:v1",
    ])
      expect(await withImage(image)).toEqual([
        expect.stringMatching(/no livenessProbe/),
        expect.stringMatching(/no readinessProbe/),
      ]);
  });
});
