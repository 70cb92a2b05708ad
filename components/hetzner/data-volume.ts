import { type NodeSpec } from "./node-layout";

// Encryption at rest of the nodes' data (self-hosted §2.2: "Encrypt data at rest and in transit").
// k3s's local-path provisioner keeps every persistent volume of the platform (Postgres, MinIO with
// the backup bucket, Prometheus, Loki, the dump scratch volumes) in one directory of the node it
// lands on. That directory is the mount point of the node's hcloud volume, which the layer leaves
// raw: the bootstrap script makes it a LUKS2 device with a passphrase of the stack's own
// (@pulumi/random, a Pulumi secret), so Hetzner's storage only ever holds ciphertext.

/** Where k3s's local-path provisioner keeps volumes; a node's encrypted hcloud volume is mounted here. */
export const DATA_DIR = "/var/lib/platform/data";
/** Where the passphrase lives on the server's own disk (mode 0400), for every boot's unlock. */
export const DATA_KEY_PATH = "/etc/platform/data-volume.key";
/** Where the bootstrap records the volume's stable device path for later boots. */
export const DATA_DEVICE_PATH = "/etc/platform/data-volume.device";
/** The opened LUKS device: /dev/mapper/<name>. */
export const DATA_MAPPER = "platform-data";
/** The unit that opens and mounts the volume at every boot, before k3s. */
export const DATA_UNIT = "platform-data.service";
/** The script that unit runs. */
export const DATA_OPEN_PATH = "/usr/local/sbin/platform-data-open";

/** hcloud volumes are 10 GB to 10 TB each. */
export const VOLUME_MIN_GB = 10;
export const VOLUME_MAX_GB = 10240;

/** hcloud label that says how a volume's data is kept (policy hetzner-volume-require-encryption). */
export const ENCRYPTION_LABEL = "platform/encryption";
export const DATA_ENCRYPTION = "luks2";

/**
 * Whether a server's pods can keep data: every pool node but the gateway's, whose taint admits
 * only the gateway (proxies, controllers, no claims), and never the dedicated k3s servers, whose
 * `CriticalAddonsOnly` taint keeps workloads off. The single server of a one-server stack takes
 * everything.
 */
export function takesData(node: Pick<NodeSpec, "group">): boolean {
  return node.group !== "control-plane" && node.group !== "gateway";
}

/**
 * Size of a server's encrypted data volume in GB, 0 for none. The documented disk beyond the
 * server type's own, as before; and where the type's own disk covers the profile (the small
 * stack's single server, an app pool of `medium-app`) but the server keeps data, a volume as large
 * as that disk: the data moves off the server's unencrypted system disk onto the encrypted volume.
 */
export function dataVolumeGb(node: Pick<NodeSpec, "group" | "resolved">): number {
  const extra = node.resolved.extraDiskGb;
  if (extra > 0) return Math.max(VOLUME_MIN_GB, extra);
  return takesData(node) ? Math.max(VOLUME_MIN_GB, node.resolved.type.diskGb) : 0;
}
