/** The gateway's Hetzner load balancer: its type by target count and the annotations that make it. */
import { type ClientAddressDelivery } from "../contract";

/** Hetzner load balancer types by the most targets each takes. */
export const LOAD_BALANCER_TYPES = [
  { type: "lb11", maxTargets: 25 },
  { type: "lb21", maxTargets: 75 },
  { type: "lb31", maxTargets: 150 },
] as const;

/** The smallest load balancer type that takes `targets` servers. */
export function loadBalancerType(targets: number): string {
  const fit = LOAD_BALANCER_TYPES.find((t) => targets <= t.maxTargets);
  if (!fit) throw new Error(`${targets} load balancer targets exceed lb31's 150`);
  return fit.type;
}

/** Annotation prefix the hcloud cloud controller reads on LoadBalancer Services. */
const LB = "load-balancer.hetzner.cloud";

export interface GatewayLoadBalancerSpec {
  /** Name of the load balancer in Hetzner Cloud. @example "platform-prod-gateway" */
  name: string;
  /** Load balancer type. @example "lb11" */
  type: string;
  location: string;
  /** Its address in the DMZ subnet. @example "10.0.0.5" */
  privateIp: string;
  /** Label selector of the nodes it sends to; every node when absent. @example "platform/role=gateway" */
  nodeSelector?: string;
}

/**
 * How the load balancer hands the gateway the client's address: PROXY protocol, Hetzner's only
 * way, since the load balancer opens its own connection to the node. The header is required:
 * hcloud-cloud-controller-manager v1.28 reports the load balancer's addresses with `ipMode: Proxy`
 * when PROXY protocol is on (hcloud/load_balancers.go), so kube-proxy (k3s 1.32 and later)
 * sends in-cluster clients of those addresses through the load balancer instead of straight to
 * Envoy, and every connection carries the header.
 */
export const GATEWAY_CLIENT_ADDRESS: ClientAddressDelivery = { via: "proxy-protocol" };

/**
 * Annotations of the gateway's LoadBalancer Service, from which the cloud controller makes the
 * load balancer (the cloud layer creates no hcloud.LoadBalancer itself, so the two never fight
 * over it). Least connections, as self-hosted §6.1's nginx upstream (least_conn). TCP passes TLS
 * through to the gateway, whose certificates, TLS 1.2+ policy and HSTS
 * apply (self-hosted §2.1); port 80 stays plain for the ACME HTTP-01 challenge and the gateway's
 * own redirect. PROXY protocol follows GATEWAY_CLIENT_ADDRESS, as the gateway's listener does.
 * The load balancer
 * reaches the nodes over the private network, so no NodePort is ever public, and health checks
 * use the port the controller picks (the kube-proxy health port of an
 * `externalTrafficPolicy: Local` Service).
 */
export function gatewayAnnotations(
  spec: GatewayLoadBalancerSpec,
  clientAddress: ClientAddressDelivery = GATEWAY_CLIENT_ADDRESS,
): Record<string, string> {
  return {
    [`${LB}/name`]: spec.name,
    [`${LB}/type`]: spec.type,
    [`${LB}/location`]: spec.location,
    [`${LB}/protocol`]: "tcp",
    [`${LB}/uses-proxyprotocol`]: String(clientAddress.via === "proxy-protocol"),
    [`${LB}/algorithm-type`]: "least_connections",
    [`${LB}/use-private-ip`]: "true",
    [`${LB}/private-ipv4`]: spec.privateIp,
    [`${LB}/disable-private-ingress`]: "true",
    [`${LB}/health-check-interval`]: "10s",
    [`${LB}/health-check-timeout`]: "5s",
    [`${LB}/health-check-retries`]: "3",
    ...(spec.nodeSelector ? { [`${LB}/node-selector`]: spec.nodeSelector } : {}),
  };
}
