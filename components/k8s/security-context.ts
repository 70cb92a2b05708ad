/**
 * The pod security context the restricted Pod Security Standard admits: a non-root user and group
 * (the image's own uid), that group owning the volumes, and the runtime's default seccomp profile.
 */
export function restrictedPodContext(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}
