import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import {
  DOCUMENTED_ROTATION,
  rotatingPassword,
  secretChecksum,
  SECRET_CHECKSUM,
  type RotationPeriods,
} from "../kit/rotation";
import type { AppConfig } from "../../config";
import { disruptionBudget, placement, service, stringSecret } from "../k8s";
import type { Role } from "../../config";
import {
  errorRateTemplate,
  isProgressive,
  releaseNames,
  rolloutFor,
  smokeTestTemplate,
  TRACK_LABEL,
} from "../delivery/rollout";
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
  /** Plain environment the platform sets, over the app's own (the region: app-env.ts regionEnv). */
  platformEnv?: Record<string, pulumi.Input<string>>;
  /** Extra secret environment (database and cache URLs) handed over by the data services. */
  secretEnv?: Record<string, pulumi.Input<string>>;
  /**
   * The app's own `env` came from a secret config key: it goes into the app's Secret as Pulumi
   * secrets instead of its ConfigMap. @default false
   */
  envIsSecret?: boolean;
  /** How long the generated signing key lives (config `secrets.rotation`). @default 180 days */
  rotation?: RotationPeriods;
  /** Annotations of the app's service account: the IAM role of the media bucket (AWS IRSA). */
  serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
  /** The delivery controller, for a blue-green or canary release. @default undefined (rolling only) */
  delivery?: AppDelivery;
}

/** What a progressive release needs from the platform (components/delivery). */
export interface AppDelivery {
  /** The controller's chart release: the Rollout and AnalysisTemplate CRDs come with it. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
  /** Prometheus, which the error-rate analysis queries. @example monitoring.prometheusUrl */
  prometheusUrl: string;
  /** The app namespace's name, spelled out in the analysis query and the smoke test's URLs. */
  namespace: string;
}

/**
 * Pure: the Services a gateway route sends an app's traffic to, with their weights. A rolling app
 * has one; a progressive one (blue-green, canary) the controller's stable and canary Services, at
 * rest all traffic on the stable side: the controller moves the weights during a release.
 */
export function appBackends(app: AppConfig): { service: string; weight: number }[] {
  if (!isProgressive(app.release)) return [{ service: `${app.name}-stable`, weight: 100 }];
  const names = releaseNames(app.name);
  return [
    { service: names.stableService, weight: 100 },
    { service: names.canaryService, weight: 0 },
  ];
}

/** The HTTPRoute the gateway serves an app with (components/gateway/routes.ts `routeFor`). */
export const routeNameOf = (app: Pick<AppConfig, "name">) => app.name;

/**
 * One of the product's apps: ServiceAccount, ConfigMap, Secret, its pods (a Deployment, or for a
 * blue-green or canary release an Argo Rollouts `Rollout` running the pod template of a Deployment
 * kept at zero, with its smoke-test and error-rate analyses), Services, HorizontalPodAutoscaler,
 * PodDisruptionBudget and a NetworkPolicy admitting only the gateway, the monitoring stack and its
 * own namespace. Cost: the pods' requests on the app pool; during a release, the new version's
 * pods beside the old (blue-green: all of them, for 24 hours after the switch).
 */
