/** The cloud firewall of the nodes, as pure rules. */

/** One inbound or outbound rule of a DigitalOcean cloud firewall. */
export interface FirewallRule {
  protocol: "tcp" | "udp" | "icmp";
  portRange?: string;
  addresses: string[];
}

const ANYWHERE = ["0.0.0.0/0", "::/0"];

/**
 * The node firewall, after self-hosted §2.1 and the tiers document's Security Infrastructure:
 * HTTP/HTTPS from anywhere, SSH from the admin networks only (none when none are listed), and
 * everything inside the VPC. Outbound: the VPC, HTTP/HTTPS for external APIs, DNS and NTP, plus
 * the alert mail relay's port when one is configured; nothing else.
 */
export function nodeFirewallRules(
  vpcCidr: string,
  adminCidrs: readonly string[],
  smtpPort?: number,
): { inbound: FirewallRule[]; outbound: FirewallRule[] } {
  const internal: FirewallRule[] = [
    { protocol: "tcp", portRange: "1-65535", addresses: [vpcCidr] },
    { protocol: "udp", portRange: "1-65535", addresses: [vpcCidr] },
    { protocol: "icmp", addresses: [vpcCidr] },
  ];
  const inbound: FirewallRule[] = [
    { protocol: "tcp", portRange: "80", addresses: ANYWHERE },
    { protocol: "tcp", portRange: "443", addresses: ANYWHERE },
    ...internal,
  ];
  if (adminCidrs.length > 0)
    inbound.push({ protocol: "tcp", portRange: "22", addresses: [...adminCidrs] });
  const outbound: FirewallRule[] = [
    ...internal,
    { protocol: "tcp", portRange: "80", addresses: ANYWHERE },
    { protocol: "tcp", portRange: "443", addresses: ANYWHERE },
    { protocol: "udp", portRange: "53", addresses: ANYWHERE },
    { protocol: "tcp", portRange: "53", addresses: ANYWHERE },
    { protocol: "udp", portRange: "123", addresses: ANYWHERE },
  ];
  if (smtpPort !== undefined && smtpPort !== 80 && smtpPort !== 443)
    outbound.push({ protocol: "tcp", portRange: String(smtpPort), addresses: ANYWHERE });
  return { inbound, outbound };
}
