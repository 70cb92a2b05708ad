import * as path from "path";
import fc from "fast-check";
import { databaseNodes, podAntiAffinityType } from "../../components/database/cnpg";
import {
  clusterNodes,
  HOSTNAME,
  placementViolations,
  placePods,
  planPlacement,
  SCHEDULABLE_POLICY,
  ZONE,
  type Placement,
  type PlannedNode,
  type Taint,
} from "../../plan/placement";
import { shippedStacks } from "../../plan/stack";
import {
  CHART_DEFAULTS,
  helmMerge,
  podShape,
  stackWorkloads,
  vendoredChartDefaults,
  type Workload,
} from "../../plan/workloads";
import { registered } from "../helpers/mocks";
import { recordVariants, type RecordedResource } from "../helpers/recorded";
import { stackConfig } from "../helpers/stacks";

const ROOT = path.resolve(__dirname, "../..");
const GiB = 2 ** 30;

/** A node with `cpu` cores and `memGb` GiB allocatable. */
function node(
  name: string,
  pool: string,
  opts: { zone?: string; taints?: Taint[]; cpu?: number; memGb?: number } = {},
): PlannedNode {
  return {
    name,
    pool,
    type: "test",
    labels: {
      [HOSTNAME]: name,
      "platform/role": pool,
      ...(opts.zone ? { [ZONE]: opts.zone } : {}),
    },
    taints: opts.taints ?? [],
    allocatable: { milliCpu: (opts.cpu ?? 4) * 1000, memoryBytes: (opts.memGb ?? 16) * GiB },
  };
}

/** A workload of `replicas` pods of one spec, labelled `app: name`. */
function workload(
  name: string,
  replicas: number,
  spec: Record<string, any> = {},
  opts: { kind?: string; daemon?: boolean; transient?: boolean } = {},
): Workload {
  return {
    kind: opts.kind ?? (opts.daemon ? "DaemonSet" : "Deployment"),
    namespace: "ns",
    name,
    replicas,
    daemon: !!opts.daemon,
    transient: !!opts.transient,
    urn: `urn:${name}`,
    pod: podShape(
      { containers: [{ resources: { requests: { cpu: "100m" } } }], ...spec },
      {
        app: name,
      },
    ),
  };
}

const requests = (cpu: string, memory = "0") => ({
  containers: [{ resources: { requests: { cpu, memory } } }],
});
const self = (name: string, topologyKey: string) => ({
  labelSelector: { matchLabels: { app: name } },
  topologyKey,
});
const antiAffinity = (name: string, topologyKey = HOSTNAME) => ({
  affinity: {
    podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [self(name, topologyKey)] },
  },
});
const spread = (name: string, topologyKey: string, maxSkew = 1, when = "DoNotSchedule") => ({
  topologySpreadConstraints: [
    {
      maxSkew,
      topologyKey,
      whenUnsatisfiable: when,
      labelSelector: { matchLabels: { app: name } },
    },
  ],
});
const dbTaint: Taint = { key: "platform/role", value: "db", effect: "NoSchedule" };
const dbToleration = {
  tolerations: [{ key: "platform/role", operator: "Equal", value: "db", effect: "NoSchedule" }],
};

/** Pod id → node name, from a placement. */
function nodeOf(p: Placement): Map<string, string> {
  const out = new Map<string, string>();
  for (const pool of p.pools)
    for (const n of pool.nodes) for (const id of n.pods) out.set(id, n.name);
  return out;
}
const unschedulable = (p: Placement) => p.unschedulable.map((u) => `${u.workload}#${u.replica}`);

