import { parseStackConfig } from "../../config";
import { App, appBackends } from "../../components/apps";
import { record, ofType, one } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";

const config = parseStackConfig({
  provider: "existing",
  tier: "medium",
  region: "x",
  domain: "example.test",
  apps: [{ name: "api", image: "registry.example.com/api:1.0.0", port: 3000 }],
});
config.provider = "aws"; // a production tier's app defaults, placed on an app pool
const app = config.apps[0];
const build =
  (a = app, pools: ("app" | "db")[] = ["app", "db"]) =>
  () =>
    new App("api", {
      app: a,
      namespace: "apps",
      pools,
      gatewayNamespace: "gateway",
      monitoringNamespace: "monitoring",
    });

describe("App", () => {
  it("runs the documented container: pinned image, 1 CPU / 2 GB request, 2 CPU / 4 GB limit, probes on the health path", async () => {
    const rs = await record(build());
    const d = one(rs, "kubernetes:apps/v1:Deployment").inputs;
    const c = d.spec.template.spec.containers[0];
    expect(c.image).toBe("registry.example.com/api:1.0.0");
    expect(c.resources).toEqual({
      requests: { cpu: "1", memory: "2Gi" },
      limits: { cpu: "2", memory: "4Gi" },
    });
    expect(c.readinessProbe.httpGet.path).toBe("/health");
    expect(c.livenessProbe.httpGet.path).toBe("/health");
  });

  it("runs restricted: non-root, no privilege escalation, all capabilities dropped, no service account token", async () => {
    const d = one(await record(build()), "kubernetes:apps/v1:Deployment").inputs.spec.template.spec;
    expect(d.securityContext.runAsNonRoot).toBe(true);
    expect(d.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(d.automountServiceAccountToken).toBe(false);
  });

  it("pins pods to the app pool when the cluster has one, and spreads them across nodes", async () => {
    const withPool = one(await record(build()), "kubernetes:apps/v1:Deployment").inputs.spec
      .template.spec;
    expect(withPool.nodeSelector).toEqual({ "platform/role": "app" });
    expect(withPool.topologySpreadConstraints[0].topologyKey).toBe("kubernetes.io/hostname");
    const noPool = one(await record(build(app, [])), "kubernetes:apps/v1:Deployment").inputs.spec
      .template.spec;
    expect(noPool.nodeSelector).toBeUndefined();
  });

  it("scales 3..50 at 70 % CPU, one pod a minute up and one every five minutes down, with a disruption budget", async () => {
    const rs = await record(build());
    const hpa = one(rs, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec;
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([3, 50]);
    expect(hpa.metrics[0].resource.target.averageUtilization).toBe(70);
    expect(hpa.behavior.scaleUp.policies[0]).toEqual({ type: "Pods", value: 1, periodSeconds: 60 });
    expect(hpa.behavior.scaleDown.policies[0]).toEqual({
      type: "Pods",
      value: 1,
      periodSeconds: 300,
    });
    expect(one(rs, "kubernetes:policy/v1:PodDisruptionBudget").inputs.spec.maxUnavailable).toBe(1);
  });

  it("admits traffic only from the gateway, monitoring and its own namespace, on the app port", async () => {
    const np = one(await record(build()), "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs
      .spec;
    const from = np.ingress[0].from;
    expect(
      from.map(
        (f: any) =>
          f.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] ?? "same-namespace",
      ),
    ).toEqual(["gateway", "monitoring", "same-namespace"]);
    expect(np.ingress[0].ports).toEqual([{ protocol: "TCP", port: 3000 }]);
  });

  it("keeps the JWT secret in a Secret, generated, not in the ConfigMap", async () => {
    const rs = await record(build());
    expect(one(rs, "kubernetes:core/v1:Secret").inputs.stringData.JWT_SECRET).toBeTruthy();
    expect(one(rs, "kubernetes:core/v1:ConfigMap").inputs.data.JWT_SECRET).toBeUndefined();
  });

  it("a rolling app registers no Rollout, no analysis and one backend with all the traffic", async () => {
    const rs = await record(build());
    expect(rs.filter((r) => r.type.startsWith("kubernetes:argoproj.io/"))).toEqual([]);
    expect(appBackends(app)).toEqual([{ service: "api-stable", weight: 100 }]);
    expect(one(rs, "kubernetes:apps/v1:Deployment").inputs.spec.replicas).toBe(3);
  });

  describe("with a blue-green release", () => {
    const bg = parseStackConfig({
      provider: "existing",
      tier: "medium",
      region: "x",
      domain: "example.test",
      apps: [
        {
          name: "api",
          image: "registry.example.com/api:1.1.0",
          port: 3000,
          release: { strategy: "blue-green" },
        },
      ],
    }).apps[0];
    const delivery = { dependsOn: [], prometheusUrl: "http://prometheus:9090", namespace: "apps" };
    const buildBg = () => () =>
      new App("api", {
        app: bg,
        namespace: "apps",
        pools: ["app", "db"],
        gatewayNamespace: "gateway",
        monitoringNamespace: "monitoring",
        delivery,
      });

    it("keeps the pod template in a Deployment at zero replicas that the Rollout references", async () => {
      const rs = await record(buildBg());
      const d = one(rs, "kubernetes:apps/v1:Deployment").inputs;
      expect(d.spec.replicas).toBe(0);
      expect(d.spec.template.spec.containers[0].image).toBe("registry.example.com/api:1.1.0");
      const rollout = one(rs, "kubernetes:argoproj.io/v1alpha1:Rollout").inputs;
      expect(rollout.spec.workloadRef).toEqual({
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: d.metadata.name,
      });
      expect(rollout.spec.template).toBeUndefined();
      expect(rollout.spec.replicas).toBe(3);
    });

    it("scales the Rollout, not the zero-replica Deployment, and budgets disruptions of both versions", async () => {
      const rs = await record(buildBg());
      const hpa = one(rs, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec;
      expect(hpa.scaleTargetRef).toEqual({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Rollout",
        name: "api",
      });
      const pdb = one(rs, "kubernetes:policy/v1:PodDisruptionBudget").inputs.spec;
      const podLabels = one(rs, "kubernetes:apps/v1:Deployment").inputs.spec.template.metadata
        .labels;
      expect(pdb.selector.matchLabels).toEqual(podLabels);
      expect(pdb.maxUnavailable).toBe(1);
    });

    it("gives the controller a stable and a canary Service, and internal callers the stable side", async () => {
      const rs = await record(buildBg());
      const svc = (n: string) =>
        ofType(rs, "kubernetes:core/v1:Service").find((r) => r.inputs.metadata.name === n)!.inputs
          .spec;
      const rollout = one(rs, "kubernetes:argoproj.io/v1alpha1:Rollout").inputs.spec.strategy
        .canary;
      const podLabels = one(rs, "kubernetes:apps/v1:Deployment").inputs.spec.template.metadata
        .labels;
      for (const name of [rollout.stableService, rollout.canaryService])
        expect(svc(name).selector).toEqual(podLabels);
      // The controller labels the released version's pods; the app's own Service follows them.
      const stableLabel = rollout.stableMetadata.labels;
      expect(svc("api").selector).toEqual({ ...podLabels, ...stableLabel });
      expect(appBackends(bg)).toEqual([
        { service: rollout.stableService, weight: 100 },
        { service: rollout.canaryService, weight: 0 },
      ]);
    });

    it("registers the two analyses the Rollout names, its smoke test pod restricted and apart from the app's Services", async () => {
      const rs = await record(buildBg());
      const templates = ofType(rs, "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate");
      const rollout = one(rs, "kubernetes:argoproj.io/v1alpha1:Rollout").inputs.spec.strategy
        .canary;
      const named = [
        ...rollout.analysis.templates,
        ...rollout.steps.flatMap((s: any) => s.analysis?.templates ?? []),
      ].map((t: any) => t.templateName);
      expect(templates.map((t) => t.inputs.metadata.name).sort()).toEqual(
        [...new Set(named)].sort(),
      );
      const smoke = templates.find((t) => t.inputs.spec.metrics[0].provider.job)!.inputs.spec
        .metrics[0].provider.job.spec.template;
      const c = smoke.spec.containers[0];
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits).toBeDefined();
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
      });
      expect(c.image).toMatch(/:[0-9][^:]*$/);
      for (const service of ofType(rs, "kubernetes:core/v1:Service")) {
        const selector = service.inputs.spec.selector as Record<string, string>;
        const selects = Object.entries(selector).every(([k, v]) => smoke.metadata.labels[k] === v);
        expect(selects).toBe(false);
      }
    });

    it("refuses to build without the delivery controller", async () => {
      await expect(
        record(() => {
          new App("api", {
            app: bg,
            namespace: "apps",
            pools: [],
            gatewayNamespace: "gateway",
            monitoringNamespace: "monitoring",
          });
        }),
      ).rejects.toThrow(/needs the delivery controller/);
    });

    it("registers only objects valid against the Kubernetes schema", async () => {
      const rs = await record(buildBg());
      expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
    });
  });

  it("registers only objects valid against the Kubernetes schema", async () => {
    const rs = await record(build());
    expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
  });
});
