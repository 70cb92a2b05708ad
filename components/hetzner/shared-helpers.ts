/**
 * Helpers every cloud layer needs (naming, CIDR math), kept here until they move to the cloud kit.
 */
import { createHash } from "crypto";
import { parseIpv4 } from "./ipv4";

/** An IPv4 CIDR as [first address, prefix length]; throws when malformed. */
export function parseCidr(cidr: string): [number, number] {
  const [address, prefixText, extra] = cidr.trim().split("/");
  const prefix = Number(prefixText);
  if (extra !== undefined || !/^\d{1,2}$/.test(prefixText ?? "") || prefix > 32)
    throw new Error(`${cidr} is not an IPv4 CIDR`);
  const size = 2 ** (32 - prefix);
  return [Math.floor(parseIpv4(address) / size) * size, prefix];
}

/** True when every address of `inner` lies in `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const [a, ap] = parseCidr(outer);
  const [b, bp] = parseCidr(inner);
  return bp >= ap && Math.floor(b / 2 ** (32 - ap)) === Math.floor(a / 2 ** (32 - ap));
}

export function cidrsOverlap(a: string, b: string): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/**
 * A physical name: lowercase DNS label characters, at most `max` long (a hash keeps long names
 * unique). Server names become hostnames and Kubernetes node names, so 63 is the hard limit.
 */
export function physicalName(parts: string[], max = 40): string {
  const name = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 6);
  return `${name.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}
