import { createHash } from "crypto";
import {
  r2Endpoint,
  r2LifecycleRules,
  r2LocationHint,
  r2LockRules,
  r2SecretAccessKey,
  r2TokenResources,
} from "../../components/edge";
import { r2MonthlyUsd } from "../../plan/pricers/cloudflare";
import { stackConfig } from "../helpers/stacks";

const config = stackConfig("production-hetzner");
const backup = config.objectStorage.buckets.find((b) => b.purpose === "backup")!;

describe("R2 planning", () => {
  it("derives the S3 secret key as the SHA-256 hex of the token value (developers.cloudflare.com/r2/api/tokens/)", () => {
    expect(r2SecretAccessKey("abc")).toBe(createHash("sha256").update("abc").digest("hex"));
    expect(r2Endpoint("0123456789abcdef0123456789abcdef")).toBe(
      "https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com",
    );
  });

  it("scopes a token to R2's own bucket resources, one per bucket", () => {
    expect(JSON.parse(r2TokenResources("acc", ["a", "b"]))).toEqual({
      "com.cloudflare.edge.r2.bucket.acc_default_a": "*",
      "com.cloudflare.edge.r2.bucket.acc_default_b": "*",
    });
  });

  it("hints Hetzner's sites at Europe and leaves an unknown region to R2", () => {
    expect(r2LocationHint("hetzner", "fsn1")).toBe("weur");
    expect(r2LocationHint("hetzner", "hel1")).toBe("eeur");
    expect(r2LocationHint("existing", "local")).toBeUndefined();
  });

  it("locks each dump period exactly as long as the lifecycle keeps it", () => {
    const expiry = Object.fromEntries(
      r2LifecycleRules(backup, config.backups)
        .filter((r) => r.deleteObjectsTransition)
        .map((r) => [
          (r.conditions as any).prefix,
          (r.deleteObjectsTransition as any).condition.maxAge,
        ]),
    );
    const locks = r2LockRules(config.backups);
    expect(locks.length).toBeGreaterThan(0);
    for (const lock of locks)
      expect((lock.condition as any).maxAgeSeconds).toBe(expiry[lock.prefix as string]);
  });

  it("never archives a bucket whose archiveAfterDays is 0", () => {
    const rules = r2LifecycleRules({ ...backup, archiveAfterDays: 0 }, config.backups);
    expect(rules.some((r) => r.storageClassTransitions)).toBe(false);
  });

  it("prices R2 by GB beyond the free 10 GB", () => {
    expect(r2MonthlyUsd(5)).toBe(0);
    expect(r2MonthlyUsd(110)).toBeCloseTo(1.5, 5);
  });
});
