/**
 * How the platform's StatefulSets grow their volumes without replacing anything. A StatefulSet's
 * `volumeClaimTemplates` cannot change once created (the API server refuses the update), and
 * pulumi-kubernetes plans a replacement for any change there (provider/pkg/provider/diff.go,
 * `statefulSet`: `.spec.volumeClaimTemplates` forces a new object). So the template keeps the size
 * it was first deployed with (`ignoreChanges`), and a larger size goes to the claims the controller
 * made from it, in place: one PersistentVolumeClaimPatch per claim, which the CSI driver expands
 * online. Patch resources change in place for every field but their name (provider.go, Diff:
 * "Patch resources can be updated in place for all other properties"), and deleting one leaves the
 * claim alone.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** The StatefulSet path Pulumi leaves as first deployed. */
export const CLAIM_TEMPLATES = "spec.volumeClaimTemplates";

/** Options of a StatefulSet whose claim templates must never plan a replacement. */
export function keepClaimTemplates(
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResourceOptions {
  return { ...opts, ignoreChanges: [...(opts.ignoreChanges ?? []), CLAIM_TEMPLATES] };
}

/** The claims a StatefulSet's controller makes from a template: `<template>-<statefulset>-<ordinal>`. */
export function claimNames(template: string, statefulSet: string, replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) => `${template}-${statefulSet}-${i}`);
}

export interface ClaimGrowth {
  /** Namespace of the StatefulSet. @example "data" */
  namespace: pulumi.Input<string>;
  /** The claim template's name. @example "data" */
  template: string;
  /** The StatefulSet's name. @example "valkey" */
  statefulSet: string;
  /** Pods, so claims, of the StatefulSet. @example 3 */
  replicas: number;
  /** Size every claim is to have, as the template states it. @example "8Gi" */
  storage: string;
}

/**
 * One patch per claim setting its requested size, registered after the StatefulSet (whose pods,
 * and so whose claims, exist once it is ready). Forced: the StatefulSet controller, which made the
 * claim, owns the field until then (Pulumi's `pulumi.com/patchForce`). Only for a storage class
 * that expands volumes (CSI `allowVolumeExpansion`); a claim never shrinks, as the API refuses.
 */
export function growClaims(
  name: string,
  growth: ClaimGrowth,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.PersistentVolumeClaimPatch[] {
  return claimNames(growth.template, growth.statefulSet, growth.replicas).map(
    (claim, i) =>
      new k8s.core.v1.PersistentVolumeClaimPatch(
        `${name}-${i}`,
        {
          metadata: {
            name: claim,
            namespace: growth.namespace,
            annotations: { "pulumi.com/patchForce": "true" },
          },
          spec: { resources: { requests: { storage: growth.storage } } },
        },
        opts,
      ),
  );
}

/** The claim template of a StatefulSet's `data` volume, in the given class or the cluster's default. */
export function dataClaimTemplate(
  labels: Record<string, string>,
  storageClass: string,
  storage: string,
) {
  return {
    metadata: { name: "data", labels },
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(storageClass ? { storageClassName: storageClass } : {}),
      resources: { requests: { storage } },
    },
  };
}

/**
 * `growClaims` for the `data` template of `statefulSet`, when its storage class expands volumes
 * (CSI allowVolumeExpansion); without that a claim's size is not enforced, and nothing is patched.
 */
export function growDataClaims(
  name: string,
  expandVolumes: boolean | undefined,
  growth: Omit<ClaimGrowth, "template">,
  statefulSet: pulumi.Resource,
  opts: pulumi.CustomResourceOptions,
): void {
  if (expandVolumes)
    growClaims(
      `${name}-data`,
      { ...growth, template: "data" },
      { ...opts, dependsOn: [statefulSet] },
    );
}
