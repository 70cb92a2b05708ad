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
    type: k8s.helm.v3.Release,
    props: { name: "loki", chart: "loki", version: "6.55.0", namespace: "monitoring" },
    opts: { protect: true },
    cases: [
      {
        rule: "the Loki release, whose volumes hold the logs, is unprotected",
        opts: { protect: false },
        expect: /Helm release of loki, whose volumes hold data, is unprotected/,
      },
    ],
  },
  {
    type: k8s.helm.v3.Release,
    props: {
      name: "prometheus-stack",
      chart: "prometheus-community/kube-prometheus-stack",
      version: "75.0.0",
      namespace: "monitoring",
    },
    opts: { protect: true },
    cases: [
      {
        rule: "kube-prometheus-stack, named by its repository path, unprotected",
        opts: { protect: false },
        expect: /release of kube-prometheus-stack/,
      },
    ],
  },
  {
    // A chart without volumes of its own needs no protect.
    type: k8s.helm.v3.Release,
    props: { name: "alloy", chart: "alloy", version: "1.0.0", namespace: "logging" },
    cases: [
      {
        rule: "a data chart swapped in without protect",
        set: ["chart", "minio"],
        expect: /release of minio/,
      },
    ],
  },
  {
    type: k8s.storage.v1.StorageClass,
    props: {
      metadata: { name: "gp3" },
      provisioner: "ebs.csi.aws.com",
      reclaimPolicy: "Retain",
      allowVolumeExpansion: true,
    },
    cases: [
      {
        rule: "a class that deletes the volume with its claim",
        set: ["reclaimPolicy", "Delete"],
        expect: /reclaimPolicy is Delete; use Retain/,
      },
      {
        rule: "a class that leaves the policy to the API's default (Delete)",
        set: ["reclaimPolicy", undefined],
        expect: /reclaimPolicy is Delete \(the default\)/,
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
