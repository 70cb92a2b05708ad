/**
 * Pure planning of an app's progressive release: the tiers document's blue-green and canary flows
 * (Deployment Strategy) as an Argo Rollouts `Rollout` and its two `AnalysisTemplate`s, as plain
 * objects. Nothing here registers a resource. Field names are those of argoproj/argo-rollouts
 * pkg/apis/rollouts/v1alpha1 (types.go, analysis_types.go) at v1.9.1.
 */
import type { AppConfig } from "../../config";
import { GATEWAY_API_PLUGIN } from "./values";

export type Release = AppConfig["release"];
export type ProgressiveRelease = Exclude<Release, { strategy: "rolling" }>;

export const isProgressive = (r: Release): r is ProgressiveRelease => r.strategy !== "rolling";

/** The documents' numbers, verbatim (infrastructure-recommendations.md, Deployment Strategy). */
export const DOCUMENTED_FLOWS = {
  blueGreen: {
    /** "3. Gradually shift traffic to green (10% → 50% → 100%)" */
    weights: [10, 50, 100],
    /** "6. After 24 hours, decommission blue" */
    keepPreviousHours: 24,
  },
  canary: {
    /** "1. Deploy new version to 5% of users 2. Monitor metrics for 1 hour 3. ... 25% 4. ... 2 hours" */
    steps: [
      { weight: 5, watchMinutes: 60 },
      { weight: 25, watchMinutes: 120 },
    ],
    /** "5. If stable, increase to 100%" */
    finalWeight: 100,
  },
} as const;

/**
 * How the error rate is watched: every minute over the last five (the window of the critical 5xx
 * alert, components/monitoring/alert-rules.ts), and a second measurement above the threshold rolls
 * back, so one scrape glitch alone does not.
 */
export const ERROR_RATE_WATCH = { interval: "1m", window: "5m", failureLimit: 1 } as const;

/**
 * The smoke test's patience, after self-hosted §8.1's deployment script: up to 30 health checks,
 * 10 seconds apart, before traffic switches.
 */
export const SMOKE_TEST = { attempts: 30, delaySeconds: 10, timeoutSeconds: 10 } as const;

/** A pinned curl for the smoke test Job (curl 8.12.1, the curl project's own image; uid 100). */
export const SMOKE_TEST_IMAGE = "curlimages/curl:8.12.1";
const SMOKE_TEST_UID = 100;

/** Argument the error-rate template takes: the pod-template hash of the new version's pods. */
export const NEW_VERSION_HASH_ARG = "new-version-hash";

/** Names of the objects an app's release consists of, all in the app's namespace. */
export function releaseNames(appName: string) {
  return {
    rollout: appName,
    /** The Deployment holding the pod template the Rollout runs (workloadRef), at 0 replicas. */
    template: appName,
    stableService: `${appName}-stable`,
    canaryService: `${appName}-canary`,
    smokeTest: `${appName}-smoke-test`,
    errorRate: `${appName}-error-rate`,
  };
}

/**
 * Labels the controller puts on the pods of each side (`stableMetadata`, `canaryMetadata`), moved
 * over at promotion: the app's own Service selects the stable side with it.
 */
export const TRACK_LABEL = "platform/track";

type Step =
  | { setWeight: number }
  | { pause: { duration: string } }
  | { setCanaryScale: { weight: number } | { matchTrafficWeight: true } }
  | { analysis: { templates: { templateName: string }[] } };

/**
 * Pure: the Rollout's steps for a strategy, and the index of the first step that sends users to
 * the new version (the background error-rate analysis starts there).
 */
export function releaseSteps(
  appName: string,
  release: ProgressiveRelease,
): { steps: Step[]; firstTraffic: number } {
  const smoke: Step = {
    analysis: { templates: [{ templateName: releaseNames(appName).smokeTest }] },
  };
  const minutes = (m: number) => ({ pause: { duration: `${m}m` } });
  if (release.strategy === "blue-green") {
    const watched = DOCUMENTED_FLOWS.blueGreen.weights.flatMap((w) => [
      { setWeight: w },
      minutes(release.stepMinutes),
    ]);
    // 1. green beside blue at full size, no users yet; 2. smoke tests on green; 3-4. watched steps.
    return { steps: [{ setCanaryScale: { weight: 100 } }, smoke, ...watched], firstTraffic: 2 };
  }
  const c = DOCUMENTED_FLOWS.canary;
  return {
    steps: [
      // The smoke test needs pods before any user reaches them: as many as 5 % of traffic gets.
      { setCanaryScale: { weight: c.steps[0].weight } },
      smoke,
      { setCanaryScale: { matchTrafficWeight: true } },
      ...c.steps.flatMap((s) => [{ setWeight: s.weight }, minutes(s.watchMinutes)]),
      { setWeight: c.finalWeight },
    ],
    firstTraffic: 3,
  };
}

