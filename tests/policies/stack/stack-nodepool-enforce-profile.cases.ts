import { CLOUDS } from "../../../catalog";
import { machineTypesOf } from "../../../plan/policy-config";
import { stackNodepoolEnforceProfile } from "../../../policies/stack/stack-nodepool-enforce-profile";
import { describeStackPolicy, UNKNOWN } from "../harness";
import { doksCluster } from "../fixtures";

// Catalog sizes: m7i.2xlarge 8/32, r7i.4xlarge 16/128, g-8vcpu-32gb 8/32, g-16vcpu-64gb 16/64, cx43 8/16.
const config = {
  tier: "medium",
  nodeProfiles: {
    app: { vcpu: 8, memoryGb: 16 },
    db: { vcpu: 16, memoryGb: 64 },
    lb: { vcpu: 4, memoryGb: 8 },
  },
  // The pack keeps no catalog: the sizes come in through its config, as the planner writes them.
  machineTypes: machineTypesOf(CLOUDS),
};
const withoutHetzner = machineTypesOf(["aws", "digitalocean"]);

describeStackPolicy(stackNodepoolEnforceProfile, [
  {
    config,
    resources: [
      {
        type: "aws:eks/nodeGroup:NodeGroup",
        name: "app",
        props: { instanceTypes: ["m7i.2xlarge"], labels: { "platform/role": "app" } },
      },
      {
        type: "aws:eks/nodeGroup:NodeGroup",
        name: "db",
        props: { instanceTypes: ["r7i.4xlarge"], tags: { "platform/role": "db" } },
      },
      {
        type: "digitalocean:index/kubernetesCluster:KubernetesCluster",
        name: "doks",
        props: doksCluster(),
      },
      {
        type: "digitalocean:index/kubernetesNodePool:KubernetesNodePool",
        name: "doks-db",
        props: {
          clusterId: "c",
          name: "db",
          size: "g-16vcpu-64gb",
          nodeCount: 1,
          labels: { "platform/role": "db" },
        },
      },
      {
        type: "hcloud:index/server:Server",
        name: "lb-1",
        props: { serverType: "cx43", labels: { "platform/role": "lb" } },
      },
      { type: "hcloud:index/server:Server", name: "bastion", props: { serverType: "cx23" } },
    ],
    cases: [
      {
        rule: "EKS app nodes smaller than the app profile",
        set: ["app", "instanceTypes", ["m7i.large"]],
        expect:
          /NodeGroup app uses m7i\.large \(2 vCPU, 8 GB\) below the app profile \(8 vCPU, 16 GB\)/,
      },
      {
        rule: "EKS node group without instance types falls back to t3.medium",
        set: ["app", "instanceTypes", undefined],
        expect: /t3\.medium/,
      },
      {
        rule: "DOKS default pool smaller than the app profile",
        set: ["doks", "nodePool.size", "s-4vcpu-8gb"],
        expect: /KubernetesCluster doks default node pool uses s-4vcpu-8gb/,
      },
      {
        rule: "DOKS database pool smaller than the db profile",
        set: ["doks-db", "size", "g-8vcpu-32gb"],
        expect: /KubernetesNodePool doks-db uses g-8vcpu-32gb .* below the db profile/,
      },
      {
        rule: "Hetzner load balancer server smaller than the lb profile",
        set: ["lb-1", "serverType", "cx23"],
        expect: /Server lb-1 uses cx23/,
      },
      {
        rule: "a machine type the catalog does not know",
        set: ["lb-1", "serverType", "cx999"],
        expect: /cx999, which the hetzner catalog does not know/,
      },
      {
        rule: "a cloud whose machine types the pack config leaves out",
        config: { machineTypes: withoutHetzner },
        expect: /Server lb-1 uses cx43, but the pack config lists no hetzner machine types/,
      },
      {
        rule: "a type the config lists in other case, with a size below the profile",
        config: {
          machineTypes: { ...config.machineTypes, hetzner: { CX43: { vcpu: 2, memoryGb: 4 } } },
        },
        expect: /Server lb-1 uses cx43 \(2 vCPU, 4 GB\) below the lb profile/,
      },
      {
        rule: "a role with no documented profile",
        set: ["lb-1", "labels.platform/role", "gpu"],
        expect: /role gpu, which has no documented profile in tier medium/,
      },
      {
        rule: "a stack whose app profile is larger",
        config: { nodeProfiles: { ...config.nodeProfiles, app: { vcpu: 16, memoryGb: 64 } } },
        expect: /below the app profile \(16 vCPU, 64 GB\)/,
      },
    ],
    passes: [
      {
        rule: "an unlabelled server's computed labels are unknown in preview",
        set: ["bastion", "labels", UNKNOWN],
      },
    ],
  },
]);
