/**
 * CIDR arithmetic for the config rules: IPv4 and IPv6 blocks as [first address, prefix length] in
 * bigint, so both families share one set of comparisons. The text forms are the ones zod's
 * `cidrv4()` / `cidrv6()` accept; anything else is `undefined` here, never an exception.
 */
export interface Block {
  family: 4 | 6;
  /** First address of the block as written (host bits included). */
  address: bigint;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseV4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255))
    return undefined;
  return parts.reduce((acc, p) => acc * 256n + BigInt(Number(p)), 0n);
}

function parseV6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let tail = "";
  const double = text.indexOf("::");
  if (double >= 0) {
    if (text.indexOf("::", double + 1) >= 0) return undefined;
    head = text.slice(0, double);
    tail = text.slice(double + 2);
  }
  const groups = (s: string): bigint[] | undefined => {
    if (s === "") return [];
    const out: bigint[] = [];
    const items = s.split(":");
    for (const [i, item] of items.entries()) {
      // An embedded IPv4 address may close the last group pair (::ffff:192.0.2.1).
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = parseV4(item);
        if (v4 === undefined) return undefined;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) out.push(BigInt(`0x${item}`));
      else return undefined;
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  if (!h || !t) return undefined;
  const missing = 8 - h.length - t.length;
  if (double >= 0 ? missing < 1 : missing !== 0) return undefined;
  const all = [...h, ...Array<bigint>(missing).fill(0n), ...t];
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** A CIDR block, or undefined when the text is not one. */
export function parseBlock(cidr: string): Block | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  const v4 = parseV4(m[1]);
  if (v4 !== undefined) return prefix <= 32 ? { family: 4, address: v4, prefix } : undefined;
  const v6 = parseV6(m[1]);
  if (v6 !== undefined) return prefix <= 128 ? { family: 6, address: v6, prefix } : undefined;
  return undefined;
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
  const n = network(b);
  const octets = [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n));
  return `${octets.join(".")}/${b.prefix}`;
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
