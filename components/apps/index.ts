import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { AppConfig } from "../../config";
import { placement } from "../cluster";
import type { Role } from "../../config";
import { restrictedContainer, restrictedPod, spread } from "./pod";

export interface AppArgs {
  /** The app as the stack config lists it (image, port, replicas, resources, health path...). */
  app: AppConfig;
  /** Namespace the app runs in. @example "apps" */
  namespace: pulumi.Input<string>;
  /** Roles with dedicated node pools; apps are pinned to the `app` pool when there is one. */
  pools: readonly Role[];
  /** Namespace of the gateway, the only caller outside the app's namespace. @example "gateway" */
  gatewayNamespace: string;
  /** Namespace of the monitoring stack, admitted to scrape metrics. @example "monitoring" */
  monitoringNamespace: string;
  /** Extra secret environment (database and cache URLs) handed over by the data services. */
  secretEnv?: Record<string, pulumi.Input<string>>;
  /**
   * The app's own `env` came from a secret config key: it goes into the app's Secret as Pulumi
   * secrets instead of its ConfigMap. @default false
   */
  envIsSecret?: boolean;
  /** Annotations of the app's service account: the IAM role of the media bucket (AWS IRSA). */
  serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
}

/** A release track: one Deployment each. Rolling has one; blue-green two colours; canary adds one. */
export interface Track {
  track: string;
  image: string;
  /** Share of requests the gateway sends to this track, 0..100. */
  weight: number;
}

/** Pure: the tracks an app's release strategy runs and the traffic weight of each. */
export function releaseTracks(app: AppConfig): Track[] {
  const r = app.release;
  switch (r.strategy) {
    case "rolling":
      return [{ track: "stable", image: app.image, weight: 100 }];
    case "blue-green":
      return (["blue", "green"] as const)
        .filter((c) => r.images[c])
        .map((c) => ({ track: c, image: r.images[c]!, weight: c === r.activeColor ? 100 : 0 }));
    case "canary":
      return [
        { track: "stable", image: app.image, weight: 100 - r.weight },
        { track: "canary", image: r.image, weight: r.weight },
      ];
  }
}

/** Pure: the Services a gateway route sends an app's traffic to, with their weights. */
export function appBackends(app: AppConfig): { service: string; weight: number }[] {
  return releaseTracks(app).map((t) => ({ service: `${app.name}-${t.track}`, weight: t.weight }));
}

/**
 * One of the product's apps: ServiceAccount, ConfigMap, Secret, a Deployment per release track,
 * Services, HorizontalPodAutoscaler, PodDisruptionBudget and a NetworkPolicy admitting only the
 * gateway, the monitoring stack and its own namespace. Cost: the pods' requests on the app pool.
 */
export class App extends pulumi.ComponentResource {
  /** In-cluster Service name of the active track(s), for HTTPRoutes and internal callers. */
  public readonly serviceName: string;
  /** Per-track Service names and weights, for weighted HTTPRoutes (blue-green, canary). */
  public readonly backends: { service: string; weight: number }[];
  public readonly port: number;

  constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:apps:App", name, {}, opts);
    const parent = { parent: this };
    const { app } = args;
    const labels = { "app.kubernetes.io/name": app.name, "app.kubernetes.io/part-of": "platform" };
    const namespace = args.namespace;
    this.port = app.port;

