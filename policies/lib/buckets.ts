import * as aws from "@pulumi/aws";
import type {
  PolicyResource,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { whenKnown } from "./props";
import { describe, ofType, refersTo, TypeRef } from "./stack";

/** S3 bucket resources: the v7 `Bucket` and the deprecated `BucketV2` alias. */
export const BUCKET_TYPES: TypeRef[] = [aws.s3.Bucket, aws.s3.BucketV2];

export interface CompanionRule {
  /** Companion resource types that configure a bucket (`bucket` input points at it). */
  types: TypeRef[];
  /** What the companion provides, for messages: "a versioning configuration". */
  what: string;
  /** Why a companion falls short, or undefined when it does the job. */
  problem: (props: Record<string, any>) => string | undefined;
  /** The bucket's own (deprecated inline) setting doing the same job, if any. */
  inline?: (bucket: Record<string, any>) => boolean;
}

/**
 * Reports every S3 bucket of the stack that no companion resource configures as `rule` demands.
 * A companion is matched by its `bucket` input: through the engine's dependencies, else by value
 * against the bucket's `id` or `bucket` name.
 */
export function checkBucketCompanions(
  args: StackValidationArgs,
  report: ReportViolation,
  rule: CompanionRule,
): void {
  const companions = ofType(args.resources, ...rule.types);
  for (const bucket of ofType(args.resources, ...BUCKET_TYPES)) {
    // The deprecated inline settings are computed outputs: unknown on a new bucket in preview.
    if (whenKnown(() => !!rule.inline?.(bucket.props), false)) continue;
    const mine = companions.filter((c: PolicyResource) =>
      refersTo(c, "bucket", bucket, ["id", "bucket"]),
    );
    if (mine.length === 0) {
      report(`${describe(bucket)} has no ${rule.what}.`, bucket.urn);
      continue;
    }
    const problems = mine.map((c) => rule.problem(c.props));
    if (problems.every((p) => p !== undefined)) {
      report(`${describe(bucket)}: ${problems[0]}`, bucket.urn);
    }
  }
}

/** A stack policy that holds every S3 bucket of the stack to one companion rule. */
export function bucketCompanionPolicy(
  policy: Pick<StackValidationPolicy, "name" | "description"> & CompanionRule,
): StackValidationPolicy {
  const { name, description, ...rule } = policy;
  return {
    name,
    description,
    validateStack: (args, report) => checkBucketCompanions(args, report, rule),
  };
}
