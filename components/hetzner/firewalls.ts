/** Self-hosted §2.1's network rules as hcloud firewalls, with the ports they open. */
import { LABELS } from "./node-layout";

/** Self-hosted §2.1: "change port from default 22"; the document's example moves it to 2222. */
export const SSH_PORT = 2222;
export const KUBERNETES_API_PORT = 6443;

export interface FirewallRuleSpec {
  protocol: "tcp" | "udp" | "icmp";
  /** Port or range; absent for ICMP. */
  port?: string;
  sourceIps: string[];
  description: string;
}

export interface FirewallSpec {
  /** Short name: `nodes`, `web`, `api`. */
  key: string;
  /** Hetzner label selector of the servers it applies to. */
  selector: string;
  rules: FirewallRuleSpec[];
}

const INTERNET = ["0.0.0.0/0", "::/0"];

/**
 * Self-hosted §2.1 as hcloud firewalls, which deny every inbound packet no rule admits. SSH on
 * 2222 from the admin networks only (no rule at all without any), 80 and 443 only on the gateway
 * role, the Kubernetes API from the admin networks and the private network, ICMP for path-MTU
 * discovery. Everything else (etcd, kubelet, flannel, NodePorts, data ports) stays inside the
 * private network: hcloud firewalls filter public interfaces only and never private traffic.
 */
export function firewallPlan(args: {
  cluster: string;
  adminCidrs: readonly string[];
  networkCidr: string;
  gatewayPool: boolean;
}): FirewallSpec[] {
  const cluster = `${LABELS.cluster}=${args.cluster}`;
  const admin = [...args.adminCidrs];
  const nodes: FirewallSpec = {
    key: "nodes",
    selector: cluster,
    rules: [
      { protocol: "icmp", sourceIps: INTERNET, description: "ICMP (path MTU discovery, ping)" },
      ...(admin.length > 0
        ? [
            {
              protocol: "tcp" as const,
              port: String(SSH_PORT),
              sourceIps: admin,
              description: "SSH from the admin networks",
            },
          ]
        : []),
    ],
  };
  const web: FirewallSpec = {
    key: "web",
    selector: `${cluster},${LABELS.role}=gateway`,
    rules: ["80", "443"].map((port) => ({
      protocol: "tcp" as const,
      port,
      sourceIps: INTERNET,
      description: `HTTP${port === "443" ? "S" : ""} to the DMZ`,
    })),
  };
  const api: FirewallSpec = {
    key: "api",
    selector: `${cluster},${LABELS.controlPlane}=true`,
    rules: [
      {
        protocol: "tcp",
        port: String(KUBERNETES_API_PORT),
        sourceIps: [...admin, args.networkCidr],
        description: "Kubernetes API from the admin networks and the private network",
      },
    ],
  };
  return args.gatewayPool ? [nodes, web, api] : [nodes, api];
}
