/** IPv4 CIDR parsing and formatting of the VPC address plan (subnets.ts). */

export function parseIpv4Cidr(cidr: string): { base: number; prefix: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw new RangeError(`"${cidr}" is not an IPv4 CIDR such as 10.0.0.0/16`);
  }
  const base = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const prefix = Number(m[5]);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) {
    throw new RangeError(`"${cidr}" has host bits set; the network address is required`);
  }
  return { base, prefix };
}

export function formatCidr(address: number, prefix: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix}`;
}
