/**
 * Blue-green and canary releases as the tiers document describes them (Deployment Strategy), run by
 * Argo Rollouts and its Gateway API plugin: the documented steps, watch windows, thresholds and
 * rollback in each Rollout; the HTTPRoute the controller moves is the one the gateway serves; the
 * error-rate query reads series the stack produces, checked on the real `promtool`; stacks whose
 * apps all roll register none of it.
 */
import * as fs from "fs";
import * as path from "path";
import { parser } from "@prometheus-io/lezer-promql";
import { stringify } from "yaml";
import { ConfigError, parseStackConfig } from "../../config";
import {
  argoRolloutsValues,
  ARGO_ROLLOUTS_CHART,
  CONTROLLER_LABELS,
  DOCUMENTED_FLOWS,
  errorRateQuery,
  errorRateTemplate,
  GATEWAY_API_PLUGIN,
  NEW_VERSION_HASH_ARG,
  releaseNames,
  releaseSteps,
  rolloutFor,
  smokeTestTemplate,
  type ProgressiveRelease,
} from "../../components/delivery";
import { stackWorkloads, vendoredChartDefaults } from "../../plan/workloads";
import { recordVariants, type RecordedResource } from "../helpers/recorded";
import { makeTempDir, removeDir, requireProgram, run } from "../helpers/real-programs";
import { shippedStacks } from "../../plan/stack";
import { rawStack } from "../helpers/stacks";

const ROOT = path.resolve(__dirname, "../..");
const SHIPPED = shippedStacks();
/** The one shipped stack whose apps release progressively: the three-service product, large tier. */
const PROGRESSIVE_STACK = "production-large";

const T = {
  rollout: "kubernetes:argoproj.io/v1alpha1:Rollout",
  analysis: "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate",
  route: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  release: "kubernetes:helm.sh/v3:Release",
  envoyProxy: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
  podMonitor: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
  netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
};

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}
const stack = (release: unknown, extra: Record<string, unknown> = {}) => ({
  provider: "existing",
  tier: "large",
  region: "x",
  domain: "example.test",
  apps: [{ name: "web", image: "registry.example.com/web:2.0.0", port: 3000, release, ...extra }],
});
const appWith = (release: unknown) => parseStackConfig(stack(release)).apps[0];
type Progressive = ReturnType<typeof appWith> & { release: ProgressiveRelease };
const progressiveApp = (release: unknown) => appWith(release) as Progressive;

const weightsOf = (steps: object[]) =>
  steps.flatMap((s: any) => (s.setWeight === undefined ? [] : [s.setWeight]));
/** Each traffic step and the minutes it is watched before the next (the pause right after it). */
const watched = (steps: object[]) =>
  steps.flatMap((s: any, i) =>
    s.setWeight === undefined
      ? []
      : [[s.setWeight, (steps[i + 1] as any)?.pause?.duration ?? null] as const],
  );