describe("placement rules", () => {
  it("honours nodeSelector: a pod pinned to the db pool lands there, or nowhere when no node has the label", () => {
    const nodes = [node("app-1", "app"), node("db-1", "db")];
    const p = placePods(nodes, [workload("pg", 1, { nodeSelector: { "platform/role": "db" } })]);
    expect(nodeOf(p).get("Deployment/ns/pg#0")).toBe("db-1");
    const none = placePods(nodes, [workload("x", 1, { nodeSelector: { "platform/role": "gpu" } })]);
    expect(none.unschedulable).toEqual([
      expect.objectContaining({
        workload: "Deployment/ns/x",
        replica: 0,
        reason: "no node matches its node selector platform/role=gpu",
      }),
    ]);
  });

  it("honours required node affinity: In, NotIn and Exists over the node's labels, terms ORed", () => {
    const nodes = [node("a", "app", { zone: "z1" }), node("b", "db", { zone: "z2" })];
    const term = (...matchExpressions: object[]) => ({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions }],
          },
        },
      },
    });
    const onlyB = placePods(nodes, [
      workload("in", 1, term({ key: ZONE, operator: "In", values: ["z2"] })),
      workload("notin", 1, term({ key: "platform/role", operator: "NotIn", values: ["app"] })),
    ]);
    expect(nodeOf(onlyB).get("Deployment/ns/in#0")).toBe("b");
    expect(nodeOf(onlyB).get("Deployment/ns/notin#0")).toBe("b");
    const missing = placePods(nodes, [
      workload("exists", 1, term({ key: "gpu", operator: "Exists" })),
    ]);
    expect(missing.unschedulable[0].reason).toBe("no node matches its required node affinity");
  });

  it("keeps pods off NoSchedule and NoExecute taints they do not tolerate, and names the taint", () => {
    const nodes = [
      node("db-1", "db", { taints: [dbTaint] }),
      node("cp-1", "control-plane", {
        taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NoExecute" }],
      }),
    ];
    const p = placePods(nodes, [
      workload("plain", 1),
      workload("tolerant", 1, dbToleration),
      workload("any", 1, { tolerations: [{ operator: "Exists" }] }),
    ]);
    expect(nodeOf(p).get("Deployment/ns/tolerant#0")).toBe("db-1");
    expect(nodeOf(p).get("Deployment/ns/any#0")).toBe("db-1");
    expect(p.unschedulable).toEqual([
      expect.objectContaining({
        workload: "Deployment/ns/plain",
        reason:
          "no pool tolerates its taints: pool db has platform/role=db:NoSchedule; " +
          "pool control-plane has CriticalAddonsOnly=true:NoExecute",
      }),
    ]);
    // PreferNoSchedule only weighs in scoring.
    const soft = [node("n", "app", { taints: [{ key: "k", effect: "PreferNoSchedule" }] })];
    expect(placePods(soft, [workload("plain", 1)]).unschedulable).toEqual([]);
  });

  it("refuses a second replica with required anti-affinity by host on a one-node pool: the small stack's bug", () => {
    const nodes = [node("app-1", "app")];
    const p = placePods(nodes, [workload("pg", 2, antiAffinity("pg"))]);
    expect(unschedulable(p)).toEqual(["Deployment/ns/pg#1"]);
    expect(p.unschedulable[0].reason).toBe(
      "required anti-affinity (kubernetes.io/hostname): 1 node in pool app, already running a matching pod (Deployment/ns/pg#0)",
    );
    const two = placePods(
      [...nodes, node("app-2", "app")],
      [workload("pg", 2, antiAffinity("pg"))],
    );
    expect(two.unschedulable).toEqual([]);
    expect(new Set(nodeOf(two).values()).size).toBe(2);
  });

  it("honours anti-affinity by zone, and a placed pod's anti-affinity against newcomers", () => {
    const nodes = ["a", "b"].flatMap((z) =>
      [1, 2].map((i) => node(`${z}${i}`, "app", { zone: z })),
    );
    const p = placePods(nodes, [workload("zonal", 3, antiAffinity("zonal", ZONE))]);
    expect(unschedulable(p)).toEqual(["Deployment/ns/zonal#2"]);
    const zones = [0, 1].map((i) => nodeOf(p).get(`Deployment/ns/zonal#${i}`)![0]);
    expect(zones.sort()).toEqual(["a", "b"]);
    // `guard` keeps every `app: victim` pod off its host; `victim` itself says nothing.
    const one = [node("only", "app")];
    const guarded = placePods(one, [
      workload("guard", 1, {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [self("victim", HOSTNAME)],
          },
        },
      }),
      workload("victim", 1),
    ]);
    expect(unschedulable(guarded)).toEqual(["Deployment/ns/victim#0"]);
  });

  it("honours required pod affinity: a pod follows the pod it needs, and the first of a self-affine group may start it", () => {
    const nodes = [node("n1", "app"), node("n2", "db", { taints: [dbTaint] })];
    const follower = {
      ...dbToleration,
      affinity: {
        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [self("leader", HOSTNAME)] },
      },
    };
    const p = placePods(nodes, [
      workload("leader", 1, { ...dbToleration, nodeSelector: { "platform/role": "db" } }),
      workload("follower", 1, follower),
    ]);
    expect(nodeOf(p).get("Deployment/ns/follower#0")).toBe("n2");
    const alone = placePods(nodes, [workload("follower", 1, follower)]);
    expect(alone.unschedulable[0].reason).toMatch(
      /required pod affinity \(kubernetes.io\/hostname\)/,
    );
    const group = {
      affinity: {
        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [self("g", HOSTNAME)] },
      },
    };
    const together = placePods(nodes, [workload("g", 3, group)]);
    expect(together.unschedulable).toEqual([]);
    expect(new Set(nodeOf(together).values())).toEqual(new Set(["n1"]));
  });

  it("honours DoNotSchedule topology spread (tainted domains still count) and ignores ScheduleAnyway", () => {
    // Zone b's only node is tainted: it still is a domain (nodeTaintsPolicy Ignore), holding 0.
    const nodes = [
      node("a1", "app", { zone: "a" }),
      node("b1", "app", { zone: "b", taints: [dbTaint] }),
    ];
    const hard = placePods(nodes, [workload("w", 2, spread("w", ZONE))]);
    expect(unschedulable(hard)).toEqual(["Deployment/ns/w#1"]);
    expect(hard.unschedulable[0].reason).toMatch(
      /topology spread \(topology.kubernetes.io\/zone, maxSkew 1\)/,
    );
    expect(placePods(nodes, [workload("w", 2, spread("w", ZONE, 2))]).unschedulable).toEqual([]);
    expect(
      placePods(nodes, [workload("w", 2, spread("w", ZONE, 1, "ScheduleAnyway"))]).unschedulable,
    ).toEqual([]);
    const open = [node("a1", "app", { zone: "a" }), node("b1", "app", { zone: "b" })];
    const even = placePods(open, [workload("w", 4, spread("w", ZONE))]);
    expect(even.unschedulable).toEqual([]);
    expect(even.pools[0].nodes.map((n) => n.pods.length)).toEqual([2, 2]);
  });

  it("keeps a zone spread off nodes without a zone label (DigitalOcean's nodes have none)", () => {
    const p = placePods([node("n1", "app")], [workload("w", 1, spread("w", ZONE))]);
    expect(p.unschedulable[0].reason).toBe(
      "topology spread: 1 node in pool app without the topology.kubernetes.io/zone label",
    );
  });

  it("fits requests per node, naming the largest free amount", () => {
    const nodes = [
      node("db-1", "db", { cpu: 1.4, memGb: 2 }),
      node("db-2", "db", { cpu: 1, memGb: 8 }),
    ];
    const cpu = placePods(nodes, [workload("big", 1, requests("2"))]);
    expect(cpu.unschedulable[0].reason).toBe(
      "insufficient cpu: needs 2, largest free 1.4 in pool db",
    );
    const mem = placePods(nodes, [workload("fat", 1, requests("500m", "10Gi"))]);
    expect(mem.unschedulable[0].reason).toBe(
      "insufficient memory: needs 10 GiB, largest free 8 GiB in pool db",
    );
    // A container with a limit and no request requests its limit.
    const limited = workload("l", 1, {
      containers: [{ resources: { limits: { cpu: "1500m" } } }],
    });
    expect(placePods(nodes, [limited]).unschedulable[0].reason).toMatch(/needs 1.5/);
  });

  it("counts a pod's init containers as kube-scheduler does: sidecars add, others run alone", () => {
    const shape = podShape({
      initContainers: [
        { name: "migrate", resources: { requests: { cpu: "3" } } },
        { name: "proxy", restartPolicy: "Always", resources: { requests: { cpu: "500m" } } },
      ],
      containers: [{ resources: { requests: { cpu: "1" } } }],
    });
    expect(shape.requests.milliCpu).toBe(3000);
    const sidecar = podShape({
      initContainers: [
        { name: "proxy", restartPolicy: "Always", resources: { requests: { cpu: "500m" } } },
      ],
      containers: [{ resources: { requests: { cpu: "1" } } }],
    });
    expect(sidecar.requests.milliCpu).toBe(1500);
  });

  it("runs a DaemonSet pod on every node it tolerates, and takes its share of each", () => {
    const nodes = [
      node("app-1", "app", { cpu: 2 }),
      node("db-1", "db", { cpu: 2, taints: [dbTaint] }),
    ];
    const p = placePods(nodes, [
      workload("agent", 0, requests("500m"), { daemon: true }),
      workload("app", 1, requests("1600m")),
    ]);
    expect(p.pools.map((pool) => pool.nodes[0].pods)).toEqual([["DaemonSet/ns/agent#app-1"], []]);
    expect(p.unschedulable).toEqual([
      expect.objectContaining({
        reason: "insufficient cpu: needs 1.6, largest free 1.5 in pool app",
      }),
    ]);
    const everywhere = placePods(nodes, [
      workload(
        "agent",
        0,
        { ...requests("500m"), tolerations: [{ operator: "Exists" }] },
        { daemon: true },
      ),
    ]);
    expect(everywhere.pools.map((pool) => pool.nodes[0].pods.length)).toEqual([1, 1]);
  });

  it("checks each Job alone beside the long-running pods: two fit in turn, one too large does not", () => {
    const nodes = [node("n", "app", { cpu: 2 })];
    const p = placePods(nodes, [
      workload("svc", 1, requests("500m")),
      workload("backup", 1, requests("1500m"), { kind: "CronJob", transient: true }),
      workload("dump", 1, requests("1500m"), { kind: "Job", transient: true }),
      workload("huge", 1, requests("1600m"), { kind: "Job", transient: true }),
    ]);
    expect(p.placed).toBe(1);
    expect(p.pools[0].nodes[0].pods).toEqual(["Deployment/ns/svc#0"]);
    expect(p.unschedulable).toEqual([
      expect.objectContaining({
        workload: "Job/ns/huge",
        transient: true,
        reason: expect.stringMatching(
          /^insufficient cpu: needs 1.6, largest free 1.5 in pool app \(runs to completion/,
        ),
      }),
    ]);
  });

  it("finds a fit first-fit-decreasing misses: 4+3+3 twice in two nodes of 10", () => {
    const nodes = [node("n1", "app", { cpu: 10 }), node("n2", "app", { cpu: 10 })];
    const pods = [workload("four", 2, requests("4")), workload("three", 4, requests("3"))];
    const p = placePods(nodes, pods);
    expect(p.unschedulable).toEqual([]);
    expect(p.pools[0].nodes.map((n) => n.requested.cpu)).toEqual([10, 10]);
    // With no search budget, first-fit's answer stands.
    expect(placePods(nodes, pods, { searchBudget: 0 }).unschedulable).toHaveLength(1);
  });

  it("is a mandatory violation on a production tier and advisory on staging", () => {
    const p = placePods([node("n", "app")], [workload("pg", 2, antiAffinity("pg"))]);
    const production = placementViolations(p, stackConfig("small"));
    expect(production).toEqual([
      {
        policy: SCHEDULABLE_POLICY,
        enforcementLevel: "mandatory",
        resource: "urn:pg",
        message: expect.stringMatching(
          /^Deployment\/ns\/pg replica 1 cannot be scheduled: required anti-affinity/,
        ),
      },
    ]);
    expect(placementViolations(p, stackConfig("staging"))[0].enforcementLevel).toBe("advisory");
    expect(placementViolations(null, stackConfig("local"))).toEqual([]);
  });
});

