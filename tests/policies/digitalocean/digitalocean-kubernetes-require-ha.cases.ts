import * as digitalocean from "@pulumi/digitalocean";
import { digitaloceanKubernetesRequireHa } from "../../../policies/digitalocean/digitalocean-kubernetes-require-ha";
import { describeResourcePolicy } from "../harness";
import { doksCluster } from "../fixtures";

describeResourcePolicy(digitaloceanKubernetesRequireHa, [
  {
    type: digitalocean.KubernetesCluster,
    props: doksCluster(),
    cases: [
      {
        rule: "a production control plane without HA",
        set: ["ha", false],
        expect: /ha is not true/,
      },
    ],
    passes: [{ rule: "the stack is staging", config: { environment: "staging" } }],
  },
]);
