/**
 * Where a new cloud plugs in, checked for every provider of the capabilities table: a provider that
 * compiles but misses a seam fails here, naming the seam. The seams: its CloudLayer in
 * components/index.ts, its row in catalog/capabilities.ts, a pricer (or a stated reason) for every
 * resource type its example stacks register, mock outputs for the offline plan, a folder of the
 * policy pack with at least one policy, and an example stack file that uses it.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CAPABILITIES, PROVIDERS, type Provider } from "../../catalog";
import { CLOUD_LAYERS } from "../../components";
import { policies } from "../../policies/list";
import { recordVariants, type RecordedResource } from "../helpers/recorded";

const ROOT = path.resolve(__dirname, "../..");
const providers = Object.keys(CAPABILITIES) as Provider[];

/** The shipped stack files by the provider they run on. */
const stacksOf: Record<string, string[]> = {};
for (const file of fs
  .readdirSync(ROOT)
  .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
  .sort()) {
  const provider = parse(fs.readFileSync(path.join(ROOT, file), "utf8"))?.config?.[
    "platform:provider"
  ];
  const stack = file.replace(/^Pulumi\.|\.yaml$/g, "");
  (stacksOf[provider] ??= []).push(stack);
}

/** Resource type of a recorded registration (the last type of its URN). */
const typeOf = (r: RecordedResource) => r.urn.split("::")[2].split("$").pop()!;

let recorded: Map<string, RecordedResource[]>;
beforeAll(async () => {
  const stacks = Object.values(stacksOf).flat();
  recorded = await recordVariants(stacks.map((stack) => ({ label: stack, stack })));
}, 600_000);

it("lists the same providers in the capabilities table, the layer table and the catalog's types", () => {
  expect([...providers].sort()).toEqual([...PROVIDERS].sort());
  expect(Object.keys(CLOUD_LAYERS).sort()).toEqual([...providers].sort());
});

describe.each(providers)("provider %s", (provider) => {
  const layer = CLOUD_LAYERS[provider];

  it("has a CloudLayer registered under its name", () => {
    expect(layer).toBeDefined();
    expect(layer.provider).toBe(provider);
    expect(typeof layer.build).toBe("function");
    expect(layer.packages.length).toBeGreaterThan(0);
  });

  it("has an example stack file that uses it", () => {
    expect(stacksOf[provider] ?? []).not.toHaveLength(0);
  });

  it("has a folder of the policy pack with at least one policy in the pack", () => {
    const dir = path.join(ROOT, "policies", layer.policies);
    expect(fs.existsSync(dir)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".ts")).length).toBeGreaterThan(0);
    expect(policies.some((p) => p.name.startsWith(`${layer.policies}-`))).toBe(true);
  });

  it("prices, or says why not, every resource type its example stacks register", () => {
    const missing = new Set<string>();
    for (const stack of stacksOf[provider] ?? []) {
      for (const r of recorded.get(stack) ?? []) {
        const type = typeOf(r);
        // Components cost nothing by themselves unless a pricer says so (the gateway's load balancer).
        if (type.startsWith("platform:") || !layer.packages.some((p) => type.startsWith(p)))
          continue;
        if (!(type in layer.pricers) && !(type in layer.unpriced)) missing.add(type);
      }
    }
    expect([...missing].sort()).toEqual([]);
    for (const type of [...Object.keys(layer.pricers), ...Object.keys(layer.unpriced)])
      expect(layer.packages.some((p) => type.startsWith(p))).toBe(true);
    expect(layer.volumeRate(undefined)).toBeDefined();
  });

  it("has mock outputs for the offline plan, the gateway's address among them", () => {
    expect(typeof layer.mocks.outputs).toBe("function");
    const address = layer.mocks.gatewayAddress("gateway");
    expect(["Hostname", "IPAddress"]).toContain(address.type);
    expect(address.value).not.toBe("");
    // The stack's own records show every type it registers belongs to one layer at most.
    for (const stack of stacksOf[provider] ?? [])
      for (const r of recorded.get(stack) ?? []) {
        const owners = providers.filter((p) =>
          CLOUD_LAYERS[p].packages.some((pkg) => typeOf(r).startsWith(pkg)),
        );
        expect(owners.length).toBeLessThanOrEqual(1);
        if (owners.length) expect(owners).toEqual([provider]);
      }
  });
});

it("keeps the planner's generic parts free of any one cloud's internals", () => {
  // A cloud's pricers and mock outputs reach the planner through its CloudLayer only.
  for (const file of [
    "plan/mocks.ts",
    "plan/pricers/index.ts",
    "plan/pricers/kubernetes.ts",
    "plan/pricers/cloudflare.ts",
  ]) {
    const source = fs.readFileSync(path.join(ROOT, file), "utf8");
    expect([file, source.match(/components\/(aws|digitalocean|hetzner|existing)\//g)]).toEqual([
      file,
      null,
    ]);
  }
});