describe("nodes of each cloud", () => {
  it("spreads AWS pools round-robin over at least two zones, taints the tainted roles, at the pools' minimum", () => {
    const nodes = clusterNodes(stackConfig("production-large"))!;
    const app = nodes.filter((n) => n.pool === "app");
    expect(app).toHaveLength(stackConfig("production-large").nodePools.app!.min);
    expect(app.slice(0, 4).map((n) => n.labels[ZONE])).toEqual([
      "us-east-1a",
      "us-east-1b",
      "us-east-1c",
      "us-east-1a",
    ]);
    expect(app[0].taints).toEqual([]);
    expect(nodes.find((n) => n.pool === "db")!.taints).toEqual([dbTaint]);
    const oneZone = clusterNodes(stackConfig("production", { network: { zones: 1 } }))!;
    expect(new Set(oneZone.map((n) => n.labels[ZONE]))).toEqual(
      new Set(["us-east-1a", "us-east-1b"]),
    );
  });

  it("gives DigitalOcean nodes a region and no zone, and only the pools DOKS gets", () => {
    const nodes = clusterNodes(stackConfig("production-do"))!;
    expect(nodes.every((n) => n.labels[ZONE] === undefined)).toBe(true);
    expect(nodes.every((n) => n.labels["topology.kubernetes.io/region"] === "nyc3")).toBe(true);
    // Managed Postgres and Valkey: the medium tier's db pool is not created.
    expect(new Set(nodes.map((n) => n.pool))).toEqual(new Set(["app"]));
  });

  it("takes Hetzner's servers as nodePlan builds them: dedicated k3s servers tainted NoExecute, a one-server stack untainted", () => {
    const nodes = clusterNodes(stackConfig("production-hetzner"))!;
    const cp = nodes.filter((n) => n.pool === "control-plane");
    expect(cp).toHaveLength(3);
    expect(cp[0].taints).toEqual([
      { key: "CriticalAddonsOnly", value: "true", effect: "NoExecute" },
    ]);
    expect(cp[0].labels["node-role.kubernetes.io/control-plane"]).toBe("true");
    expect(nodes.find((n) => n.pool === "db")!.taints).toEqual([dbTaint]);
    const small = clusterNodes(stackConfig("small"))!;
    expect(small).toHaveLength(1);
    expect(small[0]).toMatchObject({ pool: "app", taints: [] });
    expect(small[0].labels).toMatchObject({
      "platform/role": "app",
      "platform/control-plane": "true",
    });
    // 8 vCPU / 16 GB less the 10 % / 20 % the kubelet and system keep.
    expect(small[0].allocatable).toEqual({
      milliCpu: 7200,
      memoryBytes: Math.round(16 * GiB * 0.8),
    });
  });

  it("has no nodes to place on for an existing cluster", () => {
    expect(clusterNodes(stackConfig("local"))).toBeNull();
    expect(planPlacement(stackConfig("local"), [])).toBeNull();
  });
});

