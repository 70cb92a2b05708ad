import { CACHE_POLICIES } from "../../components/aws/cdn-policies";
import { keyPolicyJson } from "../../components/aws/kms";
import { resolved } from "./helpers";

describe("CloudFront cache policies", () => {
  it("keeps hashed static assets a year and keys dynamic content on the caller's credentials", () => {
    expect(CACHE_POLICIES.static.minTtl).toBe(31536000);
    expect(CACHE_POLICIES.static.defaultTtl).toBe(31536000);
    expect(CACHE_POLICIES.dynamic.defaultTtl).toBe(60);
    expect(JSON.stringify(CACHE_POLICIES.dynamic.key)).toContain("Authorization");
    expect(JSON.stringify(CACHE_POLICIES.media.key)).not.toContain("Authorization");
  });
});

describe("KMS key policies", () => {
  it("always let the account administer the key before any service grant", async () => {
    const doc = JSON.parse(
      await resolved(
        keyPolicyJson("123456789012", [
          { Sid: "ServiceUses", Effect: "Allow", Action: "kms:Decrypt", Resource: "*" },
        ]),
      ),
    );
    expect(doc.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "AccountAdministers",
      "ServiceUses",
    ]);
    expect(doc.Statement[0].Principal.AWS).toBe("arn:aws:iam::123456789012:root");
  });
});
