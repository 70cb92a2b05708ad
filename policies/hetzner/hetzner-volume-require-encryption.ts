import * as hcloud from "@pulumi/hcloud";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** hcloud label with which a volume says how its data is encrypted (components/hetzner). */
export const ENCRYPTION_LABEL = "platform/encryption";
/** What the nodes' bootstrap makes of a raw volume before any data lands on it. */
export const ENCRYPTION = "luks2";

export const hetznerVolumeRequireEncryption: ResourceValidationPolicy = {
  name: "hetzner-volume-require-encryption",
  description:
    "Self-hosted deployment §2.2 (encrypt data at rest): hcloud volumes, which hold the database, MinIO with the backups and Prometheus, are left raw for the node to encrypt with LUKS2 (no Hetzner format, no automount) and are labelled platform/encryption: luks2.",
  validateResource: validateResourceOfType(hcloud.Volume, (volume, _args, report) => {
    // Hetzner's format writes a plain file system, and the node would keep the data on it.
    if (volume.format)
      report(
        `format is ${volume.format}: Hetzner would write a plain, unencrypted file system; leave the volume raw for the node's LUKS2 encryption.`,
      );
    if (volume.automount === true)
      report("automount is on: Hetzner mounts its own plain file system, not an encrypted one.");
    const label = volume.labels?.[ENCRYPTION_LABEL];
    if (label !== ENCRYPTION)
      report(
        `the volume is not labelled ${ENCRYPTION_LABEL}: ${ENCRYPTION} (got ${label ?? "none"}): every data volume is encrypted by the node it is attached to.`,
      );
  }),
};