describe("pods of the registrations", () => {
  const res = (type: string, inputs: Record<string, any>, name = "r") =>
    registered(type, inputs, name);

  it("reads a CloudNativePG cluster: instances, required anti-affinity by its topologyKey, nodeSelector and tolerations", () => {
    const cluster = (podAntiAffinityType?: string) =>
      res("kubernetes:postgresql.cnpg.io/v1:Cluster", {
        metadata: { name: "postgres", namespace: "data" },
        spec: {
          instances: 3,
          resources: { requests: { cpu: "2", memory: "8Gi" } },
          affinity: {
            enablePodAntiAffinity: true,
            ...(podAntiAffinityType ? { podAntiAffinityType } : {}),
            topologyKey: ZONE,
            nodeSelector: { "platform/role": "db" },
            tolerations: dbToleration.tolerations,
          },
        },
      });
    const [w] = stackWorkloads([cluster("required")]);
    expect(w).toMatchObject({ kind: "Cluster", namespace: "data", name: "postgres", replicas: 3 });
    expect(w.pod.requests).toEqual({ milliCpu: 2000, memoryBytes: 8 * GiB });
    expect(w.pod.nodeSelector).toEqual({ "platform/role": "db" });
    expect(w.pod.podAntiAffinity).toEqual([
      {
        labelSelector: {
          matchExpressions: [
            { key: "cnpg.io/cluster", operator: "In", values: ["postgres"] },
            { key: "cnpg.io/podRole", operator: "In", values: ["instance"] },
          ],
        },
        topologyKey: ZONE,
      },
    ]);
    // CloudNativePG defaults the type to preferred, which never blocks a pod.
    expect(stackWorkloads([cluster()])[0].pod.podAntiAffinity).toEqual([]);
    expect(stackWorkloads([cluster("preferred")])[0].pod.podAntiAffinity).toEqual([]);
  });

  it("reads a Pooler's template and instances, and an HPA's floor above a Deployment's replicas", () => {
    const ws = stackWorkloads([
      res("kubernetes:postgresql.cnpg.io/v1:Pooler", {
        metadata: { name: "pooler", namespace: "data" },
        spec: {
          instances: 2,
          template: {
            spec: { containers: [{ name: "pgbouncer", ...requests("250m").containers[0] }] },
          },
        },
      }),
      res("kubernetes:apps/v1:Deployment", {
        metadata: { name: "web", namespace: "platform" },
        spec: { replicas: 2, template: { spec: requests("1") } },
      }),
      res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", {
        metadata: { name: "web", namespace: "platform" },
        spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, minReplicas: 3 },
      }),
    ]);
    expect(ws.map((w) => [w.kind, w.name, w.replicas])).toEqual([
      ["Pooler", "pooler", 2],
      ["Deployment", "web", 3],
    ]);
    expect(ws[0].pod.labels).toEqual({ "cnpg.io/poolerName": "pooler" });
  });

  it("merges chart values over the chart's defaults as Helm does: maps key by key, null deletes", () => {
    expect(helmMerge({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: null, e: 3 }, d: [2] })).toEqual({
      a: { b: 1, e: 3 },
      d: [2],
    });
    // `{}` removes nothing: Loki's default hard anti-affinity survives an empty map of ours.
    const loki = (affinity: unknown) =>
      stackWorkloads([
        res("kubernetes:helm.sh/v3:Release", {
          chart: "loki",
          name: "loki",
          namespace: "monitoring",
          values: {
            deploymentMode: "SingleBinary",
            singleBinary: { replicas: 2, affinity },
            gateway: { enabled: false },
            lokiCanary: { enabled: false },
            chunksCache: { enabled: false },
            resultsCache: { enabled: false },
          },
        }),
      ]);
    const kept = loki({});
    expect(kept.map((w) => w.name)).toEqual(["loki-single-binary"]);
    const one = placePods([node("m", "monitoring")], kept);
    expect(unschedulable(one)).toEqual(["StatefulSet/monitoring/loki-single-binary#1"]);
    expect(one.unschedulable[0].reason).toMatch(
      /required anti-affinity \(kubernetes.io\/hostname\)/,
    );
    const cleared = loki({ podAntiAffinity: null });
    expect(placePods([node("m", "monitoring")], cleared).unschedulable).toEqual([]);
  });

  it("uses the vendored defaults of a chart where they are at hand, the small table otherwise", () => {
    const vendored = vendoredChartDefaults(ROOT);
    const loki = vendored("loki", "6.55.0");
    expect(loki).toBeDefined();
    expect(loki!.singleBinary).toEqual(
      expect.objectContaining({ affinity: CHART_DEFAULTS.loki.singleBinary.affinity }),
    );
    expect(vendoredChartDefaults("/nonexistent")("loki", "6.55.0")).toBeUndefined();
  });

  it("reads the envoy proxies of an EnvoyProxy, one set per Gateway, with Envoy Gateway's defaults", () => {
    const ws = stackWorkloads([
      res("kubernetes:gateway.networking.k8s.io/v1:Gateway", { metadata: { name: "dmz" } }),
      res("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy", {
        metadata: { name: "proxy", namespace: "gateway" },
        spec: { provider: { type: "Kubernetes", kubernetes: { envoyDeployment: { pod: {} } } } },
      }),
    ]);
    expect(ws).toHaveLength(1);
    expect(ws[0]).toMatchObject({ kind: "Deployment", replicas: 1 });
    expect(ws[0].pod.requests).toEqual({ milliCpu: 100, memoryBytes: 512 * 2 ** 20 });
  });
});