export class App extends pulumi.ComponentResource {
  /** In-cluster Service name of the released version, for internal callers. */
  public readonly serviceName: string;
  /** Services the gateway's HTTPRoute sends to, and their weights at rest (`appBackends`). */
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
        data: {
          PORT: String(app.port),
          ...(args.envIsSecret ? {} : app.env),
          ...(args.platformEnv ?? {}),
        },
      },
      parent,
    );
    // Self-hosted §2.2 keeps the JWT secret out of the image and the environment file.
    const jwt = rotatingPassword(
      `${name}-jwt`,
      { kind: "apiKey", periods: args.rotation ?? DOCUMENTED_ROTATION, length: 48 },
      parent,
    );
    const secretData = {
      ...(args.envIsSecret
        ? Object.fromEntries(Object.entries(app.env).map(([k, v]) => [k, pulumi.secret(v)]))
        : {}),
      JWT_SECRET: jwt.result,
      ...(args.secretEnv ?? {}),
    };
    const secret = stringSecret(
      `${name}-secret`,
      { name: `${app.name}-secret`, namespace, labels, stringData: secretData },
      parent,
    );
    // The env is read at start: a rotated key or data-service password rolls the pods.
    const secretSum = secretChecksum(secretData);

    const replicas = app.autoscaling ? app.autoscaling.minReplicas : app.replicas;
    /** The pod every version of the app runs; `podLabels` select it. */
    const podTemplate = (podLabels: Record<string, string>) => ({
      metadata: { labels: podLabels, annotations: { [SECRET_CHECKSUM]: secretSum } },
      spec: {
        serviceAccountName: account.metadata.name,
        automountServiceAccountToken: false,
        securityContext: restrictedPod(),
        ...placement("app", args.pools),
        topologySpreadConstraints: spread(podLabels),
        containers: [
          {
            name: app.name,
            image: app.image,
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
    });
    const appService = (resource: string, serviceName: string, selector: Record<string, string>) =>
      service(
        resource,
        {
          name: serviceName,
          namespace,
          labels,
          selector,
          ports: [{ name: "http", port: app.port, targetPort: "http" }],
        },
        parent,
      );

    // What scales and what a disruption budget keeps: the Deployment, or the Rollout.
    let target: { apiVersion: string; kind: string; name: string };
    let podLabels: Record<string, string>;
    let scaled: string;
    if (!isProgressive(app.release)) {
      // Rolling: one Deployment that replaces its pods a quarter at a time, never below its size.
      podLabels = { ...labels, [TRACK_LABEL]: "stable" };
      new k8s.apps.v1.Deployment(
        `${name}-stable`,
        {
          metadata: { name: `${app.name}-stable`, namespace, labels: podLabels },
          spec: {
            replicas,
            selector: { matchLabels: podLabels },
            strategy: {
              type: "RollingUpdate",
              rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 },
            },
            template: podTemplate(podLabels),
          },
        },
        parent,
      );
      appService(`${name}-stable-service`, `${app.name}-stable`, podLabels);
      appService(`${name}-service`, app.name, podLabels);
      target = { apiVersion: "apps/v1", kind: "Deployment", name: `${app.name}-stable` };
      scaled = `${name}-stable`;
    } else {
      // Blue-green or canary: the controller runs the pod template of a Deployment kept at zero.
      if (!args.delivery)
        throw new pulumi.RunError(
          `app ${app.name}: a ${app.release.strategy} release needs the delivery controller`,
        );
      const release = { ...app, release: app.release };
      const names = releaseNames(app.name);
      podLabels = labels;
      new k8s.apps.v1.Deployment(
        `${name}-template`,
        {
          metadata: { name: names.template, namespace, labels },
          spec: { replicas: 0, selector: { matchLabels: labels }, template: podTemplate(labels) },
        },
        parent,
      );
      // The controller adds each side's pod-template hash to these selectors.
      appService(`${name}-stable-service`, names.stableService, labels);
      appService(`${name}-canary-service`, names.canaryService, labels);
      // Internal callers stay on the released version: the controller labels its pods stable.
      appService(`${name}-service`, app.name, { ...labels, [TRACK_LABEL]: "stable" });
      const crds = { ...parent, dependsOn: args.delivery.dependsOn };
      new k8s.apiextensions.CustomResource(
        `${name}-smoke-test`,
        {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "AnalysisTemplate",
          ...smokeTestTemplate(release, { namespace: args.delivery.namespace, labels }),
        },
        crds,
      );
      const errorRate = new k8s.apiextensions.CustomResource(
        `${name}-error-rate`,
        {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "AnalysisTemplate",
          ...errorRateTemplate(release, {
            namespace: args.delivery.namespace,
            route: routeNameOf(app),
            prometheusUrl: args.delivery.prometheusUrl,
            labels,
          }),
        },
        crds,
      );
      new k8s.apiextensions.CustomResource(
        `${name}-rollout`,
        {
          apiVersion: "argoproj.io/v1alpha1",
          kind: "Rollout",
          ...rolloutFor(release, {
            namespace: args.delivery.namespace,
            route: routeNameOf(app),
            replicas,
            labels,
          }),
        },
        { ...crds, dependsOn: [...args.delivery.dependsOn, errorRate] },
      );
      target = { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: names.rollout };
      scaled = name;
    }
    this.backends = appBackends(app);
    this.serviceName = app.name;

    if (app.autoscaling) {
      const a = app.autoscaling;
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${scaled}-hpa`,
        {
          metadata: { name: target.name, namespace, labels: podLabels },
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
      disruptionBudget(
        `${scaled}-pdb`,
        { name: target.name, namespace, labels: podLabels },
        parent,
      );
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
