import * as aws from "@pulumi/aws";
import { StackValidationPolicy } from "@pulumi/policy";
import { bucketCompanionPolicy } from "../lib/buckets";

interface Statement {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** True when the policy document denies every request made without TLS. */
export function deniesInsecureTransport(policy: unknown): boolean {
  let doc: { Statement?: Statement | Statement[] };
  try {
    doc = typeof policy === "string" ? JSON.parse(policy) : (policy as typeof doc);
  } catch {
    return false;
  }
  const statements = ([] as Statement[]).concat(doc?.Statement ?? []);
  return statements.some((s) => {
    const value = s.Condition?.Bool?.["aws:SecureTransport"];
    const actions = ([] as string[]).concat(s.Action ?? []);
    return (
      s.Effect === "Deny" &&
      String(value) === "false" &&
      (actions.includes("s3:*") || actions.includes("*"))
    );
  });
}

export const stackS3RequireSecureTransport: StackValidationPolicy = bucketCompanionPolicy({
  name: "stack-s3-require-secure-transport",
  description:
    "Self-hosted deployment §2.2 (encrypt data in transit): every S3 bucket has a bucket policy that denies all s3 actions when aws:SecureTransport is false.",
  types: [aws.s3.BucketPolicy],
  what: "bucket policy",
  problem: (p) =>
    deniesInsecureTransport(p.policy)
      ? undefined
      : "its bucket policy does not deny aws:SecureTransport=false.",
  inline: (b) => deniesInsecureTransport(b.policy),
});
