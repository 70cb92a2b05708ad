/** The gateway's DigitalOcean load balancer, as annotations the cloud controller reads. */
import { type ClientAddressDelivery } from "../contract";

/** Annotation prefix the DigitalOcean cloud controller reads on LoadBalancer Services. */
const LB = "service.beta.kubernetes.io/do-loadbalancer";

/**
 * How the load balancer hands the gateway the client's address: PROXY protocol, DigitalOcean's
 * only way, since the load balancer opens its own connection to the node. The header is optional
 * on Envoy's side: the cloud controller reports the load balancer's IP without `ipMode: Proxy`
 * (digitalocean-cloud-controller-manager issue 811, open), so kube-proxy hands in-cluster clients
 * of that IP, such as cert-manager's HTTP-01 self-check, straight to Envoy with no header
 * (docs/controllers/services/examples/README.md, "Accessing pods over a managed load-balancer
 * from inside the cluster"). Every connection through the load balancer still carries it, and a
 * client that reaches Envoy's node port without the load balancer could write its own header
 * whether or not one is required, so letting headerless connections through trusts no one new.
 */
export const GATEWAY_CLIENT_ADDRESS: ClientAddressDelivery = {
  via: "proxy-protocol",
  optional: true,
};

/**
 * Annotations of the gateway's LoadBalancer Service. The load balancer passes TLS through (443)
 * and plain TCP (80) to the gateway: cert-manager's certificates terminate TLS there, with the
 * gateway's TLS 1.2+ policy and HSTS, so no certificate lives in DigitalOcean. The redirect to
 * HTTPS stays with the gateway's HTTP listener, not the load balancer: cert-manager answers the
 * Let's Encrypt HTTP-01 challenge on that listener, and a load-balancer redirect would send the
 * validator to port 443 before any certificate exists. PROXY protocol follows
 * GATEWAY_CLIENT_ADDRESS, as the gateway's listener does; health checks use the port the cloud
 * controller picks (the kube-proxy health port for an `externalTrafficPolicy: Local` Service).
 */
export function gatewayAnnotations(
  name: string,
  sizeUnits: number,
  clientAddress: ClientAddressDelivery = GATEWAY_CLIENT_ADDRESS,
): Record<string, string> {
  return {
    [`${LB}-name`]: name,
    [`${LB}-size-unit`]: String(sizeUnits),
    [`${LB}-protocol`]: "tcp",
    [`${LB}-tls-ports`]: "443",
    [`${LB}-tls-passthrough`]: "true",
    [`${LB}-redirect-http-to-https`]: "false",
    [`${LB}-enable-proxy-protocol`]: String(clientAddress.via === "proxy-protocol"),
    [`${LB}-disable-lets-encrypt-dns-records`]: "true",
    [`${LB}-healthcheck-check-interval-seconds`]: "10",
    [`${LB}-healthcheck-response-timeout-seconds`]: "5",
    [`${LB}-healthcheck-unhealthy-threshold`]: "3",
    [`${LB}-healthcheck-healthy-threshold`]: "3",
  };
}
