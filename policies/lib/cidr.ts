/** An IPv4 or IPv6 network: its first address as a number, the prefix length and the family width. */
export interface Cidr {
  bits: 32 | 128;
  address: bigint;
  prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  let head = text;
  let v4Tail: bigint | undefined;
  // An embedded IPv4 tail (::ffff:10.0.0.1) counts as the last two groups.
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    v4Tail = parseIpv4(text.slice(lastColon + 1));
    if (v4Tail === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  let value = all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (v4Tail !== undefined) value = (value & ~0xffffffffn) | v4Tail;
  return value;
}

/** Parses "10.0.0.0/8", "::/0" or a bare address (a single host); undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return undefined;
  const bits = addr.includes(":") ? 128 : 32;
  const address = bits === 32 ? parseIpv4(addr) : parseIpv6(addr);
  if (address === undefined) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(bits)) || prefix > bits) return undefined;
  return { bits, address, prefix };
}

function mask(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** True when every address of `inner` lies in `outer` (same family). */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = parseCidr(inner);
  const b = parseCidr(outer);
  if (!a || !b || a.bits !== b.bits || a.prefix < b.prefix) return false;
  const m = mask(b.bits, b.prefix);
  return (a.address & m) === (b.address & m);
}

/** True when `cidr` lies inside one of `allowed`. */
export function cidrWithinAny(cidr: string, allowed: readonly string[]): boolean {
  return allowed.some((outer) => cidrWithin(cidr, outer));
}

/** Address space that never routes on the internet: RFC 1918, CGNAT, loopback, IPv6 ULA and link-local. */
export const PRIVATE_RANGES = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "fc00::/7",
  "fe80::/10",
] as const;

/** True when the whole range is private (inside a VPC or the cluster network). */
export function isPrivate(cidr: string): boolean {
  return cidrWithinAny(cidr, PRIVATE_RANGES);
}

/**
 * True when a source reaches the open internet: 0.0.0.0/0, ::/0, or any public range wider than a
 * /8 (IPv4) or /16 (IPv6), so that splitting 0.0.0.0/0 into 0.0.0.0/1 + 128.0.0.0/1 changes nothing.
 */
export function isInternet(cidr: string): boolean {
  const c = parseCidr(cidr);
  if (!c) return false;
  if (c.prefix === 0) return true;
  return c.prefix < (c.bits === 32 ? 8 : 16) && !isPrivate(cidr);
}
