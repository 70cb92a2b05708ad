import * as k8s from "@pulumi/kubernetes";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { validateCustomResource } from "../lib/crd";

const PROTECT = "set the resource option protect: true so Pulumi refuses to delete its data.";

export const kubernetesDataRequireDeletionProtection: ResourceValidationPolicy = {
  name: "kubernetes-data-require-deletion-protection",
  description:
    "Self-hosted deployment §3 (backup and disaster recovery) and the platform's stateful-resource rule: StatefulSets with volume claims, PersistentVolumeClaims and CloudNativePG clusters carry the protect option.",
  validateResource: [
    validateResourceOfType(k8s.apps.v1.StatefulSet, (sts, args, report) => {
      const claims = sts.spec?.volumeClaimTemplates ?? [];
      if (claims.length > 0 && !args.opts.protect)
        report(`StatefulSet with volume claims is unprotected: ${PROTECT}`);
    }),
    validateResourceOfType(k8s.core.v1.PersistentVolumeClaim, (_pvc, args, report) => {
      if (!args.opts.protect) report(`PersistentVolumeClaim is unprotected: ${PROTECT}`);
    }),
    validateCustomResource("postgresql.cnpg.io/v1", "Cluster", (_cluster, args, report) => {
      if (!args.opts.protect) report(`CloudNativePG cluster is unprotected: ${PROTECT}`);
    }),
  ],
};