describe("the documented flows", () => {
  it("blue-green: green at full size beside blue, smoke tests on green, then 10 % -> 50 % -> 100 %", () => {
    const app = progressiveApp({ strategy: "blue-green" });
    const { steps, firstTraffic } = releaseSteps(app.name, app.release);
    expect(steps[0]).toEqual({ setCanaryScale: { weight: 100 } });
    expect((steps[1] as any).analysis.templates).toEqual([
      { templateName: releaseNames("web").smokeTest },
    ]);
    expect(weightsOf(steps)).toEqual([10, 50, 100]);
    expect(weightsOf(steps)).toEqual([...DOCUMENTED_FLOWS.blueGreen.weights]);
    // Every step, the last one too, is watched before the next.
    expect(watched(steps)).toEqual([
      [10, "10m"],
      [50, "10m"],
      [100, "10m"],
    ]);
    expect((steps[firstTraffic] as any).setWeight).toBe(10);
  });

  it("blue-green: blue stays up 24 hours after the switch, and going back to it skips the steps", () => {
    const app = progressiveApp({ strategy: "blue-green", stepMinutes: 30 });
    const r = rolloutFor(app, { namespace: "apps", route: "web", replicas: 3, labels: {} });
    expect(r.spec.strategy.canary.scaleDownDelaySeconds).toBe(24 * 3600);
    expect(r.spec.rollbackWindow).toEqual({ revisions: 1 });
    expect(watched(r.spec.strategy.canary.steps).map(([, d]) => d)).toEqual(["30m", "30m", "30m"]);
  });

  it("canary: 5 % watched for 1 hour, 25 % for 2 hours, then 100 %", () => {
    const app = progressiveApp({ strategy: "canary" });
    const { steps, firstTraffic } = releaseSteps(app.name, app.release);
    expect(watched(steps)).toEqual([
      [5, "60m"],
      [25, "120m"],
      [100, null],
    ]);
    expect((steps[firstTraffic] as any).setWeight).toBe(5);
    // The smoke test runs on pods sized for 5 % before any user reaches them; afterwards the
    // canary's size follows its traffic, so 25 % of users meet 25 % of the pods.
    const smokeAt = steps.findIndex((s: any) => s.analysis);
    expect(steps[smokeAt - 1]).toEqual({ setCanaryScale: { weight: 5 } });
    expect(smokeAt).toBeLessThan(firstTraffic);
    expect(steps.slice(smokeAt + 1, firstTraffic)).toEqual([
      { setCanaryScale: { matchTrafficWeight: true } },
    ]);
    const r = rolloutFor(app, { namespace: "apps", route: "web", replicas: 3, labels: {} });
    expect(r.spec.strategy.canary.scaleDownDelaySeconds).toBeUndefined();
  });

  it.each(["blue-green", "canary"])(
    "%s: the error rate is watched from the first step users see, every minute, and rolls back on a second breach",
    (strategy) => {
      const app = progressiveApp({ strategy, maxErrorPercent: 2 });
      const r = rolloutFor(app, { namespace: "apps", route: "web", replicas: 3, labels: {} });
      const canary = r.spec.strategy.canary;
      const { firstTraffic } = releaseSteps(app.name, app.release);
      expect(canary.analysis.startingStep).toBe(firstTraffic);
      expect(canary.analysis.templates).toEqual([{ templateName: releaseNames("web").errorRate }]);
      expect(canary.analysis.args).toEqual([
        { name: NEW_VERSION_HASH_ARG, valueFrom: { podTemplateHashValue: "Latest" } },
      ]);
      const metric = errorRateTemplate(app, {
        namespace: "apps",
        route: "web",
        prometheusUrl: "http://prometheus:9090",
        labels: {},
      }).spec.metrics[0];
      expect(metric.interval).toBe("1m");
      expect(metric.failureLimit).toBe(1);
      expect(metric.failureCondition).toBe("len(result) > 0 && result[0] > 0.02");
      expect((metric as any).successCondition).toBeUndefined();
      // New pods that never become ready abort the release too (automatic rollback on failed
      // health checks, tiers document CI/CD).
      expect(r.spec.progressDeadlineAbort).toBe(true);
    },
  );

  it("the smoke test GETs the health path and the listed paths on the new version only, with self-hosted §8.1's patience", () => {
    const app = progressiveApp({ strategy: "canary", smokePaths: ["/", "/api/health"] });
    const job = smokeTestTemplate(app, { namespace: "apps", labels: {} }).spec.metrics[0].provider
      .job;
    const cmd: string[] = job.spec.template.spec.containers[0].command;
    const urls = cmd.filter((a) => a.startsWith("http://"));
    expect(urls).toEqual([
      "http://web-canary.apps.svc.cluster.local:3000/health",
      "http://web-canary.apps.svc.cluster.local:3000/",
      "http://web-canary.apps.svc.cluster.local:3000/api/health",
    ]);
    // Thirty tries ten seconds apart, and any non-2xx answer fails the test.
    expect(cmd[cmd.indexOf("--retry") + 1]).toBe("29");
    expect(cmd[cmd.indexOf("--retry-delay") + 1]).toBe("10");
    expect(cmd).toEqual(expect.arrayContaining(["--fail", "--fail-early"]));
    expect(job.spec.backoffLimit).toBe(0);
  });

  it("passes the controller's own checks of a Rollout (argo-rollouts v1.9.1 pkg/apis/rollouts/validation)", () => {
    for (const strategy of ["blue-green", "canary"]) {
      const app = progressiveApp({ strategy });
      const r = rolloutFor(app, { namespace: "apps", route: "web", replicas: 3, labels: {} });
      const c = r.spec.strategy.canary as any;
      const kinds = ["setWeight", "pause", "analysis", "setCanaryScale", "experiment", "plugin"];
      for (const step of c.steps) {
        // hasMultipleStepsType and InvalidStepMessage: exactly one kind per step.
        expect(Object.keys(step).filter((k) => kinds.includes(k))).toHaveLength(1);
        if (step.setWeight !== undefined) {
          expect(step.setWeight).toBeGreaterThanOrEqual(0);
          expect(step.setWeight).toBeLessThanOrEqual(100);
        }
        if (step.pause) expect(step.pause.duration).toMatch(/^\d+(s|m|h)$/);
      }
      // setCanaryScale and scaleDownDelaySeconds need traffic routing; a workloadRef Rollout
      // carries no template of its own, and the services a traffic router needs are named.
      expect(c.trafficRouting.plugins[GATEWAY_API_PLUGIN.name]).toBeDefined();
      expect(c.stableService).not.toBe(c.canaryService);
      expect((r.spec as any).template).toBeUndefined();
      expect((r.spec as any).selector).toBeUndefined();
    }
  });
});

