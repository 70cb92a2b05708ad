import ipaddr from "ipaddr.js";

/**
 * CIDR arithmetic on the ipaddr.js library, for the config rules and the cloud layers (which reach
 * it through components/kit/cidr.ts): IPv4 and IPv6 blocks as [first address, prefix length] in
 * bigint, so both families share one set of comparisons, plus IPv4 subnet carving in numbers. The
 * text forms are the ones zod's `cidrv4()` / `cidrv6()` accept; anything else is `undefined` from
 * `parseBlock`, never an exception.
 */
export interface Block {
  family: 4 | 6;
  /** First address of the block as written (host bits included). */
  address: bigint;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function ipv4Of(text: string): ipaddr.IPv4 | undefined {
  // Four decimal parts with leading zeros allowed ("010.0.0.0" is ten), each at most 255.
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return undefined;
  const parts = text.split(".").map(Number);
  return parts.some((p) => p > 255) ? undefined : new ipaddr.IPv4(parts);
}

function ipv6Of(text: string): ipaddr.IPv6 | undefined {
  if (!text.includes(":") || text.includes("%")) return undefined;
  // An embedded IPv4 tail (::ffff:192.0.2.1) as two groups, which the library reads literally.
  const tail = text.slice(text.lastIndexOf(":") + 1);
  let written = text;
  if (tail.includes(".")) {
    const v4 = ipv4Of(tail)?.octets;
    if (!v4) return undefined;
    const group = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    written = `${text.slice(0, -tail.length)}${group(v4[0], v4[1])}:${group(v4[2], v4[3])}`;
  }
  return ipaddr.IPv6.isValid(written) ? ipaddr.IPv6.parse(written) : undefined;
}

function addressOf(text: string): { family: 4 | 6; address: bigint } | undefined {
  const parsed = ipv4Of(text) ?? ipv6Of(text);
  if (!parsed) return undefined;
  const address = parsed.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
  return { family: parsed.kind() === "ipv4" ? 4 : 6, address };
}

/** A CIDR block, or undefined when the text is not one. */
export function parseBlock(cidr: string): Block | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  const found = addressOf(m[1]);
  if (!found || prefix > BITS[found.family]) return undefined;
  return { ...found, prefix };
}

const hostBits = (b: Block) => BigInt(BITS[b.family] - b.prefix);
const network = (b: Block) => (b.address >> hostBits(b)) << hostBits(b);

/** True when the address has bits set past the prefix (10.0.0.1/16): not a network address. */
export function hasHostBits(b: Block): boolean {
  return network(b) !== b.address;
}

/** The block's network address written back (10.0.0.1/16 → 10.0.0.0/16), IPv4 only. */
export function networkOf(b: Block): string {
  if (b.family === 6) return `${b.address}/${b.prefix}`;
  return ipv4Cidr(Number(network(b)), b.prefix);
}

/** True when every address of `inner` lies in `outer` (same family). */
export function contains(outer: Block, inner: Block): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const shift = hostBits(outer);
  return inner.address >> shift === outer.address >> shift;
}

/** True when the two blocks share an address. */
export function overlaps(a: Block, b: Block): boolean {
  return contains(a, b) || contains(b, a);
}

/** Blocks from text; a text that does not parse is left out (the schema reports it). */
export function blocks(cidrs: readonly string[]): Block[] {
  return cidrs.map(parseBlock).filter((b): b is Block => b !== undefined);
}

/**
 * An IPv4 network block as numbers, for carving subnets: its first address and prefix length.
 * Throws when the text is not an IPv4 CIDR, or has host bits set unless `clearHostBits` says to
 * read 10.0.1.0/8 as 10.0.0.0/8 (the config gate refuses both before any cloud layer runs).
 */
export function ipv4Network(
  cidr: string,
  { clearHostBits = false } = {},
): { base: number; prefix: number } {
  const block = parseBlock(cidr.trim());
  if (!block || block.family !== 4)
    throw new RangeError(`"${cidr}" is not an IPv4 CIDR such as 10.0.0.0/16`);
  if (hasHostBits(block) && !clearHostBits)
    throw new RangeError(`"${cidr}" has host bits set; the network address is required`);
  return { base: Number(network(block)), prefix: block.prefix };
}

/** An IPv4 address from its number (167772160 → "10.0.0.0"). */
export function ipv4Address(value: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256);
  return ipaddr.fromByteArray(octets).toString();
}

/** An IPv4 CIDR from its first address's number and prefix length. */
export function ipv4Cidr(base: number, prefix: number): string {
  return `${ipv4Address(base)}/${prefix}`;
}

/** True when every address of the CIDR `inner` lies in the CIDR `outer`; false when either is bad. */
export function cidrContains(outer: string, inner: string): boolean {
  const [a, b] = [parseBlock(outer), parseBlock(inner)];
  return a !== undefined && b !== undefined && contains(a, b);
}

/** True when the CIDRs `a` and `b` share an address; false when either is bad. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [x, y] = [parseBlock(a), parseBlock(b)];
  return x !== undefined && y !== undefined && overlaps(x, y);
}
