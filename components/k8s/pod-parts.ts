import { createHash } from "crypto";

/** Annotation of a pod template whose files are read at start: a change of them rolls the pods. */
export const CONFIG_CHECKSUM = "platform/config-sha256";

/** SHA-256 of a workload's rendered configuration, for its `CONFIG_CHECKSUM` annotation. */
export function configChecksum(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A container's requests and limits. */
export function containerResources(
  cpu: string,
  memory: string,
  cpuLimit: string,
  memoryLimit: string,
) {
  return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}

/** An HTTP GET probe on a named container port. */
export function httpProbe(path: string, port: string, periodSeconds: number) {
  return { httpGet: { path, port }, periodSeconds };
}

/** Prefer one pod of the set per node, without ever leaving a pod unscheduled for it. */
export function spreadOverHosts(labels: Record<string, string>) {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: "kubernetes.io/hostname",
            labelSelector: { matchLabels: labels },
          },
        },
      ],
    },
  };
}
