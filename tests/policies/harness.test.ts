/** The harness must behave like the policy server, or every policy test proves less than it says. */
import * as aws from "@pulumi/aws";
import {
  ResourceValidationPolicy,
  StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";
import {
  resourceArgs,
  runResourcePolicy,
  runStackPolicy,
  setPath,
  stackArgs,
  UNKNOWN,
} from "./harness";

const bucketPolicy: ResourceValidationPolicy = {
  name: "test-bucket",
  description: "Reports the bucket name and the config it received.",
  validateResource: validateResourceOfType(aws.s3.Bucket, (b, args, report) => {
    report(`bucket ${b.bucket} env ${args.getConfig<{ environment?: string }>().environment}`);
  }),
};

describe("harness", () => {
  it("compares types by the class's Pulumi type token, as the server does", () => {
    const args = resourceArgs(aws.s3.Bucket, {});
    expect(args.type).toBe("aws:s3/bucket:Bucket");
    expect(args.isType(aws.s3.Bucket)).toBe(true);
    expect(args.isType(aws.s3.BucketV2)).toBe(false);
    expect(args.asType(aws.s3.BucketV2)).toBeUndefined();
  });

  it("hands validateResourceOfType's type filter a not-applicable verdict for other types", async () => {
    expect(await runResourcePolicy(bucketPolicy, aws.s3.BucketV2, { bucket: "x" })).toEqual([]);
  });

  it("passes the supplied config and the props to the policy", async () => {
    const run = { config: { environment: "staging" as const } };
    expect(
      await runResourcePolicy(bucketPolicy, aws.s3.Bucket, { bucket: "media" }, {}, run),
    ).toEqual(["bucket media env staging"]);
  });

  it("throws from notApplicable and fills options with the engine's defaults", () => {
    const args = resourceArgs("test:index:Thing", {}, { protect: true });
    expect(() => args.notApplicable("why")).toThrow("why");
    expect(args.opts).toMatchObject({ protect: true, ignoreChanges: [], aliases: [] });
  });

  it("reports a read of an unknown preview value as the server does, instead of a verdict", async () => {
    expect(await runResourcePolicy(bucketPolicy, aws.s3.Bucket, { bucket: UNKNOWN })).toEqual([
      expect.stringMatching(/^can't run during preview: .*bucket/),
    ]);
  });

  it("links stack fixtures' parents, dependencies and property dependencies", () => {
    const { resources } = stackArgs([
      { type: "test:index:Parent", name: "p", props: {} },
      { type: "test:index:A", name: "a", props: {}, parent: "p" },
      {
        type: "test:index:B",
        name: "b",
        props: { a: "a-id" },
        refs: { a: ["a"] },
        dependsOn: ["p"],
      },
    ]);
    const [p, a, b] = resources;
    expect(a.parent).toBe(p);
    expect(b.propertyDependencies.a).toEqual([a]);
    expect(b.dependencies).toEqual([a, p]);
    expect(() =>
      stackArgs([{ type: "t:i:X", name: "x", props: {}, refs: { y: ["nope"] } }]),
    ).toThrow(/unknown resource nope/);
  });

  it("runs stack policies over the fixtures and collects their reports with URNs", async () => {
    const urns: (string | undefined)[] = [];
    const policy: StackValidationPolicy = {
      name: "test-stack",
      description: "Counts buckets.",
      validateStack: (args, report) => {
        const buckets = args.resources.filter((r) => r.isType(aws.s3.Bucket));
        urns.push(buckets[0]?.urn);
        report(`${buckets.length} buckets`);
      },
    };
    const fixtures = [
      { type: aws.s3.Bucket, name: "m", props: {} },
      { type: "aws:s3/bucketV2:BucketV2", name: "n", props: {} },
    ];
    expect(await runStackPolicy(policy, fixtures)).toEqual(["1 buckets"]);
    expect(urns[0]).toBe("urn:pulumi:test::platform::aws:s3/bucket:Bucket::m");
  });

  it("sets and deletes nested paths, creating arrays for numeric keys", () => {
    const o: Record<string, any> = { a: { list: [1, 2, 3] } };
    setPath(o, "a.list.1", undefined);
    setPath(o, "b.0.c", true);
    setPath(o, ["labels", "platform/role"], "db");
    expect(o).toEqual({ a: { list: [1, 3] }, b: [{ c: true }], labels: { "platform/role": "db" } });
  });
});
