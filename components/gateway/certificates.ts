/**
 * Let's Encrypt for the gateway: the ACME directories, a ClusterIssuer per directory whose HTTP-01
 * solver answers through the gateway, and the one certificate that covers every host.
 */
import { type placement } from "../k8s";
import { HTTP_LISTENER, listenerRef, type GatewayRef } from "./routes";

/** Let's Encrypt ACME directories. */
export const ACME_SERVERS = {
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
  production: "https://acme-v02.api.letsencrypt.org/directory",
} as const;
export type IssuerKind = keyof typeof ACME_SERVERS;
export const issuerName = (kind: IssuerKind) => `letsencrypt-${kind}`;

/**
 * The ClusterIssuer of one ACME directory. Solver pods run in the gateway namespace, beside the
 * proxies that forward the challenge, and on the gateway pool when the cluster has one (`pod`).
 */
export function clusterIssuerSpec(
  kind: IssuerKind,
  email: string,
  gateway: GatewayRef,
  pod: ReturnType<typeof placement>,
) {
  return {
    acme: {
      email,
      server: ACME_SERVERS[kind],
      privateKeySecretRef: { name: `${issuerName(kind)}-account` },
      solvers: [
        {
          http01: {
            gatewayHTTPRoute: {
              // The solver defaults to a NodePort Service; nothing needs one here.
              serviceType: "ClusterIP",
              parentRefs: [listenerRef(gateway, HTTP_LISTENER)],
              ...(pod.nodeSelector
                ? {
                    podTemplate: {
                      spec: {
                        nodeSelector: pod.nodeSelector,
                        tolerations: pod.tolerations,
                      },
                    },
                  }
                : {}),
            },
          },
        },
      ],
    },
  };
}

/** The certificate of every host the gateway serves, kept in `secretName`. */
export function certificateSpec(secretName: string, hosts: string[], issuer: IssuerKind) {
  return {
    secretName,
    dnsNames: hosts,
    issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: issuerName(issuer) },
    // Thirty days of margin: a failed renewal pages long before the tiers document's
    // "certificate expiring < 7 days" alert.
    renewBefore: "720h",
    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
  };
}
