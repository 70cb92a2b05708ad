import { checkStackConfig, ConfigError, SECRET_KEYS, type ConfigSource } from "../../config";
import { rawStack } from "../helpers/stacks";

/** A stack file's `platform:` keys with `edge` (and any other key) changed, as the runtime holds them. */
function source(
  stack: string,
  change: Record<string, unknown> = {},
  secrets: Record<string, string> = { "cloudflare:apiToken": "token" },
): ConfigSource {
  const raw = { ...rawStack(stack), ...change };
  const values: Record<string, string> = { ...secrets };
  for (const [k, v] of Object.entries(raw))
    values[`platform:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  // Every secret the shipped files name is set (placeholders), so only the edge is judged here.
  for (const k of ["hcloud:token", "kubernetes:kubeconfig"]) values[k] ??= "x";
  for (const k of [
    "offsiteAccessKeyId",
    "offsiteSecretAccessKey",
    "pagingSecret",
    "smtpPassword",
    "chatWebhookUrl",
  ])
    values[`platform:${k}`] ??= k === "chatWebhookUrl" || k === "pagingSecret" ? "https://x" : "x";
  return {
    values,
    secretKeys: new Set(
      Object.keys(values).filter(
        (k) => !k.startsWith("platform:") || k.slice("platform:".length) in SECRET_KEYS,
      ),
    ),
  };
}

function problems(
  stack: string,
  change: Record<string, unknown>,
  secrets?: Record<string, string>,
) {
  try {
    checkStackConfig(source(stack, change, secrets));
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
}

const edge = (stack: string, over: Record<string, unknown>) => ({
  edge: { ...(rawStack(stack).edge ?? {}), ...over },
});

describe("the edge a stack gets by default (config/edge.ts)", () => {
  it("is CloudFront on AWS where the tier's CDN is on", () => {
    expect(checkStackConfig(source("production")).edge.provider).toBe("cloudfront");
  });

  it("is Cloudflare on another cloud once the stack names its zone, else none", () => {
    const without = (keys: string[]) =>
      Object.fromEntries(
        Object.entries(rawStack("production-hetzner").edge).filter(([k]) => !keys.includes(k)),
      );
    const named = checkStackConfig(source("production-hetzner", { edge: without(["provider"]) }));
    expect(named.edge.provider).toBe("cloudflare");
    const noZone = without(["provider", "zoneId", "accountId", "loadBalancing"]);
    expect(checkStackConfig(source("production-hetzner", { edge: noZone })).edge.provider).toBe(
      "none",
    );
  });

  it("is none on a laptop cluster, with the documented TLS 1.2 floor and every protection on", () => {
    const c = checkStackConfig(source("local"));
    expect(c.edge).toMatchObject({
      provider: "none",
      minTlsVersion: "1.2",
      waf: true,
      proxied: true,
      originLock: true,
    });
  });
});

describe("the gate refuses an edge the program cannot build", () => {
  it("CloudFront off AWS", () => {
    expect(problems("small", edge("small", { provider: "cloudfront" }))).toEqual([
      expect.stringMatching(/^platform:edge.provider: must be cloudflare or none on hetzner/),
    ]);
  });

  it("Cloudflare without the zone, and load balancing without the account", () => {
    expect(problems("small", edge("small", { zoneId: "", provider: "cloudflare" }))).toEqual([
      expect.stringMatching(/^platform:edge.zoneId: is required with edge.provider cloudflare/),
    ]);
    expect(problems("small", edge("small", { loadBalancing: true }))).toEqual([
      expect.stringMatching(/^platform:edge.accountId: is required with edge.loadBalancing/),
    ]);
  });

  it("a zone id that is no Cloudflare id", () => {
    expect(problems("small", edge("small", { zoneId: "example.com" }))).toEqual([
      expect.stringMatching(/^platform:edge.zoneId: /),
    ]);
  });

  it("Cloudflare on an existing cluster, whose gateway address the stack never learns", () => {
    expect(problems("local", { edge: { provider: "cloudflare", zoneId: "0".repeat(32) } })).toEqual(
      [expect.stringMatching(/^platform:edge.provider: must be none on existing/)],
    );
  });

  it("DigitalOcean's Spaces CDN behind Cloudflare (its certificate needs DigitalOcean's DNS)", () => {
    expect(problems("production-do", { cdn: { enabled: true, mediaHost: "media" } })).toEqual([
      expect.stringMatching(/^platform:cdn.enabled: must be false with edge.provider cloudflare/),
    ]);
  });

  it("Cloudflare without its API token, or with the token in clear", () => {
    expect(problems("small", {}, {})).toEqual([
      expect.stringMatching(
        /^cloudflare:apiToken: is required by edge.provider cloudflare .*pulumi config set --secret cloudflare:apiToken/,
      ),
    ]);
    const clear = source("small");
    clear.secretKeys = new Set([...clear.secretKeys].filter((k) => k !== "cloudflare:apiToken"));
    expect(() => checkStackConfig(clear)).toThrow(/cloudflare:apiToken: must be a secret/);
  });

  it("and nothing on the shipped Cloudflare stacks", () => {
    for (const stack of ["staging", "small", "production-do", "production-hetzner"])
      expect(problems(stack, {})).toEqual([]);
  });
});

describe("the edge of a group of regions (config/region-schema.ts)", () => {
  it("asks every stack of a group on CloudFront for the Route 53 zone of its origin record", () => {
    for (const stack of ["production-large", "production-large-ap"])
      expect(problems(stack, edge(stack, { route53ZoneId: "" }))).toEqual([
        expect.stringMatching(/^platform:edge.route53ZoneId: is required in a group on CloudFront/),
      ]);
    expect(problems("production", {})).toEqual([]);
  });

  it("takes only a Route 53 hosted zone id", () => {
    expect(
      problems("production-large", edge("production-large", { route53ZoneId: "abc" })),
    ).toEqual([
      expect.stringMatching(/^platform:edge.route53ZoneId: must be a Route 53 hosted zone id/),
    ]);
  });

  it("takes cloudfront on a secondary as the primary's distribution, and nothing on the group", () => {
    expect(checkStackConfig(source("production-large-ap")).edge.provider).toBe("cloudfront");
    expect(problems("production-large-ap", {})).toEqual([]);
    expect(problems("production-large", {})).toEqual([]);
  });

  it("asks a Cloudflare edge with peer regions for load balancing, which carries their pools", () => {
    const peers = { multiRegion: { group: "g", peers: ["other"] } };
    expect(
      problems("production-hetzner", {
        ...peers,
        ...edge("production-hetzner", { loadBalancing: false }),
      }),
    ).toEqual([
      expect.stringMatching(/^platform:edge.loadBalancing: must be true with multiRegion.peers/),
    ]);
    expect(problems("production-hetzner", peers)).toEqual([]);
  });
});
