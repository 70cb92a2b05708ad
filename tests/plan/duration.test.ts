import { spawnSync } from "child_process";
import * as path from "path";
import { deployTime, DOCUMENTED_TIME_TO_DEPLOY } from "../../plan/deploy-time";
import { creationTime, criticalPath, DEFAULT_CREATION } from "../../plan/duration";
import type { Registered } from "../../plan/mocks";
import { runPlan, type PlanResult } from "../../plan/run";

const ROOT = path.resolve(__dirname, "../..");

/** A registration of the hand-made graphs: custom unless said, no inputs. */
function res(name: string, type: string, deps: string[] = [], more: Partial<Registered> = {}) {
  return {
    urn: name,
    name,
    type,
    parent: undefined,
    custom: true,
    protect: false,
    inputs: {},
    dependencies: deps,
    propertyDependencies: {},
    provider: undefined,
    ...more,
  } as Registered;
}

describe("critical path of a first pulumi up", () => {
  const minutes = (r: Registered) => Number(r.type);

  it("takes the longest of parallel branches and adds the steps of a chain", () => {
    // a(2) → b(3) → d(1) and a(2) → c(10) → d(1): 2 + 10 + 1
    const graph = [
      res("a", "2"),
      res("b", "3", ["a"]),
      res("c", "10", ["a"]),
      res("d", "1", ["b", "c"]),
    ];
    const cp = criticalPath(graph, minutes);
    expect(cp.minutes).toBe(13);
    expect(cp.path.map((s) => s.name)).toEqual(["a", "c", "d"]);
    expect(cp.path.map((s) => s.startsAt)).toEqual([0, 2, 12]);
    expect(cp.finishes.get("b")).toBe(5);
  });

  it("lets independent resources run side by side", () => {
    const cp = criticalPath([res("a", "4"), res("b", "7"), res("c", "1")], minutes);
    expect(cp.minutes).toBe(7);
    expect(cp.path.map((s) => s.name)).toEqual(["b"]);
  });

  it("gives a component no time, waits for all its children when depended on, and starts its children after its own dependencies", () => {
    const graph = [
      res("db", "5"),
      res("comp", "99", ["db"], { custom: false }),
      res("child-1", "2", [], { parent: "comp" }),
      res("child-2", "6", [], { parent: "comp" }),
      res("app", "1", ["comp"]),
    ];
    const cp = criticalPath(graph, minutes);
    // db 5, then the component's slowest child 6, then app 1.
    expect(cp.minutes).toBe(12);
    expect(cp.path.map((s) => s.name)).toEqual(["db", "child-2", "app"]);
  });

  it("starts a child of a custom resource after its parent is created", () => {
    const cp = criticalPath([res("p", "3"), res("c", "2", [], { parent: "p" })], minutes);
    expect(cp.minutes).toBe(5);
  });

  it("takes the default for a type with no typical time, and none for providers and components", () => {
    const unknown = res("x", "example:index/thing:Thing");
    expect(creationTime(unknown)).toEqual(DEFAULT_CREATION);
    expect(criticalPath([unknown, res("y", "example:index/thing:Thing", ["x"])]).minutes).toBe(
      2 * DEFAULT_CREATION.minutes,
    );
    expect(creationTime(res("p", "pulumi:providers:aws")).minutes).toBe(0);
    expect(creationTime(res("c", "platform:aws:Database", [], { custom: false })).minutes).toBe(0);
  });

  it("tells a Multi-AZ RDS primary from a read replica by their inputs", () => {
    const rds = "aws:rds/instance:Instance";
    const primary = creationTime(res("p", rds, [], { inputs: { multiAz: true } }));
    const replica = creationTime(res("r", rds, [], { inputs: { replicateSourceDb: "p" } }));
    expect(primary.minutes).toBeGreaterThan(DEFAULT_CREATION.minutes);
    expect(replica.source).not.toBe(primary.source);
  });

  it("carries the tiers document's Quick Reference figures", () => {
    expect(DOCUMENTED_TIME_TO_DEPLOY).toEqual({
      small: "1-2 hours",
      medium: "1-2 days",
      large: "1-2 weeks",
      enterprise: "1-3 months",
    });
    expect(deployTime([], "staging").documented).toBeNull();
  });
});

describe("the production stack's time to deploy", () => {
  let result: PlanResult;
  beforeAll(async () => {
    result = await runPlan("production");
  }, 120_000);

  it("runs through the EKS control plane, and the node groups wait for it", () => {
    const cp = criticalPath(result.resources);
    const names = cp.path.map((s) => s.name);
    expect(names).toContain("cluster-eks");
    const urn = (type: string) => result.resources.filter((r) => r.type === type).map((r) => r.urn);
    const [eks] = urn("aws:eks/cluster:Cluster");
    const groups = urn("aws:eks/nodeGroup:NodeGroup");
    expect(groups.length).toBe(2);
    // A node group is created after the control plane and its add-ons: cluster time plus its own.
    for (const g of groups)
      expect(cp.finishes.get(g)!).toBeGreaterThanOrEqual(cp.finishes.get(eks)! + 4);
    // The CDN waits on the cluster's OIDC provider (through the media bucket's access), and
    // CloudFront's 15 minutes after it outlast the node groups and charts.
    expect(names).toContain("cdn-distribution");
  });

  it("estimates between 25 and 60 minutes", () => {
    // At least the EKS control plane (10) and a CloudFront distribution (15) in a chain; under an
    // hour, the create timeout of the slowest resources here (RDS 40 min, EKS 30 min) plus margin.
    const d = deployTime(result.resources, result.config!.tier);
    expect(d.minutes).toBeGreaterThanOrEqual(25);
    expect(d.minutes).toBeLessThanOrEqual(60);
    expect(d.documented?.figure).toBe("1-2 days");
  });
});

describe("the plan's output", () => {
  const plan = (args: string[]) =>
    spawnSync(process.execPath, ["-r", "./plan/register.js", "plan/cli.ts", ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });

  it("prints a time to deploy section in text, markdown and JSON", () => {
    const text = plan(["production"]).stdout;
    expect(text).toMatch(/time to deploy: a first `pulumi up` takes about \d+ min/);
    expect(text).toContain("1-2 days");
    const md = plan(["production", "--markdown"]).stdout;
    expect(md).toMatch(/\*\*Time to deploy:\*\* about \d+ min/);
    const json = JSON.parse(plan(["production", "--json"]).stdout);
    expect(json.deployTime.minutes).toBeGreaterThan(0);
    expect(json.deployTime.path.map((s: { name: string }) => s.name)).toContain("cluster-eks");
  }, 120_000);
});
