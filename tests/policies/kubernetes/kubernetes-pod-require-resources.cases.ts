import { kubernetesPodRequireResources } from "../../../policies/kubernetes/kubernetes-pod-require-resources";
import { describeResourcePolicy } from "../harness";
import { WORKLOADS } from "../fixtures";

describeResourcePolicy(
  kubernetesPodRequireResources,
  WORKLOADS.map((w) => ({
    type: w.type,
    props: w.props(),
    cases: [
      {
        rule: "no cpu request",
        set: [`${w.pod}.containers.0.resources.requests.cpu`, undefined],
        expect: /^container api lacks requests\.cpu\.$/,
      },
      {
        rule: "no memory limit",
        set: [`${w.pod}.containers.0.resources.limits.memory`, undefined],
        expect: /lacks limits\.memory/,
      },
      {
        rule: "an init container without any resources",
        set: [`${w.pod}.initContainers.0.resources`, undefined],
        expect:
          /init container migrate lacks requests\.cpu, requests\.memory, limits\.cpu, limits\.memory/,
      },
    ],
  })),
);