describe("the anti-affinity type of the database instances", () => {
  it("is required where the nodes that take them are as many as the instances, preferred where fewer", () => {
    const small = stackConfig("small");
    expect(databaseNodes(small.nodePools, ["app"])).toBe(1);
    expect(podAntiAffinityType(2, 1)).toBe("preferred");
    expect(podAntiAffinityType(2, 2)).toBe("required");
    expect(podAntiAffinityType(2, undefined)).toBe("required");
    const large = stackConfig("production-large");
    expect(databaseNodes(large.nodePools, ["app", "db"])).toBe(3);
    expect(databaseNodes(large.nodePools, ["app"])).toBe(large.nodePools.app!.min);
  });
});

// --- Properties ----------------------------------------------------------------------------------

/** Independent re-check of a placement: every placed pod against its node and its neighbours. */
function brokenRules(nodes: PlannedNode[], workloads: Workload[], p: Placement): string[] {
  const broken: string[] = [];
  const at = nodeOf(p);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const placed = [...at].map(([id, nodeName]) => {
    const w = workloads.find((x) => id.startsWith(`${x.kind}/${x.namespace}/${x.name}#`))!;
    return { id, w, node: byName.get(nodeName)! };
  });
  const matches = (sel: any, labels: Record<string, string>) =>
    !!sel &&
    Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    (sel.matchExpressions ?? []).every((e: any) =>
      e.operator === "In"
        ? e.values.includes(labels[e.key])
        : e.operator === "NotIn"
          ? !e.values.includes(labels[e.key])
          : e.operator === "Exists"
            ? e.key in labels
            : !(e.key in labels),
    );
  for (const { id, w, node: n } of placed) {
    for (const [k, v] of Object.entries(w.pod.nodeSelector))
      if (n.labels[k] !== v) broken.push(`${id}: selector ${k} on ${n.name}`);
    for (const t of n.taints)
      if (
        (t.effect === "NoSchedule" || t.effect === "NoExecute") &&
        !w.pod.tolerations.some(
          (x) =>
            (!x.effect || x.effect === t.effect) &&
            (x.operator === "Exists"
              ? !x.key || x.key === t.key
              : x.key === t.key && x.value === t.value),
        )
      )
        broken.push(`${id}: taint ${t.key} on ${n.name}`);
    for (const term of w.pod.podAntiAffinity) {
      const v = n.labels[term.topologyKey];
      if (v === undefined) continue;
      for (const other of placed)
        if (
          other.id !== id &&
          other.node.labels[term.topologyKey] === v &&
          matches(term.labelSelector, other.w.pod.labels)
        )
          broken.push(`${id}: anti-affinity with ${other.id} on ${term.topologyKey}=${v}`);
    }
    for (const c of w.pod.spread) {
      const eligible = nodes.filter(
        (m) =>
          m.labels[c.topologyKey] !== undefined &&
          Object.entries(w.pod.nodeSelector).every(([k, v]) => m.labels[k] === v),
      );
      const counts = new Map<string, number>(eligible.map((m) => [m.labels[c.topologyKey], 0]));
      for (const other of placed)
        if (eligible.includes(other.node) && matches(c.labelSelector, other.w.pod.labels))
          counts.set(
            other.node.labels[c.topologyKey],
            counts.get(other.node.labels[c.topologyKey])! + 1,
          );
      const skew = Math.max(...counts.values()) - Math.min(...counts.values());
      if (n.labels[c.topologyKey] === undefined || skew > c.maxSkew)
        broken.push(`${id}: spread ${c.topologyKey} skew ${skew}`);
    }
  }
  for (const n of nodes) {
    const here = placed.filter((x) => x.node === n);
    const cpu = here.reduce((s, x) => s + x.w.pod.requests.milliCpu, 0);
    const mem = here.reduce((s, x) => s + x.w.pod.requests.memoryBytes, 0);
    if (cpu > n.allocatable.milliCpu || mem > n.allocatable.memoryBytes)
      broken.push(`${n.name}: over its allocatable`);
  }
  return broken;
}

