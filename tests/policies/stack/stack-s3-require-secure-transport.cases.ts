import {
  deniesInsecureTransport,
  stackS3RequireSecureTransport,
} from "../../../policies/stack/stack-s3-require-secure-transport";
import { describeStackPolicy } from "../harness";
import { bucketStack } from "../fixtures";

const policy = (statement: object) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
const deny = {
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Condition: { Bool: { "aws:SecureTransport": "false" } },
};

describe("deniesInsecureTransport", () => {
  it("accepts a Deny of s3:* on SecureTransport false, as a string or an object", () => {
    expect(deniesInsecureTransport(policy(deny))).toBe(true);
    expect(deniesInsecureTransport({ Statement: deny })).toBe(true);
  });
  it("rejects an Allow, a narrower action, a true condition and malformed JSON", () => {
    expect(deniesInsecureTransport(policy({ ...deny, Effect: "Allow" }))).toBe(false);
    expect(deniesInsecureTransport(policy({ ...deny, Action: "s3:GetObject" }))).toBe(false);
    expect(
      deniesInsecureTransport(
        policy({ ...deny, Condition: { Bool: { "aws:SecureTransport": "true" } } }),
      ),
    ).toBe(false);
    expect(deniesInsecureTransport("{not json")).toBe(false);
  });
});

describeStackPolicy(stackS3RequireSecureTransport, [
  {
    resources: bucketStack(),
    cases: [
      { rule: "no bucket policy", remove: "media-policy", expect: /has no bucket policy/ },
      {
        rule: "a policy without the TLS deny",
        set: ["media-policy", "policy", policy({ ...deny, Effect: "Allow" })],
        expect: /does not deny aws:SecureTransport=false/,
      },
    ],
  },
]);
