/** The pack's shared helpers: CIDR and port arithmetic, durations, selectors and HSTS parsing. */
import fc from "fast-check";
import { cidrWithin, isInternet, isPrivate, parseCidr } from "../../policies/lib/cidr";
import { parseGoDuration, parseRetentionDays } from "../../policies/lib/duration";
import {
  fromDigitalOceanFirewall,
  publicPortFindings,
  sshFindings,
} from "../../policies/lib/ingress";
import { hetznerSelectorMatches, selectorMatches, selectsAll } from "../../policies/lib/k8s";
import { coversPort, parsePortRange } from "../../policies/lib/ports";
import { hstsProblems } from "../../policies/lib/tls";

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));

describe("CIDR helpers", () => {
  it("parses IPv4, IPv6 (compressed and with an IPv4 tail) and bare hosts", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({ bits: 32, address: 10n << 24n, prefix: 8 });
    expect(parseCidr("::/0")).toEqual({ bits: 128, address: 0n, prefix: 0 });
    expect(parseCidr("2001:db8::1")?.prefix).toBe(128);
    expect(parseCidr("::ffff:10.0.0.1/128")?.address).toBe((0xffffn << 32n) | (10n << 24n) | 1n);
    for (const bad of ["10.0.0.256/8", "10.0.0.0/33", "1::2::3", "nope", "10.0.0.0/8/1"]) {
      expect(parseCidr(bad)).toBeUndefined();
    }
  });

  it("knows containment", () => {
    expect(cidrWithin("203.0.113.64/26", "203.0.113.0/24")).toBe(true);
    expect(cidrWithin("203.0.113.0/24", "203.0.113.0/26")).toBe(false);
    expect(cidrWithin("2001:db8:1::/48", "2001:db8::/32")).toBe(true);
    expect(cidrWithin("10.0.0.0/8", "::/0")).toBe(false);
  });

  it("puts every host inside each of its own prefixes", () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
        expect(cidrWithin(`${ip}/32`, `${ip}/${prefix}`)).toBe(true);
      }),
    );
  });

  it("never calls a private range the internet, and always calls /0 the internet", () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
        const cidr = `${ip}/${prefix}`;
        if (isPrivate(cidr)) expect(isInternet(cidr)).toBe(false);
        if (prefix === 0) expect(isInternet(cidr)).toBe(true);
        if (prefix >= 8) expect(isInternet(cidr)).toBe(false);
      }),
    );
    expect(isInternet("128.0.0.0/1")).toBe(true);
    expect(isInternet("8000::/1")).toBe(true);
    expect(isInternet("fc00::/7")).toBe(false);
  });
});

describe("ports", () => {
  it("reads the providers' spellings of a port range", () => {
    expect(parsePortRange("22")).toEqual({ from: 22, to: 22 });
    expect(parsePortRange("9000-9001")).toEqual({ from: 9000, to: 9001 });
    expect(parsePortRange("any")).toEqual({ from: 0, to: 65535 });
    expect(parsePortRange("all")).toEqual({ from: 0, to: 65535 });
    expect(parsePortRange(443)).toEqual({ from: 443, to: 443 });
    expect(parsePortRange("http")).toBeUndefined();
  });

  it("covers exactly the ports between its bounds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: 0, max: 65535 }),
        (a, b, p) => {
          const [from, to] = a <= b ? [a, b] : [b, a];
          expect(coversPort({ from, to }, p)).toBe(from <= p && p <= to);
        },
      ),
    );
  });
});

describe("ingress findings", () => {
  const rules = (portRange: string, sources: string[]) =>
    fromDigitalOceanFirewall({
      name: "fw",
      inboundRules: [{ protocol: "tcp", portRange, sourceAddresses: sources }],
    });

  it("only 80 and 443 may face the internet, for any other single port", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), (port) => {
        const open = publicPortFindings(rules(String(port), ["0.0.0.0/0"]));
        expect(open.length === 0).toBe(port === 80 || port === 443);
        expect(publicPortFindings(rules(String(port), ["10.1.0.0/16"]))).toEqual([]);
      }),
    );
  });

  it("allows SSH from inside adminCidrs or private space and from nowhere else", () => {
    const admin = ["203.0.113.0/24"];
    expect(sshFindings(rules("22", ["203.0.113.7/32"]), admin)).toEqual([]);
    expect(sshFindings(rules("22", ["10.0.0.0/24"]), admin)).toEqual([]);
    expect(sshFindings(rules("22", ["198.51.100.1"]), admin)).toHaveLength(1);
    expect(sshFindings(rules("22", ["::/0"]), admin)[0]).toMatch(/to ::\/0/);
    expect(sshFindings(rules("2000-3000", ["0.0.0.0/0"]), admin)[0]).toMatch(/port 2222/);
    expect(sshFindings(rules("23-2221", ["0.0.0.0/0"]), admin)).toEqual([]);
  });
});

describe("durations", () => {
  it("reads Go durations in seconds", () => {
    expect(parseGoDuration("2160h")).toBe(2160 * 3600);
    expect(parseGoDuration("720h0m0s")).toBe(720 * 3600);
    expect(parseGoDuration("1h30m")).toBe(5400);
    expect(parseGoDuration("30 days")).toBeUndefined();
  });

  it("reads CloudNativePG retention in days", () => {
    expect(parseRetentionDays("30d")).toBe(30);
    expect(parseRetentionDays("4w")).toBe(28);
    expect(parseRetentionDays("1m")).toBe(30);
    expect(parseRetentionDays("0d")).toBeUndefined();
    expect(parseRetentionDays("30")).toBeUndefined();
  });
});

describe("label selectors", () => {
  const labels = { app: "api", tier: "app" };

  it("follow Kubernetes semantics", () => {
    expect(selectorMatches({ matchLabels: { app: "api" } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: "web" } }, labels)).toBe(false);
    expect(
      selectorMatches(
        { matchExpressions: [{ key: "tier", operator: "In", values: ["app", "dmz"] }] },
        labels,
      ),
    ).toBe(true);
    expect(
      selectorMatches(
        { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["app"] }] },
        labels,
      ),
    ).toBe(false);
    expect(
      selectorMatches({ matchExpressions: [{ key: "gpu", operator: "DoesNotExist" }] }, labels),
    ).toBe(true);
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches(undefined, labels)).toBe(false);
    expect(selectsAll({})).toBe(true);
    expect(selectsAll({ matchLabels: { app: "api" } })).toBe(false);
  });

  it("read Hetzner's selector strings", () => {
    const server = { "platform/role": "db", env: "prod" };
    expect(hetznerSelectorMatches("platform/role=db", server)).toBe(true);
    expect(hetznerSelectorMatches("platform/role==db,env", server)).toBe(true);
    expect(hetznerSelectorMatches("env!=prod", server)).toBe(false);
    expect(hetznerSelectorMatches("!legacy", server)).toBe(true);
    expect(hetznerSelectorMatches("platform/role=app", server)).toBe(false);
    expect(hetznerSelectorMatches("", server)).toBe(false);
  });
});

describe("HSTS values", () => {
  it("needs a year's max-age and includeSubDomains, in any case and order", () => {
    expect(hstsProblems("max-age=31536000; includeSubDomains")).toEqual([]);
    expect(hstsProblems("includesubdomains; preload; max-age=63072000")).toEqual([]);
    expect(hstsProblems("max-age=300")).toEqual([
      "max-age is 300; use at least 31536000",
      "includeSubDomains is missing",
    ]);
  });
});