/** Everything the Rollout needs besides the app. */
export interface RolloutContext {
  /** Namespace of the app, its Services, the HTTPRoute and the templates. @example "platform" */
  namespace: string;
  /** The HTTPRoute the gateway serves the app with (components/gateway/routes.ts routeFor). */
  route: string;
  /** Replicas of the stable side at rest (the autoscaler's floor when there is one). */
  replicas: number;
  labels: Record<string, string>;
}

/** Pure: the app's Rollout (metadata and spec). */
export function rolloutFor(app: AppConfig & { release: ProgressiveRelease }, ctx: RolloutContext) {
  const names = releaseNames(app.name);
  const { steps, firstTraffic } = releaseSteps(app.name, app.release);
  const blueGreen = app.release.strategy === "blue-green";
  return {
    metadata: { name: names.rollout, namespace: ctx.namespace, labels: ctx.labels },
    spec: {
      replicas: ctx.replicas,
      revisionHistoryLimit: 5,
      // The pod template stays in a Deployment scaled to zero, where the policy pack, the plan
      // and the Kubernetes schema judge it like every other workload's.
      workloadRef: { apiVersion: "apps/v1", kind: "Deployment", name: names.template },
      // New pods that never become ready within ten minutes abort the release (tiers document,
      // CI/CD: automatic rollback on failed health checks).
      progressDeadlineSeconds: 600,
      progressDeadlineAbort: true,
      // Blue stays up for 24 hours after the switch, so going back to it skips every step.
      ...(blueGreen ? { rollbackWindow: { revisions: 1 } } : {}),
      strategy: {
        canary: {
          stableService: names.stableService,
          canaryService: names.canaryService,
          stableMetadata: { labels: { [TRACK_LABEL]: "stable" } },
          canaryMetadata: { labels: { [TRACK_LABEL]: "canary" } },
          trafficRouting: {
            plugins: {
              [GATEWAY_API_PLUGIN.name]: { httpRoute: ctx.route, namespace: ctx.namespace },
            },
          },
          ...(blueGreen
            ? { scaleDownDelaySeconds: DOCUMENTED_FLOWS.blueGreen.keepPreviousHours * 3600 }
            : {}),
          analysis: {
            templates: [{ templateName: names.errorRate }],
            args: [{ name: NEW_VERSION_HASH_ARG, valueFrom: { podTemplateHashValue: "Latest" } }],
            startingStep: firstTraffic,
          },
          steps,
        },
      },
    },
  };
}

/**
 * Pure: PromQL for the new version's share of 5xx responses, from the gateway's own view.
 *
 * Envoy Gateway makes one Envoy cluster per route rule (`httproute/<ns>/<name>/rule/<n>`,
 * envoyproxy/gateway v1.9.0 internal/gatewayapi/helpers.go irRouteDestinationName) with both
 * versions' endpoints in it, so cluster statistics cannot tell the versions apart. With
 * `enablePerEndpointStats` on the EnvoyProxy, Envoy exports `envoy_cluster_endpoint_rq_total` and
 * `envoy_cluster_endpoint_rq_error` (upstream 5xx, envoyproxy/envoy source/common/router/router.cc
 * chargeUpstreamCode) per endpoint address `<pod IP>:<port>`
 * (source/common/upstream/host_utility.cc forEachHostMetric). kube-state-metrics' `kube_pod_info`
 * names each pod IP's ReplicaSet (`created_by_name`), which is `<rollout>-<pod-template-hash>`.
 * An empty result (the new version answered nothing yet) judges nothing.
 */
export function errorRateQuery(args: {
  namespace: string;
  route: string;
  replicaSet: string;
  window?: string;
}): string {
  const window = args.window ?? ERROR_RATE_WATCH.window;
  const cluster = `envoy_cluster_name=~"httproute/${args.namespace}/${args.route}/rule/[0-9]+"`;
  const pods =
    `max by (pod_ip) (kube_pod_info{namespace="${args.namespace}", ` +
    `created_by_kind="ReplicaSet", created_by_name="${args.replicaSet}"})`;
  const perPod = (counter: string) =>
    `sum(label_replace(rate(${counter}{${cluster}}[${window}]), ` +
    `"pod_ip", "$1", "envoy_endpoint_address", "(.+):[0-9]+") ` +
    `* on (pod_ip) group_left () ${pods})`;
  return `${perPod("envoy_cluster_endpoint_rq_error")} / (${perPod("envoy_cluster_endpoint_rq_total")} > 0)`;
}

