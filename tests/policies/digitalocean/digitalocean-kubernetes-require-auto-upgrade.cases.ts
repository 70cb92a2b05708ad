import * as digitalocean from "@pulumi/digitalocean";
import { digitaloceanKubernetesRequireAutoUpgrade } from "../../../policies/digitalocean/digitalocean-kubernetes-require-auto-upgrade";
import { describeResourcePolicy } from "../harness";
import { doksCluster } from "../fixtures";

describeResourcePolicy(digitaloceanKubernetesRequireAutoUpgrade, [
  {
    type: digitalocean.KubernetesCluster,
    props: doksCluster(),
    cases: [
      {
        rule: "patch upgrades are manual",
        set: ["autoUpgrade", false],
        expect: /autoUpgrade is not true/,
      },
      {
        rule: "surge upgrades are off",
        set: ["surgeUpgrade", undefined],
        expect: /surgeUpgrade is not true/,
      },
    ],
  },
]);
