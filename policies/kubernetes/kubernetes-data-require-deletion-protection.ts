import * as k8s from "@pulumi/kubernetes";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { validateCustomResource } from "../lib/crd";
import { reportUnprotected, requireProtect } from "../lib/protect";

const PROTECT = "set the resource option protect: true so Pulumi refuses to delete its data.";

/**
 * Charts whose workloads keep data on volumes of their own (Loki's chunks and index, Prometheus's
 * TSDB and Alertmanager's silences in kube-prometheus-stack, and the usual data-store charts).
 */
export const DATA_CHARTS = [
  "loki",
  "kube-prometheus-stack",
  "elasticsearch",
  "minio",
  "postgresql",
  "redis",
  "valkey",
];

export const kubernetesDataRequireDeletionProtection: ResourceValidationPolicy = {
  name: "kubernetes-data-require-deletion-protection",
  description:
    "Self-hosted deployment §3 (backup and disaster recovery) and the platform's stateful-resource rule: StatefulSets with volume claims, PersistentVolumeClaims, CloudNativePG clusters and Helm releases of charts that keep data carry the protect option, and StorageClasses retain a volume whose claim is deleted.",
  validateResource: [
    validateResourceOfType(k8s.apps.v1.StatefulSet, (sts, args, report) => {
      const claims = sts.spec?.volumeClaimTemplates ?? [];
      if (claims.length > 0)
        reportUnprotected(args, report, "StatefulSet with volume claims", PROTECT);
    }),
    requireProtect(k8s.core.v1.PersistentVolumeClaim, "PersistentVolumeClaim", PROTECT),
    validateCustomResource("postgresql.cnpg.io/v1", "Cluster", (_cluster, args, report) =>
      reportUnprotected(args, report, "CloudNativePG cluster", PROTECT),
    ),
    validateResourceOfType(k8s.helm.v3.Release, (release, args, report) => {
      const chart =
        String(release.chart ?? "")
          .split("/")
          .pop() ?? "";
      if (DATA_CHARTS.includes(chart) && !args.opts.protect)
        report(`Helm release of ${chart}, whose volumes hold data, is unprotected: ${PROTECT}`);
    }),
    // The API's default is Delete: removing a claim, a namespace or a release destroys the volume.
    validateResourceOfType(k8s.storage.v1.StorageClass, (sc, _args, report) => {
      if (sc.reclaimPolicy !== "Retain")
        report(
          `reclaimPolicy is ${sc.reclaimPolicy ?? "Delete (the default)"}; use Retain, so a deleted claim leaves its volume behind.`,
        );
    }),
  ],
};
