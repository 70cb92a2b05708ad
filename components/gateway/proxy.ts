/** The Envoy proxies' own configuration (an EnvoyProxy resource): replicas, pods, Service. */
import * as pulumi from "@pulumi/pulumi";
import { spread } from "../apps/pod";
import { type placement } from "../k8s";
import { PROXY_LABELS } from "./network";
import { type Resources } from "./values";

const DEFAULT_PROXY_RESOURCES: Resources = {
  requests: { cpu: "500m", memory: "512Mi" },
  limits: { cpu: "2", memory: "1Gi" },
};

/**
 * The restricted Pod Security Standard for the proxy pod's containers. Envoy Gateway applies the
 * envoy container's securityContext to its shutdown-manager sidecar too, and both write files
 * (Envoy its admin socket and log, the sidecar its drain marker), so the root filesystem stays
 * writable, as Envoy Gateway's own default leaves it. The uid is Envoy Gateway's default.
 */
const PROXY_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ["ALL"] },
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  seccompProfile: { type: "RuntimeDefault" },
};

export interface EnvoyProxyOptions {
  /** Envoy proxy replicas. @example 2 */
  replicas: number;
  /** nodeSelector and tolerations of the gateway pool, when the cluster has one. */
  pod: ReturnType<typeof placement>;
  /** Resources of each proxy. @default 500m / 512Mi requested, 2 CPU / 1Gi limit */
  resources?: Resources;
  /** Annotations for the proxies' LoadBalancer Service. */
  serviceAnnotations?: Record<string, pulumi.Input<string>>;
  /** Per-endpoint request counters. @default false */
  endpointStats?: boolean;
}

/** The EnvoyProxy spec: the proxies' Deployment, their disruption budget and their Service. */
export function envoyProxySpec(o: EnvoyProxyOptions) {
  return {
    provider: {
      type: "Kubernetes",
      kubernetes: {
        envoyDeployment: {
          replicas: o.replicas,
          pod: {
            securityContext: {
              runAsNonRoot: true,
              seccompProfile: { type: "RuntimeDefault" },
            },
            ...o.pod,
            topologySpreadConstraints: spread(PROXY_LABELS),
          },
          container: {
            resources: o.resources ?? DEFAULT_PROXY_RESOURCES,
            securityContext: PROXY_SECURITY_CONTEXT,
          },
        },
        ...(o.replicas > 1 ? { envoyPDB: { minAvailable: 1 } } : {}),
        envoyService: {
          type: "LoadBalancer",
          // Policy pack: the only LoadBalancer Service allowed carries this label.
          labels: { "platform/exposure": "gateway" },
          annotations: o.serviceAnnotations ?? {},
          // No second hop through another node's kube-proxy, which would replace the source
          // address; the load balancer's own hop is bridged as `clientAddress` says.
          externalTrafficPolicy: "Local",
        },
      },
    },
    ...(o.endpointStats ? { telemetry: { metrics: { enablePerEndpointStats: true } } } : {}),
  };
}
