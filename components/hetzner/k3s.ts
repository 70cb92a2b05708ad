/** What the layer pins of k3s: its releases per Kubernetes minor and its own address ranges. */
import { configProblem } from "../kit/problems";

/** k3s's own pod and service ranges, which the private network must not overlap. */
export const K3S_POD_CIDR = "10.42.0.0/16";
export const K3S_SERVICE_CIDR = "10.43.0.0/16";

/**
 * k3s release per Kubernetes minor, pinned (config.kubernetes.version names the minor). The
 * install script of the same tag verifies the binary against the release's checksums.
 */
export const K3S_RELEASES: Readonly<Record<string, string>> = {
  "1.32": "v1.32.10+k3s1",
  "1.33": "v1.33.7+k3s1",
  "1.34": "v1.34.2+k3s1",
  "1.35": "v1.35.4+k3s1",
};

/** The pinned k3s release of a Kubernetes minor version. */
export function k3sRelease(minor: string): string {
  const release = K3S_RELEASES[minor];
  if (!release)
    configProblem(
      ["kubernetes", "version"],
      `must have a pinned k3s release (Kubernetes ${minor} has none); supported: ${Object.keys(K3S_RELEASES).join(", ")}`,
    );
  return release;
}
