/**
 * Typed Helm values of the two charts the gateway installs, and the pinned chart coordinates.
 * Only keys we set are typed; each exists in the pinned chart version.
 */
import type { Role } from "../../config";
import { placement } from "../k8s";
import { spread } from "../apps/pod";
import { CONTROLLER_LABELS } from "./network";

/** Envoy Gateway v1.9.3 (2026-10-03). v1.9.2 is the first to keep more than 20 per-client buckets. */
export const ENVOY_GATEWAY_CHART = {
  chart: "oci://docker.io/envoyproxy/gateway-helm",
  version: "v1.9.3",
} as const;

/** cert-manager v1.21.1, the first 1.21 patch (fixes a controller panic in 1.21.0). */
export const CERT_MANAGER_CHART = {
  chart: "cert-manager",
  repo: "https://charts.jetstack.io",
  version: "v1.21.1",
} as const;

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

interface Toleration {
  key: string;
  operator: string;
  value: string;
  effect: string;
}

/** Where a pod runs: the gateway pool's selector and toleration, or anywhere. */
interface Placement {
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
}

/** gateway-helm values we set (chart README, "Values"). */
export interface EnvoyGatewayValues {
  deployment: {
    replicas: number;
    envoyGateway: { resources: Resources };
    pod: Placement & { topologySpreadConstraints: ReturnType<typeof spread> };
  };
  /** Rendered only when minAvailable ≥ 1. */
  podDisruptionBudget: { minAvailable: number };
  certgen: { job: Placement & { resources: Resources } };
}

interface CertManagerComponent extends Placement {
  replicaCount?: number;
  resources: Resources;
  podDisruptionBudget?: { enabled: boolean; minAvailable?: number };
}

/** cert-manager chart values we set (deploy/charts/cert-manager/values.yaml). */
export interface CertManagerValues extends CertManagerComponent {
  crds: { enabled: boolean; keep: boolean };
  global: { leaderElection: { namespace: string } };
  config: {
    apiVersion: "controller.config.cert-manager.io/v1alpha1";
    kind: "ControllerConfiguration";
    gatewayAPI: { enabled: boolean };
  };
  webhook: CertManagerComponent;
  cainjector: CertManagerComponent;
  startupapicheck: Placement & { resources: Resources };
}

function placed(pools: readonly Role[]): Placement {
  const p = placement("gateway", pools);
  return {
    ...(p.nodeSelector ? { nodeSelector: p.nodeSelector } : {}),
    ...(p.tolerations ? { tolerations: p.tolerations } : {}),
  };
}

const small: Resources = {
  requests: { cpu: "20m", memory: "64Mi" },
  limits: { cpu: "200m", memory: "128Mi" },
};

/** Pure: gateway-helm values. Two controllers in production (leader election keeps one active). */
export function envoyGatewayValues(
  pools: readonly Role[],
  production: boolean,
): EnvoyGatewayValues {
  return {
    deployment: {
      replicas: production ? 2 : 1,
      // Envoy Gateway v1.9 indexes EndpointSlices by default and asks for memory headroom.
      envoyGateway: {
        resources: {
          requests: { cpu: "100m", memory: "256Mi" },
          limits: { cpu: "1", memory: "1Gi" },
        },
      },
      pod: { ...placed(pools), topologySpreadConstraints: spread(CONTROLLER_LABELS) },
    },
    podDisruptionBudget: { minAvailable: production ? 1 : 0 },
    certgen: { job: { ...placed(pools), resources: small } },
  };
}

/** Pure: cert-manager values. CRDs come with the chart and stay when the release is removed. */
export function certManagerValues(
  pools: readonly Role[],
  production: boolean,
  namespace: string,
): CertManagerValues {
  const replicas = production ? 2 : 1;
  const pdb = production ? { enabled: true, minAvailable: 1 } : { enabled: false };
  // The controller, its webhook and its CA injector: each as many replicas, under one budget.
  const deployment = (resources: Resources) => ({
    replicaCount: replicas,
    podDisruptionBudget: pdb,
    resources,
    ...placed(pools),
  });
  return {
    crds: { enabled: true, keep: true },
    // Lease in our own namespace rather than kube-system, which the platform does not manage.
    global: { leaderElection: { namespace } },
    // The HTTP-01 gatewayHTTPRoute solver needs cert-manager's Gateway API support switched on.
    config: {
      apiVersion: "controller.config.cert-manager.io/v1alpha1",
      kind: "ControllerConfiguration",
      gatewayAPI: { enabled: true },
    },
    ...deployment({
      requests: { cpu: "50m", memory: "128Mi" },
      limits: { cpu: "500m", memory: "512Mi" },
    }),
    webhook: deployment(small),
    cainjector: deployment({
      requests: { cpu: "20m", memory: "128Mi" },
      limits: { cpu: "200m", memory: "512Mi" },
    }),
    startupapicheck: { resources: small, ...placed(pools) },
  };
}
