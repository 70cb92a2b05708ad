/**
 * One table says what each provider's cloud can manage (catalog/capabilities.ts); the config gate
 * and the catalog's resolvers both follow it.
 */
import {
  CAPABILITIES,
  resolveManagedDatabase,
  type ManagedCloud,
  type Provider,
} from "../../catalog";
import { ConfigError } from "../../config";
import { stackConfig } from "../helpers/stacks";

/** A shipped stack of each provider, to vary. */
const STACK: Record<Provider, string> = {
  aws: "production",
  digitalocean: "production-do",
  hetzner: "production-hetzner",
  existing: "local",
};

/** The gate's lines for a stack of `provider` with `overrides`; [] when it is accepted. */
function refusals(provider: Provider, overrides: Record<string, unknown>): string[] {
  try {
    stackConfig(STACK[provider], overrides);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
}

describe.each(Object.keys(CAPABILITIES) as Provider[])("the gate on %s", (provider) => {
  const can = CAPABILITIES[provider];

  it("offers managed data services where the table says the cloud manages them", () => {
    const line = (key: string) => (p: string) =>
      p.startsWith(`platform:${key}.mode: managed is not offered`);
    expect(refusals(provider, { database: { mode: "managed" } }).some(line("database"))).toBe(
      can.managedPostgres === null,
    );
    expect(refusals(provider, { cache: { mode: "managed" } }).some(line("cache"))).toBe(
      !can.managedCache,
    );
    expect(
      refusals(provider, { objectStorage: { mode: "managed" } }).some(line("objectStorage")),
    ).toBe(!can.managedObjectStore);
  });

  it("builds a CDN only where the cloud has one", () => {
    const refused = refusals(provider, { cdn: { enabled: true }, edge: { provider: "none" } });
    expect(refused.some((p) => /^platform:cdn\.enabled: must be false on /.test(p))).toBe(
      can.cdn === null,
    );
  });
});

describe("the catalog", () => {
  const managed = (Object.keys(CAPABILITIES) as Provider[]).filter(
    (p) => CAPABILITIES[p].managedPostgres !== null,
  ) as ManagedCloud[];

  it.each(managed)("sizes %s's managed Postgres with up to the table's standbys", (cloud) => {
    const { maxStandbys } = CAPABILITIES[cloud].managedPostgres;
    expect(resolveManagedDatabase(cloud, "medium-db", { standbys: maxStandbys }).standbys).toBe(
      maxStandbys,
    );
    expect(() => resolveManagedDatabase(cloud, "medium-db", { standbys: maxStandbys + 1 })).toThrow(
      `takes 0 to ${maxStandbys} standbys`,
    );
  });
});
