/**
 * The config gate on where a managed object store comes from (issue 15: R2 "as a managed store
 * where no cloud store exists"): the cloud's own store where it has one, Cloudflare R2 on the
 * edge's account where it has none, and one line naming the key otherwise.
 */
import { ConfigError } from "../../config";
import { stackConfig } from "../helpers/stacks";

const R2 = { objectStorage: { mode: "managed", provider: "r2" } };

/** The gate's lines for a shipped stack with `overrides` merged over it; none when accepted. */
function refusals(stack: string, overrides: Record<string, unknown>): string[] {
  try {
    stackConfig(stack, overrides);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
}

describe("objectStorage.provider r2", () => {
  it("is accepted on hetzner, whose cloud has no managed store, behind a Cloudflare edge with an account", () => {
    expect(refusals("production-hetzner", R2)).toEqual([]);
    expect(stackConfig("production-hetzner", R2).objectStorage.provider).toBe("r2");
  });

  it("still refuses managed object storage on hetzner without r2, naming the way out", () => {
    expect(refusals("production-hetzner", { objectStorage: { mode: "managed" } })).toEqual([
      'platform:objectStorage.mode: managed is not offered on hetzner; use self-hosted, or objectStorage.provider r2 with a Cloudflare edge (got "managed")',
    ]);
  });

  it("needs the edge's Cloudflare account id", () => {
    expect(
      refusals("production-hetzner", { ...R2, edge: { accountId: "", loadBalancing: false } }),
    ).toEqual([
      'platform:edge.accountId: is required with objectStorage.provider r2: R2 buckets and their tokens belong to the account (got "")',
    ]);
  });

  it("needs a Cloudflare edge", () => {
    expect(
      refusals("production-hetzner", { ...R2, edge: { provider: "none", loadBalancing: false } }),
    ).toEqual([
      'platform:objectStorage.provider: must be cloud unless edge.provider is cloudflare: R2 buckets belong to the edge\'s Cloudflare account (got "r2")',
    ]);
  });

  it("is a managed store: refused with self-hosted object storage", () => {
    expect(
      refusals("production-hetzner", { objectStorage: { mode: "self-hosted", provider: "r2" } }),
    ).toEqual([
      'platform:objectStorage.provider: must be cloud unless objectStorage.mode is managed (got "r2")',
    ]);
  });

  it("is refused where the cloud has its own managed store (Spaces)", () => {
    expect(refusals("production-do", R2)).toContain(
      'platform:objectStorage.provider: must be cloud on digitalocean: its own managed store serves the buckets; r2 is offered where the cloud has none (got "r2")',
    );
  });

  it("leaves shipped stacks on their own store (the key is opt-in)", () => {
    expect(stackConfig("production-hetzner").objectStorage.provider).toBeUndefined();
  });
});
