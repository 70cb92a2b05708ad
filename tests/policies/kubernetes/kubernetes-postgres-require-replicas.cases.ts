import { kubernetesPostgresRequireReplicas } from "../../../policies/kubernetes/kubernetes-postgres-require-replicas";
import { describeResourcePolicy } from "../harness";
import { cnpgCluster } from "../fixtures";

describeResourcePolicy(kubernetesPostgresRequireReplicas, [
  {
    type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
    props: cnpgCluster(),
    cases: [
      {
        rule: "a lone primary in production",
        set: ["spec.instances", 1],
        expect: /instances is 1/,
      },
      {
        rule: "instances left to the default of one",
        set: ["spec.instances", undefined],
        expect: /instances is 1/,
      },
    ],
    passes: [{ rule: "the stack is development", config: { environment: "development" } }],
  },
]);
