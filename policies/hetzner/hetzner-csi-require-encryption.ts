import * as k8s from "@pulumi/kubernetes";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** The provisioner of hetznercloud/csi-driver. */
export const HCLOUD_CSI_PROVISIONER = "csi.hetzner.cloud";
/** Its chart (charts.hetzner.cloud). */
export const HCLOUD_CSI_CHART = "hcloud-csi";
/**
 * The class parameters naming the Secret with `encryption-passphrase`, from which the driver
 * encrypts each volume with LUKS (hetznercloud/csi-driver docs/kubernetes/README.md, "Volumes
 * Encrypted with LUKS").
 */
export const ENCRYPTION_PARAMETERS = [
  "csi.storage.k8s.io/node-publish-secret-name",
  "csi.storage.k8s.io/node-publish-secret-namespace",
] as const;

function missing(parameters: Record<string, unknown> | undefined): string[] {
  return ENCRYPTION_PARAMETERS.filter((p) => !parameters?.[p]);
}

export const hetznerCsiRequireEncryption: ResourceValidationPolicy = {
  name: "hetzner-csi-require-encryption",
  description:
    "Self-hosted deployment §2.2 (encrypt data at rest): every storage class of Hetzner's CSI driver, whether a StorageClass object or one the hcloud-csi chart makes, names the Secret whose passphrase the driver encrypts its volumes with (LUKS); the chart's own unencrypted default class is never installed.",
  validateResource: [
    validateResourceOfType(k8s.storage.v1.StorageClass, (sc, _args, report) => {
      if (sc.provisioner !== HCLOUD_CSI_PROVISIONER) return;
      const absent = missing(sc.parameters);
      if (absent.length > 0)
        report(
          `StorageClass ${sc.metadata?.name ?? ""} of ${HCLOUD_CSI_PROVISIONER} lacks ${absent.join(" and ")}: its volumes would not be encrypted.`,
        );
    }),
    validateResourceOfType(k8s.helm.v3.Release, (release, _args, report) => {
      const chart =
        String(release.chart ?? "")
          .split("/")
          .pop() ?? "";
      if (chart !== HCLOUD_CSI_CHART) return;
      const classes = (release.values as Record<string, unknown> | undefined)?.storageClasses;
      // Without the key the chart installs its default: hcloud-volumes, unencrypted and the default.
      if (!Array.isArray(classes)) {
        report(
          "values.storageClasses is not set: the chart would install its unencrypted default class hcloud-volumes.",
        );
        return;
      }
      for (const c of classes as { name?: string; extraParameters?: Record<string, unknown> }[]) {
        const absent = missing(c.extraParameters);
        if (absent.length > 0)
          report(
            `storage class ${c.name ?? "(unnamed)"} of the ${HCLOUD_CSI_CHART} chart lacks ${absent.map((p) => `extraParameters.${p}`).join(" and ")}: its volumes would not be encrypted.`,
          );
      }
    }),
  ],
};
