/**
 * The progressive-delivery controller: Argo Rollouts with its Gateway API traffic-router plugin,
 * pinned, and the typed Helm values we set. Only keys we set are typed; each exists in the pinned
 * chart's values.yaml (argoproj/argo-helm, charts/argo-rollouts at argo-rollouts-2.41.0).
 */
import type { Role } from "../../config";
import { placement } from "../k8s";
import { restrictedContainer, spread } from "../apps/pod";
import type { Resources } from "../gateway/values";

/**
 * Chart argo-rollouts 2.41.0 (2026-06-05) ships controller v1.9.0; the image is pinned to v1.9.1
 * (2026-07-06), the patch release with the fix for CVE-2026-35469 and the traffic-routing fix that
 * waits for the canary's replicas before the first weight (argoproj/argo-rollouts v1.9.0..v1.9.1).
 * Its CRDs are unchanged between the two tags (manifests/crds).
 */
export const ARGO_ROLLOUTS_CHART = {
  chart: "argo-rollouts",
  repo: "https://argoproj.github.io/argo-helm",
  version: "2.41.0",
} as const;
export const ARGO_ROLLOUTS_IMAGE = {
  registry: "quay.io",
  repository: "argoproj/argo-rollouts",
  tag: "v1.9.1",
};

/**
 * The Gateway API traffic router, from its multi-arch release image
 * (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi v0.15.0, Dockerfile: the binary at
 * /bin/rollouts-plugin-trafficrouter-gatewayapi, USER 999). An init container copies it into the
 * pod, so the controller never downloads code at start-up (the plugin's installation guide,
 * "Installing the plugin via init containers").
 */
export const GATEWAY_API_PLUGIN = {
  /** Name the Rollout's `trafficRouting.plugins` key uses (the plugin's README). */
  name: "argoproj-labs/gatewayAPI",
  image: "ghcr.io/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi:v0.15.0",
  binary: "/bin/rollouts-plugin-trafficrouter-gatewayapi",
  mountPath: "/plugins",
  uid: 999,
} as const;

/** Release name; the chart names its workloads and labels its pods after it. */
export const ARGO_ROLLOUTS_RELEASE = "argo-rollouts";
/** Labels of the controller's pods (templates/_helpers.tpl selectorLabels + the component). */
export const CONTROLLER_LABELS = {
  "app.kubernetes.io/name": "argo-rollouts",
  "app.kubernetes.io/instance": ARGO_ROLLOUTS_RELEASE,
  "app.kubernetes.io/component": "rollouts-controller",
};
/** The controller's Prometheus port (values.yaml controller.containerPorts.metrics). */
export const CONTROLLER_METRICS_PORT = 8090;

const CONTROLLER_RESOURCES: Resources = {
  requests: { cpu: "50m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
};
const PLUGIN_COPY_RESOURCES: Resources = {
  requests: { cpu: "10m", memory: "32Mi" },
  limits: { cpu: "100m", memory: "64Mi" },
};

interface Placement {
  nodeSelector?: Record<string, string>;
  tolerations?: { key: string; operator: string; value: string; effect: string }[];
}

/** argo-rollouts chart values we set (charts/argo-rollouts/values.yaml at 2.41.0). */
export interface ArgoRolloutsValues {
  installCRDs: boolean;
  keepCRDs: boolean;
  controller: Placement & {
    replicas: number;
    image: typeof ARGO_ROLLOUTS_IMAGE;
    resources: Resources;
    topologySpreadConstraints: ReturnType<typeof spread>;
    pdb: { enabled: boolean; minAvailable: number | null; maxUnavailable: number | null };
    initContainers: Record<string, unknown>[];
    volumes: Record<string, unknown>[];
    volumeMounts: Record<string, unknown>[];
    trafficRouterPlugins: { name: string; location: string }[];
    metrics: { enabled: boolean; serviceMonitor: { enabled: boolean } };
  };
  podSecurityContext: Record<string, unknown>;
  containerSecurityContext: typeof restrictedContainer;
  providerRBAC: { enabled: boolean; providers: Record<string, boolean> };
  dashboard: { enabled: boolean };
}

/**
 * Pure: the controller's values. Two replicas in production (the chart passes --leader-elect when
 * there are more than one, so one acts and the other waits), a disruption budget keeping one, on
 * the management pool (the documents' monitoring tier) when there is one.
 */
export function argoRolloutsValues(
  pools: readonly Role[],
  production: boolean,
): ArgoRolloutsValues {
  const p = placement("monitoring", pools);
  const replicas = production ? 2 : 1;
  const plugin = `${GATEWAY_API_PLUGIN.mountPath}/${GATEWAY_API_PLUGIN.binary.split("/").pop()}`;
  return {
    installCRDs: true,
    keepCRDs: true,
    controller: {
      replicas,
      image: ARGO_ROLLOUTS_IMAGE,
      resources: CONTROLLER_RESOURCES,
      ...(p.nodeSelector ? { nodeSelector: p.nodeSelector } : {}),
      ...(p.tolerations ? { tolerations: p.tolerations } : {}),
      topologySpreadConstraints: spread(CONTROLLER_LABELS),
      // The chart renders minAvailable when set and maxUnavailable otherwise (templates/controller/
      // poddisruptionbudget.yaml): one of the two, the other null.
      pdb: { enabled: replicas > 1, minAvailable: 1, maxUnavailable: null },
      initContainers: [
        {
          name: "gateway-api-plugin",
          image: GATEWAY_API_PLUGIN.image,
          command: ["cp", GATEWAY_API_PLUGIN.binary, `${GATEWAY_API_PLUGIN.mountPath}/`],
          resources: PLUGIN_COPY_RESOURCES,
          securityContext: {
            ...restrictedContainer,
            runAsUser: GATEWAY_API_PLUGIN.uid,
            runAsGroup: GATEWAY_API_PLUGIN.uid,
          },
          volumeMounts: [{ name: "gateway-api-plugin", mountPath: GATEWAY_API_PLUGIN.mountPath }],
        },
      ],
      volumes: [{ name: "gateway-api-plugin", emptyDir: { sizeLimit: "128Mi" } }],
      volumeMounts: [{ name: "gateway-api-plugin", mountPath: GATEWAY_API_PLUGIN.mountPath }],
      trafficRouterPlugins: [{ name: GATEWAY_API_PLUGIN.name, location: `file://${plugin}` }],
      // rollout_info, analysis_run_metric_phase...: what a failed release looks like in Prometheus.
      metrics: { enabled: true, serviceMonitor: { enabled: true } },
    },
    // The image runs as user 999 (argo-rollouts Dockerfile); restricted Pod Security needs the
    // seccomp profile on the pod or every container.
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: 999,
      runAsGroup: 999,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containerSecurityContext: restrictedContainer,
    // Only the Gateway API routes: no rights on other meshes' and ingresses' objects.
    providerRBAC: {
      enabled: true,
      providers: {
        istio: false,
        smi: false,
        ambassador: false,
        awsLoadBalancerController: false,
        awsAppMesh: false,
        traefik: false,
        apisix: false,
        contour: false,
        glooPlatform: false,
        gatewayAPI: true,
      },
    },
    dashboard: { enabled: false },
  };
}
