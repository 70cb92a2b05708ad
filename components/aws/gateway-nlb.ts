import * as pulumi from "@pulumi/pulumi";
import type { ClientAddressDelivery } from "../contract";

/**
 * How the NLB hands the gateway the client's address: PROXY protocol v2. With IP targets over TCP,
 * AWS turns client IP preservation off by default, so Envoy would see the NLB's private address
 * (Elastic Load Balancing guide, "Edit target group attributes for your Network Load Balancer",
 * Client IP preservation). Of the two ways back, PROXY protocol is chosen over
 * `preserve_client_ip.enabled=true` because:
 * - the gateway pods keep admitting only the DMZ's security group (the load balancer), where a
 *   preserved source would make internet addresses the packets' source at the pods;
 * - AWS lists limits of preservation that PROXY protocol does not have: no NAT loopback, and
 *   connection errors when one client address and port reach a target through two NLB nodes at
 *   once (cross-zone load balancing is on here);
 * - DigitalOcean and Hetzner can only send PROXY protocol, so every cloud's Envoy reads the same.
 * Its cost: the NLB and Envoy must switch together (Envoy refuses a connection without the header),
 * which the stack does in one update, both derived from this value. In-cluster clients resolve the
 * NLB's host name (its status carries no IP for kube-proxy to short-circuit), so every connection
 * does pass the NLB and the header can be required.
 */
export const GATEWAY_CLIENT_ADDRESS: ClientAddressDelivery = { via: "proxy-protocol" };

/** The NLB's front security groups, comma-separated (controller v2.13 annotations.md). */
export const NLB_SECURITY_GROUPS = "service.beta.kubernetes.io/aws-load-balancer-security-groups";

/** The NLB of the gateway's Service, as the AWS Load Balancer Controller reads its annotations. */
export function gatewayAnnotations(
  dmzSecurityGroupId: pulumi.Input<string>,
  clientAddress: ClientAddressDelivery = GATEWAY_CLIENT_ADDRESS,
) {
  const lb = "service.beta.kubernetes.io/aws-load-balancer";
  return {
    [`${lb}-type`]: "external",
    [`${lb}-scheme`]: "internet-facing",
    // Targets are the gateway pods themselves; the NLB forwards TCP and the gateway terminates TLS
    // (TCP listeners, no certificate on the NLB).
    [`${lb}-nlb-target-type`]: "ip",
    // AWS Load Balancer Controller v2.13 annotations (docs/guide/service/annotations.md): "*" is
    // proxy protocol v2 on every target group; a preserved source is a target group attribute.
    ...(clientAddress.via === "proxy-protocol"
      ? { [`${lb}-proxy-protocol`]: "*" }
      : { [`${lb}-target-group-attributes`]: "preserve_client_ip.enabled=true" }),
    [`${lb}-ip-address-type`]: "ipv4",
    // The DMZ security group fronts the NLB (controller v2.6+; v2.13 docs/guide/service/
    // annotations.md, security-groups): 80/443 from anywhere, or from CloudFront's origin-facing
    // prefix list alone behind CloudFront (firewall.ts). With this annotation the controller adds no
    // backend rule unless told; the network component already admits the DMZ group to the gateway
    // pods, so it is told to leave every rule alone.
    [NLB_SECURITY_GROUPS]: dmzSecurityGroupId,
    [`${lb}-manage-backend-security-group-rules`]: "false",
    [`${lb}-attributes`]: "load_balancing.cross_zone.enabled=true",
  } as Record<string, pulumi.Input<string>>;
}
