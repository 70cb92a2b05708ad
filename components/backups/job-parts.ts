import * as k8s from "@pulumi/kubernetes";
import { restrictedContainer } from "../apps/pod";
import { tcpPorts } from "../k8s";
import { MINIO_API_PORT } from "../storage/minio-topology";
import { SCRATCH } from "./restore-check";

/** The restore jobs' writable places: the scratch volume and /tmp (the root file system is read-only). */
export const SCRATCH_MOUNTS = [
  { name: "scratch", mountPath: SCRATCH },
  { name: "tmp", mountPath: "/tmp" },
];

/** A restricted container that runs one generated shell script. */
export function scriptContainer(
  name: string,
  image: string,
  script: string,
  env: k8s.types.input.core.v1.EnvVar[],
  resources: k8s.types.input.core.v1.ResourceRequirements,
  volumeMounts: k8s.types.input.core.v1.VolumeMount[] = SCRATCH_MOUNTS,
) {
  return {
    name,
    image,
    command: ["/bin/sh", "-c", script],
    env,
    resources,
    securityContext: restrictedContainer,
    volumeMounts,
  };
}

/** Anywhere on the internet but the cloud's metadata service (IRSA credentials come from STS). */
export const ANYWHERE_BUT_METADATA = {
  ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] },
};

/** Egress to the backup store: MinIO's pods in the cluster, or an S3 endpoint over HTTPS. */
export function storeEgress(storeInCluster: boolean) {
  return storeInCluster
    ? {
        to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "minio" } } }],
        ports: tcpPorts(MINIO_API_PORT),
      }
    : { to: [ANYWHERE_BUT_METADATA], ports: tcpPorts(443) };
}
