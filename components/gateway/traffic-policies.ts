/**
 * The gateway's Envoy Gateway policies as resources: how clients connect (TLS, client address,
 * the edge's origin-pull CA on proxied hosts) and the per-client rate limit.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { type ClientAddressDelivery } from "../contract";
import { listenerName, type GatewayRef } from "./routes";
import {
  backendTrafficPolicySpec,
  CLIENT_CA_KEY,
  clientTrafficPolicySpec,
  DOCUMENTED_RATE_LIMIT,
  proxiedClientTrafficPolicySpec,
  type ClientRateLimit,
  type ProxiedHosts,
} from "./traffic";

export interface TrafficPoliciesArgs {
  gateway: GatewayRef;
  /** Labels of every object. */
  labels: Record<string, string>;
  /** The stack's domain, which names each host's listener. @example "example.com" */
  domain: string;
  /** Every host served, apex first. */
  hosts: string[];
  clientAddress: ClientAddressDelivery;
  proxied?: ProxiedHosts;
  /** @default DOCUMENTED_RATE_LIMIT */
  rateLimit?: ClientRateLimit;
}

/** The ClientTrafficPolicies and the rate limit of the Gateway, children of `parent`. */
export function trafficPolicies(
  name: string,
  args: TrafficPoliciesArgs,
  parent: pulumi.Resource,
  dependsOn: pulumi.Resource[],
): void {
  const { gateway, labels } = args;
  const metadata = (suffix: string) => ({
    name: `${gateway.name}-${suffix}`,
    namespace: gateway.namespace,
    labels,
  });
  const policy = (suffix: string, kind: string, meta: string, spec: object, after = dependsOn) =>
    new k8s.apiextensions.CustomResource(
      `${name}-${suffix}`,
      { apiVersion: "gateway.envoyproxy.io/v1alpha1", kind, metadata: metadata(meta), spec },
      { parent, dependsOn: after },
    );

  policy(
    "client-traffic",
    "ClientTrafficPolicy",
    "client",
    clientTrafficPolicySpec(gateway, args.clientAddress),
  );
  const proxiedListeners = args.hosts
    .filter((host) => args.proxied?.hosts.includes(host))
    .map((host) => listenerName(args.domain, host));
  if (args.proxied && proxiedListeners.length > 0) {
    // The edge's origin-pull CA, which the proxied listeners require of every client.
    const clientCa = args.proxied.clientCa
      ? new k8s.core.v1.ConfigMap(
          `${name}-edge-client-ca`,
          {
            metadata: metadata("edge-client-ca"),
            data: { [CLIENT_CA_KEY]: args.proxied.clientCa },
          },
          { parent },
        )
      : undefined;
    policy(
      "client-traffic-proxied",
      "ClientTrafficPolicy",
      "client-proxied",
      proxiedClientTrafficPolicySpec(
        gateway,
        proxiedListeners,
        args.proxied.hops,
        args.clientAddress,
        clientCa ? `${gateway.name}-edge-client-ca` : undefined,
      ),
      clientCa ? [...dependsOn, clientCa] : dependsOn,
    );
  }
  policy(
    "rate-limit",
    "BackendTrafficPolicy",
    "rate-limit",
    backendTrafficPolicySpec(gateway, args.rateLimit ?? DOCUMENTED_RATE_LIMIT),
  );
}
