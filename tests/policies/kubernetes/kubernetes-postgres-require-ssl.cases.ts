import { kubernetesPostgresRequireSsl } from "../../../policies/kubernetes/kubernetes-postgres-require-ssl";
import { describeResourcePolicy } from "../harness";
import { cnpgCluster } from "../fixtures";

describeResourcePolicy(kubernetesPostgresRequireSsl, [
  {
    type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
    props: cnpgCluster(),
    cases: [
      {
        rule: "ssl turned off",
        set: ["spec.postgresql.parameters.ssl", "off"],
        expect: /ssl is off|plaintext/,
      },
      {
        rule: "the reject line removed",
        set: ["spec.postgresql.pg_hba.0", undefined],
        expect: /lacks "hostnossl all all all reject"/,
      },
      {
        rule: "a line that accepts unencrypted logins",
        set: ["spec.postgresql.pg_hba.0", "hostnossl all all 10.0.0.0/8 scram-sha-256"],
        expect: /accepts unencrypted|lacks/,
      },
      {
        rule: "the reject line covers IPv4 only",
        set: ["spec.postgresql.pg_hba.0", "hostnossl all all 0.0.0.0/0 reject"],
        expect: /lacks "hostnossl all all all reject"/,
      },
    ],
  },
]);
