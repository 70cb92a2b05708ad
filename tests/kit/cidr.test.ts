import fc from "fast-check";
import {
  cidrContains,
  cidrsOverlap,
  hasHostBits,
  ipv4Cidr,
  ipv4Network,
  networkOf,
  parseBlock,
} from "../../components/kit/cidr";

describe("CIDR math", () => {
  it("parses both families as the config gate reads them", () => {
    expect(parseBlock("10.0.0.0/8")).toEqual({ family: 4, address: 10n << 24n, prefix: 8 });
    expect(parseBlock("::/0")).toEqual({ family: 6, address: 0n, prefix: 0 });
    // An embedded IPv4 tail is its own two groups (not an IPv4-mapped address).
    expect(parseBlock("::0.0.0.0/0")).toEqual({ family: 6, address: 0n, prefix: 0 });
    expect(parseBlock("::ffff:10.0.0.1/128")?.address).toBe((0xffffn << 32n) | (10n << 24n) | 1n);
    expect(parseBlock("010.0.0.0/8")?.address).toBe(10n << 24n);
    for (const bad of [
      "10.0.0.0",
      "10.0.0.256/8",
      "10.0.0.0/33",
      "1::2::3/64",
      "fe80::1%eth0/64",
      "::/129",
      "x/1",
    ])
      expect(parseBlock(bad)).toBeUndefined();
  });

  it("finds host bits and writes the network address", () => {
    const block = parseBlock("10.1.2.3/16")!;
    expect(hasHostBits(block)).toBe(true);
    expect(networkOf(block)).toBe("10.1.0.0/16");
    expect(hasHostBits(parseBlock("10.1.0.0/16")!)).toBe(false);
  });

  it("carves IPv4 networks in numbers and back", () => {
    expect(ipv4Network("10.10.0.0/16")).toEqual({ base: (10 * 256 + 10) * 65536, prefix: 16 });
    expect(() => ipv4Network("10.10.0.1/16")).toThrow("has host bits set");
    expect(ipv4Network("10.10.0.1/16", { clearHostBits: true })).toEqual(
      ipv4Network("10.10.0.0/16"),
    );
    expect(() => ipv4Network("2001:db8::/32")).toThrow("is not an IPv4 CIDR");
    fc.assert(
      fc.property(fc.nat(2 ** 24 - 1), fc.integer({ min: 8, max: 32 }), (n, prefix) => {
        const base = Math.floor((n * 256) / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
        expect(ipv4Network(ipv4Cidr(base, prefix))).toEqual({ base, prefix });
      }),
    );
  });

  it("tells containment from overlap", () => {
    expect(cidrContains("10.0.0.0/16", "10.0.4.0/24")).toBe(true);
    expect(cidrContains("10.0.4.0/24", "10.0.0.0/16")).toBe(false);
    expect(cidrsOverlap("10.0.4.0/24", "10.0.0.0/16")).toBe(true);
    expect(cidrsOverlap("10.0.0.0/24", "10.0.1.0/24")).toBe(false);
    expect(cidrContains("10.0.0.0/8", "2001:db8::/32")).toBe(false);
    expect(cidrContains("nonsense", "10.0.0.0/8")).toBe(false);
  });
});
