import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SERVICES } from "../../catalog";
import { monitoringSizing } from "../../components/monitoring/sizing";
import { shippedStacks } from "../../plan/stack";
import { VOLUME_TYPES } from "../../plan/volumes";
import { stackConfig } from "../helpers/stacks";
import { planJsonRuns, type PlanRun } from "../helpers/recorded";

const ROOT = path.resolve(__dirname, "../..");

/** The plan CLI in its own process, as a user runs it (the Pulumi runtime is one per process). */
export function plan(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["-r", "./plan/register.js", "plan/cli.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("offline plan", () => {
  const stacks = shippedStacks(ROOT);
  /** One JSON plan per shipped stack, run two at a time, shared by the tests below. */
  let json = new Map<string, PlanRun>();
  beforeAll(async () => {
    json = await planJsonRuns(stacks);
  }, 180000);

  it("ships the local, staging and production stacks", () => {
    expect(stacks).toEqual(expect.arrayContaining(["local", "staging", "production"]));
  });

  it.each(stacks)("plans %s clean, as JSON with resources, violations and cost", (stack) => {
    const r = json.get(stack)!;
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stack).toBe(stack);
    expect(out.resources.length).toBeGreaterThan(5);
    for (const res of out.resources)
      expect(Object.keys(res)).toEqual(expect.arrayContaining(["type", "name", "parent"]));
    expect(out.violations.filter((v: any) => v.enforcementLevel === "mandatory")).toEqual([]);
    expect(out.cost).toEqual(
      expect.objectContaining({ monthlyUsd: expect.any(Number), byComponent: expect.any(Object) }),
    );
    expect(out.cost.budget).toEqual(expect.objectContaining({ min: expect.any(Number) }));
  });

  it("fits the local stack on a 4 CPU / 8 GB laptop cluster, leaving 1 CPU and 2 GB for the cluster itself", () => {
    const out = JSON.parse(json.get("local")!.stdout);
    expect(out.requests.cpu + out.requests.perNode.cpu).toBeLessThanOrEqual(3);
    expect(out.requests.memoryGi + out.requests.perNode.memoryGi).toBeLessThanOrEqual(6);
    expect(out.requests.cpu).toBeGreaterThan(1); // the whole platform is there, not an empty stack
  });

  it.each(stacks.filter((s) => s !== "local"))(
    "places every pod of %s on its node pools at their minimum size, within each node's allocatable",
    (stack) => {
      const out = JSON.parse(json.get(stack)!.stdout);
      expect(out.placement.unschedulable).toEqual([]);
      expect(out.placement.pools.length).toBeGreaterThan(0);
      let cpu = 0;
      for (const pool of out.placement.pools)
        for (const n of pool.nodes) {
          expect([n.name, n.requested.cpu <= n.allocatable.cpu]).toEqual([n.name, true]);
          expect([n.name, n.requested.memoryGi <= n.allocatable.memoryGi]).toEqual([n.name, true]);
          cpu += n.requested.cpu;
        }
      // Every request landed on some node: the placed total is the stack's requests, DaemonSet
      // pods once per node they run on.
      expect(cpu).toBeGreaterThanOrEqual(out.requests.cpu - 0.05);
    },
  );

  it("leaves an existing cluster's placement out: its nodes are not the stack's to size", () => {
    expect(JSON.parse(json.get("local")!.stdout).placement).toBeNull();
  });

  it("prices production's persistent volumes at the catalog's gp3 price: Prometheus, each Alertmanager's 2 GB, Loki", () => {
    const out = JSON.parse(json.get("production")!.stdout);
    const config = stackConfig("production");
    const lines = out.cost.lines.filter((l: any) => VOLUME_TYPES.includes(l.type));
    expect(lines.map((l: any) => l.name).sort()).toEqual([
      "platform-logging-loki",
      "platform-monitoring-stack",
    ]);
    // The medium AWS stack gives Loki no bucket, so it runs as one binary on one volume.
    const gb =
      config.monitoring.storageGb +
      monitoringSizing(config.monitoring).alertmanagerReplicas * 2 +
      config.logging.storageGb;
    const sum = lines.reduce((n: number, l: any) => n + l.monthlyUsd, 0);
    expect(sum).toBeCloseTo(gb * SERVICES.aws.volume.perGbMonthUsd, 2);
    expect(sum).toBeGreaterThan(0);
  });

  it("adds nothing for production-hetzner's claims: they sit on node disks the Hetzner layer prices", () => {
    const out = JSON.parse(json.get("production-hetzner")!.stdout);
    const lines = out.cost.lines.filter((l: any) => VOLUME_TYPES.includes(l.type));
    expect(lines.map((l: any) => l.name)).toContain("platform-postgres-cluster");
    for (const l of lines) expect([l.name, l.monthlyUsd]).toEqual([l.name, 0]);
  });

  it("writes the --policy-pack-config file of a stack: its admin networks, environment and levels", () => {
    const r = plan(["production", "--policy-config"]);
    expect(r.status).toBe(0);
    const file = JSON.parse(r.stdout);
    // Each policy gets the keys its schema declares: SSH the admin networks, multi-AZ the environment.
    expect(file["aws-ec2-disallow-public-ssh"]).toEqual({
      enforcementLevel: "mandatory",
      adminCidrs: ["203.0.113.0/24"],
    });
    expect(file["aws-rds-require-multi-az"]).toEqual({
      enforcementLevel: "mandatory",
      environment: "production",
    });
    expect(Object.values(file).every((p: any) => p.enforcementLevel === "mandatory")).toBe(true);
  });

  it("prints the resource tree grouped by component", () => {
    const r = plan(["local"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/▸ platform-api {2}platform:apps:App\n {4}platform-api-/);
    expect(r.stdout).toMatch(/monthly cost estimate: \$0\.00/);
  });

  it("exits 2 on an invalid stack file with one line per problem and no stack trace", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(
      path.join(dir, "Pulumi.bad.yaml"),
      [
        "config:",
        "  platform:provider: existing",
        "  platform:tier: huge",
        "  platform:region: local",
        "  platform:domain: example.test",
        "  platform:adminCidrs: [10.1.2.0/99]",
        "  platform:apps:",
        "    - { name: api, image: r/api:1.0.0, port: 3000, replicas: -1 }",
      ].join("\n"),
    );
    const r = plan(["bad"], { PLAN_ROOT: dir });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split("\n").slice(1);
    expect(lines.map((l) => l.trim().split(":").slice(0, 2).join(":"))).toEqual([
      "platform:tier",
      "platform:adminCidrs[0]",
      "platform:apps[0].replicas",
    ]);
    expect(r.stderr).not.toMatch(/\bat \S+ \(/);
  });

  it("prints a pull-request summary with totals and violations first, under 60,000 characters", () => {
    const r = plan(["local", "--markdown"]);
    expect(r.status).toBe(0);
    expect(r.stdout.indexOf("Monthly cost estimate")).toBeLessThan(
      r.stdout.indexOf("resources by type"),
    );
    expect(r.stdout.length).toBeLessThan(60000);
  });
});
