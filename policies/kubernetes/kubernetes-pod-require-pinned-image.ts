import { ResourceValidationPolicy } from "@pulumi/policy";
import { containersOf, validatePodSpecs } from "../lib/workloads";

/** The tag of an image reference, ignoring a registry port ("registry:5000/app" has none). */
export function imageTag(image: string): string | undefined {
  const name = image.split("@")[0];
  const tagAt = name.indexOf(":", name.lastIndexOf("/") + 1);
  return tagAt < 0 ? undefined : name.slice(tagAt + 1);
}

export const kubernetesPodRequirePinnedImage: ResourceValidationPolicy = {
  name: "kubernetes-pod-require-pinned-image",
  description:
    "Self-hosted deployment §8.1 (blue-green deployment with rollback) and the platform's pinning rule: every container image names a version tag other than latest, or a digest.",
  validateResource: validatePodSpecs((pod, _args, report) => {
    for (const { container: c, label: who } of containersOf(pod)) {
      const image = c.image ?? "";
      if (image.includes("@sha256:")) continue;
      const tag = imageTag(image);
      if (!tag || tag === "latest") {
        report(`${who} uses ${image || "no image"}; pin a version or digest.`);
      }
    }
  }),
};
