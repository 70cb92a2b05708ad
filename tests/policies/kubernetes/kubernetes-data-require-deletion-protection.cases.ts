import * as k8s from "@pulumi/kubernetes";
import { kubernetesDataRequireDeletionProtection } from "../../../policies/kubernetes/kubernetes-data-require-deletion-protection";
import { describeResourcePolicy } from "../harness";
import { cnpgCluster, statefulSet } from "../fixtures";

const claim = {
  metadata: { name: "data" },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "100Gi" } } },
};

describeResourcePolicy(kubernetesDataRequireDeletionProtection, [
  {
    type: k8s.apps.v1.StatefulSet,
    props: { ...statefulSet(), spec: { ...statefulSet().spec, volumeClaimTemplates: [claim] } },
    opts: { protect: true },
    cases: [
      {
        rule: "a StatefulSet with volumes is unprotected",
        opts: { protect: false },
        expect: /StatefulSet with volume claims is unprotected/,
      },
    ],
  },
  {
    type: k8s.apps.v1.StatefulSet,
    props: statefulSet(),
    cases: [
      {
        rule: "volume claims added without protect",
        set: ["spec.volumeClaimTemplates", [claim]],
        expect: /unprotected/,
      },
    ],
  },
  {
    type: k8s.core.v1.PersistentVolumeClaim,
    props: claim,
    opts: { protect: true },
    cases: [
      {
        rule: "a claim is unprotected",
        opts: { protect: false },
        expect: /PersistentVolumeClaim is unprotected/,
      },
    ],
  },
  {
    type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
    props: cnpgCluster(),
    opts: { protect: true },
    cases: [
      {
        rule: "the Postgres cluster is unprotected",
        opts: { protect: false },
        expect: /CloudNativePG cluster is unprotected/,
      },
    ],
  },
]);
