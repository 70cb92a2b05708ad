/**
 * Changes an operator makes to a deployed stack must never plan the replacement of protected data
 * (Valkey's and MinIO's StatefulSets, buckets). Each case records a shipped stack twice, before and
 * after one config change, and diffs the registrations as the engine and providers would: input
 * paths under a resource's `ignoreChanges` are kept as deployed, and a change to any other path on
 * which the provider replaces (pulumi/pulumi-kubernetes provider/pkg/provider/diff.go; pulumi-aws
 * and pulumi-digitalocean: a bucket's name and region) is a replacement.
 */
import { valkeyVolumeGi } from "../../components/cache/valkey-topology";
import { minioVolumeGb } from "../../components/storage/minio-topology";
import { CLAIM_TEMPLATES, claimNames } from "../../components/storage/volume-claims";
import { recordVariants, type RecordedResource } from "../helpers/recorded";
import { stackConfig } from "../helpers/stacks";

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const CLAIM_PATCH = "kubernetes:core/v1:PersistentVolumeClaimPatch";

/** Input paths whose change makes the provider replace the resource, by type token. */
const REPLACES_ON: Record<string, string[]> = {
  [STATEFUL_SET]: [
    "metadata.name",
    "metadata.namespace",
    "spec.podManagementPolicy",
    "spec.revisionHistoryLimit",
    "spec.selector",
    "spec.serviceName",
    "spec.volumeClaimTemplates",
  ],
  "kubernetes:core/v1:PersistentVolumeClaim": ["metadata.name", "metadata.namespace", "spec"],
  "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix"],
  "digitalocean:index/spacesBucket:SpacesBucket": ["name", "region"],
};

