import {
  imageTag,
  kubernetesPodRequirePinnedImage,
} from "../../../policies/kubernetes/kubernetes-pod-require-pinned-image";
import { describeResourcePolicy } from "../harness";
import { WORKLOADS } from "../fixtures";

describe("imageTag", () => {
  it("separates a tag from a registry port", () => {
    expect(imageTag("registry.local:5000/team/api")).toBeUndefined();
    expect(imageTag("registry.local:5000/team/api:2.1")).toBe("2.1");
    expect(imageTag("postgres:16@sha256:abc")).toBe("16");
    expect(imageTag("nginx")).toBeUndefined();
  });
});

describeResourcePolicy(
  kubernetesPodRequirePinnedImage,
  WORKLOADS.map((w) => ({
    type: w.type,
    props: w.props(),
    cases: [
      {
        rule: "the latest tag",
        set: [`${w.pod}.containers.0.image`, "ghcr.io/example/api:latest"],
        expect: /container api uses ghcr\.io\/example\/api:latest/,
      },
      {
        rule: "no tag at all",
        set: [`${w.pod}.containers.0.image`, "ghcr.io/example/api"],
        expect: /pin a version or digest/,
      },
      {
        rule: "an untagged image behind a registry port",
        set: [`${w.pod}.initContainers.0.image`, "registry.local:5000/api"],
        expect: /init container migrate/,
      },
    ],
    passes: [
      {
        rule: "the image is pinned by digest",
        set: [`${w.pod}.containers.0.image`, `ghcr.io/example/api@sha256:${"a".repeat(64)}`],
      },
    ],
  })),
);