/** Pure: the analysis that rolls the release back when the new version's 5xx share is too high. */
export function errorRateTemplate(
  app: AppConfig & { release: ProgressiveRelease },
  ctx: { namespace: string; route: string; prometheusUrl: string; labels: Record<string, string> },
) {
  const names = releaseNames(app.name);
  const threshold = app.release.maxErrorPercent / 100;
  return {
    metadata: { name: names.errorRate, namespace: ctx.namespace, labels: ctx.labels },
    spec: {
      args: [{ name: NEW_VERSION_HASH_ARG }],
      metrics: [
        {
          name: "error-rate",
          interval: ERROR_RATE_WATCH.interval,
          failureLimit: ERROR_RATE_WATCH.failureLimit,
          // Without a success condition, a measurement succeeds unless this holds
          // (utils/evaluate/evaluate.go EvaluateResult).
          failureCondition: `len(result) > 0 && result[0] > ${threshold}`,
          provider: {
            prometheus: {
              address: ctx.prometheusUrl,
              query: errorRateQuery({
                namespace: ctx.namespace,
                route: ctx.route,
                replicaSet: `${names.rollout}-{{args.${NEW_VERSION_HASH_ARG}}}`,
              }),
            },
          },
        },
      ],
    },
  };
}

/** Pure: the URLs the smoke test GETs, on the new version's Service only. */
export function smokeTestUrls(app: AppConfig, namespace: string): string[] {
  const base = `http://${releaseNames(app.name).canaryService}.${namespace}.svc.cluster.local:${app.port}`;
  return [
    ...new Set([app.healthPath, ...(isProgressive(app.release) ? app.release.smokePaths : [])]),
  ].map((p) => `${base}${p}`);
}

/**
 * Pure: the smoke test, a Job the controller runs before users reach the new version: every URL
 * must answer 2xx within the documented patience, or the release stops and rolls back.
 */
export function smokeTestTemplate(
  app: AppConfig & { release: ProgressiveRelease },
  ctx: { namespace: string; labels: Record<string, string> },
) {
  const names = releaseNames(app.name);
  const urls = smokeTestUrls(app, ctx.namespace);
  const budget = SMOKE_TEST.attempts * (SMOKE_TEST.delaySeconds + SMOKE_TEST.timeoutSeconds);
  // Its own labels: the app's Services and disruption budget must never select the test's pod.
  const jobLabels = { ...ctx.labels, "app.kubernetes.io/name": names.smokeTest };
  return {
    metadata: { name: names.smokeTest, namespace: ctx.namespace, labels: ctx.labels },
    spec: {
      metrics: [
        {
          name: "smoke-test",
          provider: {
            job: {
              metadata: { labels: jobLabels },
              spec: {
                backoffLimit: 0,
                activeDeadlineSeconds: budget * urls.length + 60,
                ttlSecondsAfterFinished: 86400,
                template: {
                  metadata: { labels: jobLabels },
                  spec: {
                    restartPolicy: "Never",
                    automountServiceAccountToken: false,
                    securityContext: {
                      runAsNonRoot: true,
                      runAsUser: SMOKE_TEST_UID,
                      runAsGroup: SMOKE_TEST_UID,
                      seccompProfile: { type: "RuntimeDefault" },
                    },
                    containers: [
                      {
                        name: "smoke-test",
                        image: SMOKE_TEST_IMAGE,
                        // No shell: every URL is an argument of its own.
                        command: [
                          "curl",
                          "--fail",
                          "--fail-early",
                          "--globoff",
                          "--silent",
                          "--show-error",
                          "--retry",
                          String(SMOKE_TEST.attempts - 1),
                          "--retry-delay",
                          String(SMOKE_TEST.delaySeconds),
                          "--retry-all-errors",
                          "--max-time",
                          String(SMOKE_TEST.timeoutSeconds),
                          ...urls.flatMap((u) => ["--output", "/dev/null", u]),
                        ],
                        resources: {
                          requests: { cpu: "10m", memory: "16Mi" },
                          limits: { cpu: "100m", memory: "64Mi" },
                        },
                        securityContext: {
                          allowPrivilegeEscalation: false,
                          readOnlyRootFilesystem: true,
                          runAsNonRoot: true,
                          capabilities: { drop: ["ALL"] },
                          seccompProfile: { type: "RuntimeDefault" },
                        },
                      },
                    ],
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
}