describe("stack config", () => {
  it("fills the documented defaults: 5 % of 5xx rolls back, blue-green steps watched 10 minutes", () => {
    expect(appWith({ strategy: "blue-green" }).release).toEqual({
      strategy: "blue-green",
      smokePaths: [],
      maxErrorPercent: 5,
      stepMinutes: 10,
    });
    expect(appWith({ strategy: "canary" }).release).toEqual({
      strategy: "canary",
      smokePaths: [],
      maxErrorPercent: 5,
    });
    expect(appWith(undefined).release).toEqual({ strategy: "rolling" });
  });

  it("refuses the retired hand-switched weights, naming each key", () => {
    expect(
      problems(
        stack({ strategy: "blue-green", activeColor: "green", images: { green: "r/w:1.0.0" } }),
      ),
    ).toEqual([
      "platform:apps[0].release.activeColor: is not a known key (see README, Stack config)",
      "platform:apps[0].release.images: is not a known key (see README, Stack config)",
    ]);
    expect(problems(stack({ strategy: "canary", image: "r/w:1.0.0", weight: 5 }))).toHaveLength(2);
  });

  it("refuses a progressive release for an app without a route, and a smoke path that is no path", () => {
    expect(problems(stack({ strategy: "canary" }, { public: false }))).toEqual([
      `platform:apps[0].release.strategy: must be rolling when public is false: the gateway's route is what moves a release's traffic (got "canary")`,
    ]);
    const bad = problems(stack({ strategy: "canary", smokePaths: ["health"] }));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^platform:apps\[0\]\.release\.smokePaths\[0\]: /);
  });
});

