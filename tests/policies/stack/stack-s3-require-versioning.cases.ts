import { stackS3RequireVersioning } from "../../../policies/stack/stack-s3-require-versioning";
import { describeStackPolicy, UNKNOWN } from "../harness";
import { bucketStack } from "../fixtures";

describeStackPolicy(stackS3RequireVersioning, [
  {
    resources: bucketStack(),
    cases: [
      {
        rule: "no versioning resource",
        remove: "media-versioning",
        expect: /Bucket media has no versioning resource/,
      },
      {
        rule: "versioning suspended",
        set: ["media-versioning", "versioningConfiguration.status", "Suspended"],
        expect: /versioning status is Suspended/,
      },
    ],
    passes: [
      {
        rule: "the new bucket's computed inline versioning is unknown in preview",
        set: ["media", "versioning", UNKNOWN],
      },
    ],
  },
  {
    // Companions matched by value (bucket id) when the engine records no property dependencies.
    resources: bucketStack().map((r) => ({ ...r, refs: undefined })),
    cases: [
      {
        rule: "the versioning resource names another bucket",
        set: ["media-versioning", "bucket", "other-id"],
        expect: /has no versioning resource/,
      },
    ],
  },
  {
    // The offline plan's view: inputs without ids, dependencies without the property they feed.
    resources: bucketStack().map(({ refs, props, ...r }) => ({
      ...r,
      props: { ...props, id: undefined, bucket: r.name === "media" ? undefined : "media-mock-id" },
      dependsOn: refs ? ["media"] : undefined,
    })),
    cases: [
      {
        rule: "the versioning resource is dropped",
        remove: "media-versioning",
        expect: /^Bucket media has no versioning resource\.$/,
      },
    ],
  },
]);
