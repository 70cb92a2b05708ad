import * as k8s from "@pulumi/kubernetes";
import { hetznerCsiRequireEncryption } from "../../../policies/hetzner/hetzner-csi-require-encryption";
import { describeResourcePolicy } from "../harness";

const encrypted = {
  "csi.storage.k8s.io/node-publish-secret-name": "hcloud-volumes-encryption",
  "csi.storage.k8s.io/node-publish-secret-namespace": "kube-system",
};

describeResourcePolicy(hetznerCsiRequireEncryption, [
  {
    type: k8s.storage.v1.StorageClass,
    props: {
      metadata: { name: "hcloud-volumes-encrypted" },
      provisioner: "csi.hetzner.cloud",
      reclaimPolicy: "Retain",
      volumeBindingMode: "WaitForFirstConsumer",
      parameters: encrypted,
    },
    cases: [
      {
        rule: "a class of the Hetzner CSI driver without the passphrase Secret",
        set: ["parameters", undefined],
        expect:
          /hcloud-volumes-encrypted of csi.hetzner.cloud lacks csi.storage.k8s.io\/node-publish-secret-name and/,
      },
      {
        rule: "the Secret named without its namespace",
        set: ["parameters", { "csi.storage.k8s.io/node-publish-secret-name": "x" }],
        expect:
          /lacks csi.storage.k8s.io\/node-publish-secret-namespace: its volumes would not be encrypted/,
      },
    ],
    passes: [
      {
        rule: "another provisioner's class, encrypted its own way",
        set: ["provisioner", "ebs.csi.aws.com"],
      },
    ],
  },
  {
    type: k8s.helm.v3.Release,
    props: {
      name: "hcloud-csi",
      chart: "hcloud-csi",
      version: "2.18.3",
      namespace: "kube-system",
      values: {
        storageClasses: [
          {
            name: "hcloud-volumes-encrypted",
            defaultStorageClass: false,
            reclaimPolicy: "Retain",
            extraParameters: encrypted,
          },
        ],
      },
    },
    cases: [
      {
        rule: "the chart left to install its default class",
        set: ["values", {}],
        expect:
          /values.storageClasses is not set: the chart would install its unencrypted default class hcloud-volumes/,
      },
      {
        rule: "a class of the chart without extraParameters",
        set: [
          "values",
          { storageClasses: [{ name: "hcloud-volumes", defaultStorageClass: true }] },
        ],
        expect: /storage class hcloud-volumes of the hcloud-csi chart lacks extraParameters/,
      },
    ],
    passes: [{ rule: "no storage class at all", set: ["values", { storageClasses: [] }] }],
  },
  {
    // The chart named by its repository path is the same chart.
    type: k8s.helm.v3.Release,
    props: {
      name: "hcloud-csi",
      chart: "hcloud/hcloud-csi",
      version: "2.18.3",
      namespace: "kube-system",
      values: {
        storageClasses: [{ name: "hcloud-volumes-encrypted", extraParameters: encrypted }],
      },
    },
    cases: [
      {
        rule: "the chart, named by its repository path, left to install its default class",
        set: ["values", {}],
        expect: /values.storageClasses is not set/,
      },
    ],
    passes: [
      {
        rule: "another chart without storage classes",
        set: ["chart", "hcloud-cloud-controller-manager"],
      },
    ],
  },
]);