describe("the controller", () => {
  const prod = argoRolloutsValues(["app", "monitoring"], true);

  it("runs two controllers with a disruption budget keeping one, on the management pool, in production", () => {
    expect(prod.controller.replicas).toBe(2);
    expect(prod.controller.pdb).toEqual({ enabled: true, minAvailable: 1, maxUnavailable: null });
    expect(prod.controller.nodeSelector).toEqual({ "platform/role": "monitoring" });
    const dev = argoRolloutsValues([], false);
    expect(dev.controller.replicas).toBe(1);
    expect(dev.controller.pdb.enabled).toBe(false);
  });

  it("loads the Gateway API plugin from a pinned image in the pod, never by download at start-up", () => {
    const [plugin] = prod.controller.trafficRouterPlugins;
    expect(plugin.name).toBe(GATEWAY_API_PLUGIN.name);
    expect(plugin.location).toMatch(/^file:\/\//);
    const init = prod.controller.initContainers[0] as any;
    expect(init.image).toMatch(/:v\d+\.\d+\.\d+$/);
    expect(plugin.location).toBe(
      `file://${init.volumeMounts[0].mountPath}/${init.command[1].split("/").pop()}`,
    );
    expect(prod.controller.image.tag).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  it("sets requests and limits and the restricted security context on every container", () => {
    const containers = [
      { resources: prod.controller.resources, securityContext: prod.containerSecurityContext },
      ...(prod.controller.initContainers as any[]),
    ];
    for (const c of containers) {
      expect(Object.keys(c.resources.requests).sort()).toEqual(["cpu", "memory"]);
      expect(Object.keys(c.resources.limits).sort()).toEqual(["cpu", "memory"]);
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
    }
    expect(prod.podSecurityContext).toMatchObject({ runAsNonRoot: true });
  });

  it("holds rights on Gateway API routes only, of all the traffic providers", () => {
    const on = Object.entries(prod.providerRBAC.providers).filter(([, v]) => v);
    expect(on).toEqual([["gatewayAPI", true]]);
  });
});

describe("the error-rate query", () => {
  const query = errorRateQuery({ namespace: "apps", route: "web", replicaSet: "web-7c9f8b6d5" });

  /** Metric names of every selector, from Prometheus' own grammar. */
  function metricsOf(expr: string): string[] {
    const tree = parser.parse(expr);
    const names = new Set<string>();
    const cursor = tree.cursor();
    do {
      if (cursor.type.isError) throw new Error(`syntax error at ${cursor.from}`);
      if (cursor.name !== "VectorSelector") continue;
      const id = cursor.node.getChild("Identifier");
      if (id) names.add(expr.slice(id.from, id.to));
    } while (cursor.next());
    return [...names].sort();
  }

  it("reads only Envoy's per-endpoint counters and kube-state-metrics' pod info", () => {
    expect(metricsOf(query)).toEqual([
      "envoy_cluster_endpoint_rq_error",
      "envoy_cluster_endpoint_rq_total",
      "kube_pod_info",
    ]);
  });

  describe("on the real promtool", () => {
    const promtool = requireProgram("promtool", "prometheus");
    let work: string | undefined;
    beforeAll(() => {
      work = makeTempDir("delivery-promql-");
      fs.writeFileSync(path.join(work, "empty.yml"), "groups: []\n");
    });
    afterAll(() => work && removeDir(work));

    /** Counter series growing by `perMinute` from 0, 15 samples a minute apart. */
    const counter = (name: string, labels: Record<string, string>, perMinute: number) => ({
      series: `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",")}}`,
      values: `0+${perMinute}x15`,
    });
    const endpoint = (ip: string, rule: number, proxy: string) => ({
      envoy_cluster_name: `httproute/apps/web/rule/${rule}`,
      envoy_endpoint_address: `${ip}:3000`,
      pod: proxy,
    });
    const pod = (ip: string, rs: string) => ({
      series: `kube_pod_info{namespace="apps",pod="${rs}-x${ip.slice(-1)}",pod_ip="${ip}",created_by_kind="ReplicaSet",created_by_name="${rs}"}`,
      values: "1x15",
    });

    async function evaluate(series: object[], expr: string, expected: object[]) {
      const file = path.join(work!, `test-${Math.random().toString(36).slice(2)}.yml`);
      fs.writeFileSync(
        file,
        stringify({
          rule_files: ["empty.yml"],
          evaluation_interval: "1m",
          tests: [
            {
              interval: "1m",
              input_series: series,
              promql_expr_test: [{ expr, eval_time: "10m", exp_samples: expected }],
            },
          ],
        }),
      );
      return run(promtool, ["test", "rules", file], { cwd: work, timeoutMs: 15000 });
    }

    const traffic = [
      // The old version (stable ReplicaSet): two pods, 100 requests a minute each, 20 of them 5xx.
      ...["10.0.0.1", "10.0.0.2"].flatMap((ip) => [
        counter("envoy_cluster_endpoint_rq_total", endpoint(ip, 0, "envoy-a"), 100),
        counter("envoy_cluster_endpoint_rq_error", endpoint(ip, 0, "envoy-a"), 20),
      ]),
      // The new version: one pod behind two rules and two proxies, 4 % of its answers 5xx.
      ...[0, 1].flatMap((rule) =>
        ["envoy-a", "envoy-b"].flatMap((proxy) => [
          counter("envoy_cluster_endpoint_rq_total", endpoint("10.0.0.9", rule, proxy), 50),
          counter("envoy_cluster_endpoint_rq_error", endpoint("10.0.0.9", rule, proxy), 2),
        ]),
      ),
      // Another route's endpoint on the new pod's address must not count.
      counter(
        "envoy_cluster_endpoint_rq_error",
        { ...endpoint("10.0.0.9", 0, "envoy-a"), envoy_cluster_name: "httproute/apps/api/rule/0" },
        50,
      ),
      pod("10.0.0.1", "web-5d8c7b9f4"),
      pod("10.0.0.2", "web-5d8c7b9f4"),
      pod("10.0.0.9", "web-7c9f8b6d5"),
    ];

    it("gives the new version's own 5xx share, whatever the old version and other routes answer", async () => {
      const r = await evaluate(traffic, query, [{ labels: "{}", value: 0.04 }]);
      if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.stdout}\n${r.stderr}`);
      expect(r.code).toBe(0);
    });

    it("gives the old version's share for the old version's ReplicaSet (the same query, another hash)", async () => {
      const old = errorRateQuery({ namespace: "apps", route: "web", replicaSet: "web-5d8c7b9f4" });
      const r = await evaluate(traffic, old, [{ labels: "{}", value: 0.2 }]);
      if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.stdout}\n${r.stderr}`);
      expect(r.code).toBe(0);
    });

    it("is empty while the new version has answered nothing, which judges nothing", async () => {
      const idle = traffic.filter((s: any) => !s.series.includes("10.0.0.9:3000"));
      const r = await evaluate(idle, query, []);
      if (r.code !== 0) throw new Error(`promtool test rules failed:\n${r.stdout}\n${r.stderr}`);
      expect(r.code).toBe(0);
    });
  });
});

describe("shipped stacks", () => {
  let recorded: Map<string, RecordedResource[]>;
  beforeAll(async () => {
    recorded = await recordVariants(SHIPPED.map((s) => ({ label: s, stack: s })));
  }, 600_000);
  const of = (label: string, type: string) => recorded.get(label)!.filter((r) => r.type === type);
  const named = (label: string, type: string, name: string, namespace?: string) =>
    of(label, type).find(
      (r) =>
        r.inputs.metadata?.name === name &&
        (namespace === undefined || r.inputs.metadata?.namespace === namespace),
    );

  it("production-large releases the web front end blue-green and the GraphQL engine as a canary", () => {
    const strategies = Object.fromEntries(
      of(PROGRESSIVE_STACK, T.rollout).map((r) => [
        r.inputs.metadata.name,
        r.inputs.spec.strategy.canary.scaleDownDelaySeconds === 24 * 3600 ? "blue-green" : "canary",
      ]),
    );
    expect(strategies).toEqual({ web: "blue-green", graphql: "canary" });
  });

  it("each Rollout moves the weights of the HTTPRoute the gateway serves the app with", () => {
    const rollouts = of(PROGRESSIVE_STACK, T.rollout);
    expect(rollouts.length).toBeGreaterThan(0);
    const [gateway] = of(PROGRESSIVE_STACK, T.gateway);
    for (const r of rollouts) {
      const c = r.inputs.spec.strategy.canary;
      const target = c.trafficRouting.plugins[GATEWAY_API_PLUGIN.name];
      const route = named(PROGRESSIVE_STACK, T.route, target.httpRoute, target.namespace);
      expect(route).toBeDefined();
      expect(route!.inputs.metadata.namespace).toBe(r.inputs.metadata.namespace);
      expect(route!.inputs.spec.parentRefs[0]).toMatchObject({
        kind: "Gateway",
        name: gateway.inputs.metadata.name,
        namespace: gateway.inputs.metadata.namespace,
      });
      const port = named(PROGRESSIVE_STACK, T.service, c.stableService)!.inputs.spec.ports[0].port;
      // The plugin sets the weight of these two backends on every rule (setHTTPRouteWeight):
      // every rule must carry both, the stable side with all traffic at rest.
      for (const rule of route!.inputs.spec.rules)
        expect(rule.backendRefs.map((b: any) => [b.name, b.weight, b.port])).toEqual([
          [c.stableService, 100, port],
          [c.canaryService, 0, port],
        ]);
    }
  });

  it("each Rollout's Deployment, Services, analyses and autoscaler are registered beside it", () => {
    const prometheus = "http://prometheus-stack-prometheus.monitoring.svc.cluster.local:9090";
    for (const r of of(PROGRESSIVE_STACK, T.rollout)) {
      const ns = r.inputs.metadata.namespace;
      const spec = r.inputs.spec;
      const d = named(PROGRESSIVE_STACK, T.deployment, spec.workloadRef.name, ns)!;
      expect(d.inputs.spec.replicas).toBe(0);
      for (const s of [spec.strategy.canary.stableService, spec.strategy.canary.canaryService])
        expect(named(PROGRESSIVE_STACK, T.service, s, ns)!.inputs.spec.selector).toEqual(
          d.inputs.spec.template.metadata.labels,
        );
      const templates = [
        ...spec.strategy.canary.analysis.templates,
        ...spec.strategy.canary.steps.flatMap((s: any) => s.analysis?.templates ?? []),
      ].map((t: any) => named(PROGRESSIVE_STACK, T.analysis, t.templateName, ns));
      expect(templates.every(Boolean)).toBe(true);
      const address = templates
        .flatMap((t) => t!.inputs.spec.metrics)
        .flatMap((m: any) => (m.provider.prometheus ? [m.provider.prometheus.address] : []));
      expect(address).toEqual([prometheus]);
      const hpa = of(PROGRESSIVE_STACK, T.hpa).find(
        (h) =>
          h.inputs.spec.scaleTargetRef.kind === "Rollout" &&
          h.inputs.spec.scaleTargetRef.name === spec.workloadRef.name,
      )!;
      expect(hpa.inputs.spec.minReplicas).toBe(spec.replicas);
    }
  });

  it("the series the analyses read exist: Envoy's per-endpoint counters, scraped, and kube-state-metrics", () => {
    const [proxy] = of(PROGRESSIVE_STACK, T.envoyProxy);
    expect(proxy.inputs.spec.telemetry.metrics.enablePerEndpointStats).toBe(true);
    const envoyMonitor = of(PROGRESSIVE_STACK, T.podMonitor).find(
      (m) => m.inputs.spec.selector.matchLabels["app.kubernetes.io/component"] === "proxy",
    )!;
    expect(envoyMonitor.inputs.metadata.namespace).toBe(proxy.inputs.metadata.namespace);
    expect(envoyMonitor.inputs.spec.podMetricsEndpoints).toEqual([
      { port: "metrics", path: "/stats/prometheus" },
    ]);
    const stackValues = of(PROGRESSIVE_STACK, T.release).find(
      (r) => r.inputs.chart === "kube-prometheus-stack",
    )!.inputs.values;
    expect(stackValues.kubeStateMetrics?.enabled).not.toBe(false);
  });

  it("installs the pinned controller, which may query Prometheus and be scraped by it", () => {
    const controller = of(PROGRESSIVE_STACK, T.release).find(
      (r) => r.inputs.chart === ARGO_ROLLOUTS_CHART.chart,
    )!;
    expect(controller.inputs.version).toBe(ARGO_ROLLOUTS_CHART.version);
    const ns = controller.inputs.namespace;
    const queries = of(PROGRESSIVE_STACK, T.netpol).find(
      (p) =>
        p.inputs.metadata.namespace === "monitoring" &&
        (p.inputs.spec.ingress ?? []).some((i: any) =>
          i.from?.some(
            (f: any) => f.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === ns,
          ),
        ),
    )!;
    expect(queries.inputs.spec.ingress[0].ports).toEqual([{ protocol: "TCP", port: 9090 }]);
    expect(queries.inputs.spec.ingress[0].from[0].podSelector.matchLabels).toEqual(
      CONTROLLER_LABELS,
    );
  });

  it("the plan places the released version's pods at the autoscaler's floor, and the controllers", () => {
    const workloads = stackWorkloads(
      recorded.get(PROGRESSIVE_STACK)! as any,
      vendoredChartDefaults(ROOT),
    );
    const web = workloads.find((w) => w.kind === "Rollout" && w.name === "web")!;
    expect(web.replicas).toBe(3);
    expect(web.pod.requests.milliCpu).toBe(1000);
    expect(workloads.find((w) => w.kind === "Deployment" && w.name === "web")!.replicas).toBe(0);
    const controller = workloads.find((w) => w.namespace === "delivery")!;
    expect(controller.replicas).toBe(2);
    expect(controller.pod.requests.milliCpu).toBe(50);
  });

  // Stacks whose every app releases by rolling update (production-large and the enterprise
  // stacks release blue-green and canary).
  const allRolling = (stack: string) =>
    parseStackConfig(rawStack(stack)).apps.every((a) => a.release.strategy === "rolling");

  it("every shipped stack with a progressive app registers Rollouts", () => {
    for (const stack of SHIPPED.filter((s) => !allRolling(s)))
      expect([stack, of(stack, T.rollout).length > 0]).toEqual([stack, true]);
  });

  it.each(SHIPPED.filter(allRolling))(
    "%s, whose apps all roll, registers no Rollout, analysis, controller or per-endpoint statistics",
    (label) => {
      const rs = recorded.get(label)!;
      expect(rs.filter((r) => r.type.startsWith("kubernetes:argoproj.io/"))).toEqual([]);
      expect(
        rs.filter((r) => r.type === T.release && r.inputs.chart === ARGO_ROLLOUTS_CHART.chart),
      ).toEqual([]);
      expect(rs.filter((r) => r.type === "platform:delivery:Delivery")).toEqual([]);
      for (const p of of(label, T.envoyProxy)) expect(p.inputs.spec.telemetry).toBeUndefined();
    },
  );
});
