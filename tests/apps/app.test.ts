import { parseStackConfig } from "../../config";
import { App, releaseTracks } from "../../components/apps";
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

  it("runs both colours in blue-green and sends all traffic to the active one", async () => {
    const bg = {
      ...app,
      release: {
        strategy: "blue-green" as const,
        activeColor: "green" as const,
        images: { blue: "r/api:1.0.0", green: "r/api:1.1.0" },
      },
    };
    expect(releaseTracks(bg)).toEqual([
      { track: "blue", image: "r/api:1.0.0", weight: 0 },
      { track: "green", image: "r/api:1.1.0", weight: 100 },
    ]);
    const rs = await record(build(bg));
    expect(
      ofType(rs, "kubernetes:apps/v1:Deployment")
        .map((d) => d.inputs.metadata.name)
        .sort(),
    ).toEqual(["api-blue", "api-green"]);
    const main = one(rs, "kubernetes:core/v1:Service", "api-service").inputs.spec.selector;
    expect(main["platform/track"]).toBe("green");
  });

  it("splits canary traffic by the configured weight", () => {
    const canary = {
      ...app,
      release: { strategy: "canary" as const, image: "r/api:2.0.0", weight: 5 },
    };
    expect(releaseTracks(canary).map((t) => t.weight)).toEqual([95, 5]);
  });

  it("registers only objects valid against the Kubernetes schema", async () => {
    const rs = await record(build());
    expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
  });
});
