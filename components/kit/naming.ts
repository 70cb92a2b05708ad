import { createHash } from "crypto";

/**
 * Physical names of cloud resources: lowercase a-z, 0-9 and single dashes, cut to the provider's
 * length limit. Past the limit a name keeps its start and ends with a hash of the whole, so two long
 * names never collide. Each cloud passes its own limit (a DNS label is 63; S3 buckets 63, RDS
 * identifiers 63, ElastiCache groups 40, and so on).
 */

/** Length of the hash that ends a cut name; Hetzner's names have always carried 6. */
export const NAME_HASH_LENGTH = 8;

/** `parts` joined by dashes as a physical name of at most `max` characters. */
export function physicalName(parts: string[], max: number, hashLength = NAME_HASH_LENGTH): string {
  const name = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, hashLength);
  return `${name.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}