/** Dotted paths (arrays by index) at which two input values differ. */
function changedPaths(a: unknown, b: unknown, at = ""): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObject = (v: unknown) => v !== null && typeof v === "object";
  if (!isObject(a) || !isObject(b) || Array.isArray(a) !== Array.isArray(b)) return [at];
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  return [...keys].flatMap((k) =>
    changedPaths((a as any)[k], (b as any)[k], at ? `${at}.${k}` : k),
  );
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`);

/**
 * What `pulumi up` would do to each protected resource of `before` given the program of `after`:
 * the paths that replace it, and whether it disappears (a delete, which protect refuses).
 */
function protectedReplacements(before: RecordedResource[], after: RecordedResource[]) {
  const now = new Map(after.map((r) => [r.urn, r]));
  return before
    .filter((r) => r.protect)
    .flatMap((r) => {
      const next = now.get(r.urn);
      if (!next) return [`${r.name}: deleted`];
      const kept = next.ignoreChanges ?? [];
      const replacing = changedPaths(r.inputs, next.inputs)
        .filter((p) => !kept.some((k) => under(p, k)))
        .filter((p) => (REPLACES_ON[r.type] ?? []).some((f) => under(p, f)));
      return replacing.map((p) => `${r.name}: ${p}`);
    });
}

const statefulSet = (rs: RecordedResource[], name: string) =>
  rs.find((r) => r.type === STATEFUL_SET && r.inputs.metadata?.name === name)!;
const templateSize = (sts: RecordedResource) =>
  sts.inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage;
const claimPatches = (rs: RecordedResource[]) =>
  Object.fromEntries(
    rs
      .filter((r) => r.type === CLAIM_PATCH)
      .map((r) => [r.inputs.metadata.name, r.inputs.spec.resources.requests.storage]),
  );

describe("config changes on a deployed stack never replace protected data", () => {
  const large = stackConfig("production-large");
  const hetzner = stackConfig("production-hetzner");
  const variants = [
    { label: "large", stack: "production-large" },
    {
      label: "large, more cache memory",
      stack: "production-large",
      overrides: { cache: { memoryMb: large.cache.memoryMb * 2 } },
    },
    {
      label: "large, another domain",
      stack: "production-large",
      overrides: { domain: "example.org" },
    },
    { label: "hetzner", stack: "production-hetzner" },
    {
      label: "hetzner, more cache memory and object storage",
      stack: "production-hetzner",
      overrides: {
        cache: { memoryMb: hetzner.cache.memoryMb * 2 },
        objectStorage: { storageGb: hetzner.objectStorage.storageGb * 2 },
      },
    },
    { label: "staging", stack: "staging" },
    {
      label: "staging, another domain",
      stack: "staging",
      overrides: { domain: "staging.example.org" },
    },
  ];
  let recorded: Map<string, RecordedResource[]>;
  beforeAll(async () => {
    recorded = await recordVariants(variants);
  }, 240000);
  const get = (label: string) => recorded.get(label)!;

  it("a larger cache.memoryMb keeps Valkey's claim template as deployed and grows its claims by patch (EBS expands them)", () => {
    const [before, after] = [get("large"), get("large, more cache memory")];
    const [sts0, sts1] = [statefulSet(before, "valkey"), statefulSet(after, "valkey")];
    // The program's template follows memoryMb: left alone, this would replace the servers.
    expect(changedPaths(sts0.inputs, sts1.inputs).some((p) => under(p, CLAIM_TEMPLATES))).toBe(
      true,
    );
    expect(sts1.protect).toBe(true);
    expect(sts1.ignoreChanges).toContain(CLAIM_TEMPLATES);
    expect(protectedReplacements(before, after)).toEqual([]);
    // The claims the controller made get the new size, in place.
    const size = `${valkeyVolumeGi(large.cache.memoryMb * 2)}Gi`;
    const servers = 1 + large.cache.replicas;
    expect(claimPatches(after)).toEqual(
      Object.fromEntries(claimNames("data", "valkey", servers).map((c) => [c, size])),
    );
    expect(Object.values(claimPatches(before))).toEqual(Array(servers).fill(templateSize(sts0)));
  });

  it("a larger cache.memoryMb or objectStorage.storageGb on local-path (Hetzner) changes neither StatefulSet and patches no claim", () => {
    const [before, after] = [get("hetzner"), get("hetzner, more cache memory and object storage")];
    expect(protectedReplacements(before, after)).toEqual([]);
    for (const name of ["valkey", "minio"]) {
      expect(statefulSet(after, name).ignoreChanges).toContain(CLAIM_TEMPLATES);
      expect(templateSize(statefulSet(after, name))).not.toBe(
        templateSize(statefulSet(before, name)),
      );
    }
    expect(templateSize(statefulSet(after, "minio"))).toBe(
      `${minioVolumeGb(hetzner.objectStorage.storageGb * 2, hetzner.objectStorage.servers)}Gi`,
    );
    // local-path does not enforce a claim's size and cannot expand one: nothing to patch.
    expect(claimPatches(after)).toEqual({});
  });

  it("another platform:domain keeps every bucket's name as made (S3 and Spaces cannot rename one)", () => {
    for (const [base, moved, type, key] of [
      ["large", "large, another domain", "aws:s3/bucket:Bucket", "bucket"],
      [
        "staging",
        "staging, another domain",
        "digitalocean:index/spacesBucket:SpacesBucket",
        "name",
      ],
    ] as const) {
      const [before, after] = [get(base), get(moved)];
      const buckets = after.filter((r) => r.type === type);
      expect(buckets.length).toBeGreaterThan(1);
      for (const b of buckets) {
        expect(b.protect).toBe(true);
        expect(b.ignoreChanges).toContain(key);
      }
      // The program's names follow the domain; the ignored name keeps the deployed one.
      expect(buckets.some((b) => b.inputs[key].includes("example-org"))).toBe(true);
      expect(protectedReplacements(before, after)).toEqual([]);
    }
  });

  it("the diff itself sees a replacement where nothing keeps the deployed value", () => {
    const before = get("large");
    const after = get("large, more cache memory").map((r) =>
      r.type === STATEFUL_SET ? { ...r, ignoreChanges: [] } : r,
    );
    expect(protectedReplacements(before, after)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^platform-valkey-statefulset: spec\.volumeClaimTemplates/),
      ]),
    );
  });
});