    const account = new k8s.core.v1.ServiceAccount(
      `${name}-account`,
      {
        metadata: {
          name: app.name,
          namespace,
          labels,
          annotations: args.serviceAccountAnnotations,
        },
        // The IRSA webhook projects its own token; the Kubernetes API token is never needed.
        automountServiceAccountToken: false,
      },
      parent,
    );
    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: `${app.name}-config`, namespace, labels },
        data: { PORT: String(app.port), ...(args.envIsSecret ? {} : app.env) },
      },
      parent,
    );
    // Self-hosted §2.2 keeps the JWT secret out of the image and the environment file.
    const jwt = new random.RandomPassword(`${name}-jwt`, { length: 48, special: false }, parent);
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: { name: `${app.name}-secret`, namespace, labels },
        type: "Opaque",
        stringData: {
          ...(args.envIsSecret
            ? Object.fromEntries(Object.entries(app.env).map(([k, v]) => [k, pulumi.secret(v)]))
            : {}),
          JWT_SECRET: jwt.result,
          ...(args.secretEnv ?? {}),
        },
      },
      parent,
    );

    const tracks = releaseTracks(app);
    const replicas = app.autoscaling ? app.autoscaling.minReplicas : app.replicas;
    const deployments = tracks.map((t) => {
      const trackLabels = { ...labels, "platform/track": t.track };
      const pod = {
        metadata: { labels: trackLabels },
        spec: {
          serviceAccountName: account.metadata.name,
          automountServiceAccountToken: false,
          securityContext: restrictedPod(),
          ...placement("app", args.pools),
          topologySpreadConstraints: spread(trackLabels),
          containers: [
            {
              name: app.name,
              image: t.image,
              ports: [{ name: "http", containerPort: app.port }],
              envFrom: [
                { configMapRef: { name: config.metadata.name } },
                { secretRef: { name: secret.metadata.name } },
              ],
              resources: app.resources,
              securityContext: restrictedContainer,
              readinessProbe: {
                httpGet: { path: app.healthPath, port: "http" },
                periodSeconds: 10,
                failureThreshold: 3,
              },
              livenessProbe: {
                httpGet: { path: app.healthPath, port: "http" },
                periodSeconds: 20,
                failureThreshold: 3,
              },
              startupProbe: {
                httpGet: { path: app.healthPath, port: "http" },
                periodSeconds: 5,
                failureThreshold: 30,
              },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
        },
      };
      const deployment = new k8s.apps.v1.Deployment(
        `${name}-${t.track}`,
        {
          metadata: { name: `${app.name}-${t.track}`, namespace, labels: trackLabels },
          spec: {
            // An idle blue-green colour keeps one warm replica until it is removed from config.
            replicas: t.weight === 0 ? 1 : replicas,
            selector: { matchLabels: trackLabels },
            strategy: {
              type: "RollingUpdate",
              rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 },
            },
            template: pod,
          },
        },
        parent,
      );
      const service = new k8s.core.v1.Service(
        `${name}-${t.track}-service`,
        {
          metadata: { name: `${app.name}-${t.track}`, namespace, labels: trackLabels },
          spec: {
            type: "ClusterIP",
            selector: trackLabels,
            ports: [{ name: "http", port: app.port, targetPort: "http" }],
          },
        },
        parent,
      );
      return { t, deployment, service, trackLabels };
    });
    this.backends = appBackends(app);

    // The app's own Service follows the active tracks, so internal callers see the same split.
    const active = deployments.filter((d) => d.t.weight > 0);
    const selector = active.length === 1 ? active[0].trackLabels : labels;
    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: app.name, namespace, labels },
        spec: {
          type: "ClusterIP",
          selector,
          ports: [{ name: "http", port: app.port, targetPort: "http" }],
        },
      },
      parent,
    );
    this.serviceName = app.name;

    for (const d of active) {
      const target = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: d.deployment.metadata.name,
      };
      if (app.autoscaling) {
        const a = app.autoscaling;
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
          `${name}-${d.t.track}-hpa`,
          {
            metadata: { name: `${app.name}-${d.t.track}`, namespace, labels: d.trackLabels },
            spec: {
              scaleTargetRef: target,
              minReplicas: a.minReplicas,
              maxReplicas: a.maxReplicas,
              // Scaling Strategy: CPU over 70 % (config), memory over 80 %.
              metrics: [
                {
                  type: "Resource",
                  resource: {
                    name: "cpu",
                    target: { type: "Utilization", averageUtilization: a.cpuPercent },
                  },
                },
                {
                  type: "Resource",
                  resource: {
                    name: "memory",
                    target: { type: "Utilization", averageUtilization: 80 },
                  },
                },
              ],
              // Scaling Strategy: add one instance a minute, remove one every five minutes.
              behavior: {
                scaleUp: { policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
                scaleDown: {
                  stabilizationWindowSeconds: 300,
                  policies: [{ type: "Pods", value: 1, periodSeconds: 300 }],
                },
              },
            },
          },
          parent,
        );
      }
      if (replicas > 1 || app.autoscaling) {
        new k8s.policy.v1.PodDisruptionBudget(
          `${name}-${d.t.track}-pdb`,
          {
            metadata: { name: `${app.name}-${d.t.track}`, namespace, labels: d.trackLabels },
            spec: { maxUnavailable: 1, selector: { matchLabels: d.trackLabels } },
          },
          parent,
        );
      }
    }

    const fromNamespace = (ns: string) => ({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
    });
    new k8s.networking.v1.NetworkPolicy(
      `${name}-ingress`,
      {
        metadata: { name: `${app.name}-ingress`, namespace, labels },
        spec: {
          podSelector: { matchLabels: labels },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [
                fromNamespace(args.gatewayNamespace),
                fromNamespace(args.monitoringNamespace),
                { podSelector: {} },
              ],
              ports: [{ protocol: "TCP", port: app.port }],
            },
          ],
        },
      },
      parent,
    );
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