const nodesArb = fc
  .array(
    fc.record({
      pool: fc.constantFrom("app", "db"),
      zone: fc.constantFrom("a", "b"),
      cpu: fc.integer({ min: 2, max: 8 }).map((n) => n / 2),
      memGb: fc.integer({ min: 1, max: 8 }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((specs) =>
    specs.map((s, i) =>
      node(`n${i}`, s.pool, {
        zone: s.zone,
        cpu: s.cpu,
        memGb: s.memGb,
        taints: s.pool === "db" ? [dbTaint] : [],
      }),
    ),
  );

const workloadArb = (i: number) =>
  fc
    .record({
      replicas: fc.integer({ min: 1, max: 3 }),
      cpu: fc.integer({ min: 0, max: 8 }).map((n) => `${n * 250}m`),
      memory: fc.integer({ min: 0, max: 8 }).map((n) => `${n * 512}Mi`),
      pool: fc.constantFrom(undefined, "app", "db"),
      tolerate: fc.boolean(),
      anti: fc.constantFrom(undefined, HOSTNAME, ZONE),
      spreadKey: fc.constantFrom(undefined, HOSTNAME, ZONE),
      maxSkew: fc.integer({ min: 1, max: 2 }),
    })
    .map((r) =>
      workload(`w${i}`, r.replicas, {
        ...requests(r.cpu, r.memory),
        ...(r.pool ? { nodeSelector: { "platform/role": r.pool } } : {}),
        ...(r.tolerate ? dbToleration : {}),
        ...(r.anti ? antiAffinity(`w${i}`, r.anti) : {}),
        ...(r.spreadKey ? spread(`w${i}`, r.spreadKey, r.maxSkew) : {}),
      }),
    );

const workloadsArb = fc
  .integer({ min: 1, max: 4 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => workloadArb(i))));

describe("placement properties", () => {
  it("never places a pod where a rule forbids it, and accounts for every replica", () => {
    fc.assert(
      fc.property(nodesArb, workloadsArb, (nodes, workloads) => {
        const p = placePods(nodes, workloads, { searchBudget: 2000 });
        expect(brokenRules(nodes, workloads, p)).toEqual([]);
        const replicas = workloads.reduce((s, w) => s + w.replicas, 0);
        expect(p.placed + p.unschedulable.length).toBe(replicas);
      }),
      { numRuns: 200 },
    );
  });

  it("schedules every pod of a set built to fit: pods first put on nodes, rules derived from where they sit", () => {
    const built = nodesArb.chain((nodes) =>
      fc
        .array(
          fc.record({
            at: fc.array(fc.integer({ min: 0, max: nodes.length - 1 }), {
              minLength: 1,
              maxLength: 3,
            }),
            weight: fc.integer({ min: 0, max: 100 }),
            pin: fc.boolean(),
            anti: fc.constantFrom(undefined, HOSTNAME, ZONE),
            spreadKey: fc.constantFrom(undefined, HOSTNAME, ZONE),
          }),
          { minLength: 1, maxLength: 4 },
        )
        .map((groups) => ({ nodes, groups })),
    );
    fc.assert(
      fc.property(built, ({ nodes, groups }) => {
        // Requests: each node's share split among the pods put on it by weight, so each node fits.
        const weightOn = nodes.map((_, n) =>
          groups.reduce((s, g) => s + g.weight * g.at.filter((x) => x === n).length, 0),
        );
        const workloads = groups.map((g, i) => {
          const name = `w${i}`;
          const cpu = Math.min(
            ...g.at.map((n) =>
              Math.floor((g.weight * nodes[n].allocatable.milliCpu) / Math.max(100, weightOn[n])),
            ),
          );
          const pools = new Set(g.at.map((n) => nodes[n].pool));
          const hosts = new Set(g.at);
          const zones = new Set(g.at.map((n) => nodes[n].labels[ZONE]));
          const spec: Record<string, any> = {
            ...requests(`${cpu}m`),
            ...(g.at.some((n) => nodes[n].taints.length) ? dbToleration : {}),
            ...(g.pin && pools.size === 1
              ? { nodeSelector: { "platform/role": [...pools][0] } }
              : {}),
          };
          if (g.anti === HOSTNAME && hosts.size === g.at.length)
            Object.assign(spec, antiAffinity(name));
          if (g.anti === ZONE && zones.size === g.at.length)
            Object.assign(spec, antiAffinity(name, ZONE));
          const w = workload(name, g.at.length, spec);
          if (g.spreadKey) {
            // Kept only where the pods as put already meet it.
            const withSpread = workload(name, g.at.length, {
              ...spec,
              ...spread(name, g.spreadKey),
            });
            const p: Placement = {
              placed: 0,
              unschedulable: [],
              pools: [
                {
                  pool: "all",
                  type: "test",
                  nodes: nodes.map((n, k) => ({
                    name: n.name,
                    allocatable: { cpu: 0, memoryGi: 0 },
                    requested: { cpu: 0, memoryGi: 0 },
                    pods: g.at.flatMap((x, r) => (x === k ? [`Deployment/ns/${name}#${r}`] : [])),
                  })),
                },
              ],
            };
            if (brokenRules(nodes, [withSpread], p).every((b) => !b.includes("spread")))
              return withSpread;
          }
          return w;
        });
        const p = placePods(nodes, workloads, { searchBudget: 500000 });
        expect(p.unschedulable).toEqual([]);
        expect(brokenRules(nodes, workloads, p)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

// --- The shipped stacks --------------------------------------------------------------------------

describe("the shipped stacks", () => {
  const stacks = shippedStacks(ROOT);
  let recorded: Map<string, RecordedResource[]>;
  beforeAll(async () => {
    recorded = await recordVariants(stacks.map((s) => ({ label: s, stack: s })));
  }, 240000);
  const defaults = vendoredChartDefaults(ROOT);

  it("would leave the small stack's Postgres replica Pending under required anti-affinity on its one server", () => {
    const regs = recorded.get("small")!.map((r) =>
      r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster"
        ? {
            ...r,
            inputs: {
              ...r.inputs,
              spec: {
                ...r.inputs.spec,
                affinity: { ...r.inputs.spec.affinity, podAntiAffinityType: "required" },
              },
            },
          }
        : r,
    );
    const p = planPlacement(stackConfig("small"), stackWorkloads(regs, defaults))!;
    expect(p.unschedulable).toEqual([
      expect.objectContaining({
        workload: "Cluster/data/postgres",
        replica: 1,
        reason:
          "required anti-affinity (kubernetes.io/hostname): 1 node in pool app, already running a matching pod (Cluster/data/postgres#0)",
      }),
    ]);
  });

  it("runs the small stack's two Postgres instances with preferred spreading, its one server taking both", () => {
    const cluster = recorded
      .get("small")!
      .find((r) => r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster")!;
    expect(cluster.inputs.spec.instances).toBe(2);
    expect(cluster.inputs.spec.affinity.podAntiAffinityType).toBe("preferred");
  });

  it("schedules every replica of every shipped stack at the pools' minimum size", () => {
    expect(stacks).toEqual(
      expect.arrayContaining([
        "local",
        "staging",
        "small",
        "production",
        "production-do",
        "production-hetzner",
        "production-large",
      ]),
    );
    for (const stack of stacks) {
      const config = stackConfig(stack);
      const workloads = stackWorkloads(recorded.get(stack)!, defaults);
      const p = planPlacement(config, workloads);
      if (config.provider === "existing") {
        expect(p).toBeNull();
        continue;
      }
      expect([stack, p!.unschedulable]).toEqual([stack, []]);
      const expected = workloads
        .filter((w) => !w.daemon && !w.transient)
        .reduce((s, w) => s + w.replicas, 0);
      expect([stack, p!.placed]).toEqual([stack, expected]);
      expect(brokenRules(clusterNodes(config)!, workloads, p!)).toEqual([]);
    }
  });
});
