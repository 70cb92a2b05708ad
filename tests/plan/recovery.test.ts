import { environmentOf } from "../../config";
import { recoveryLines, recoveryObjectives, type Objective } from "../../plan/recovery";
import type { Registered } from "../../plan/mocks";
import { shippedStacks } from "../../plan/stack";
import { planJsonRuns } from "../helpers/recorded";
import { stackConfig } from "../helpers/stacks";

// Every RTO and RPO line of the two documents, by the subject the plan reports it under
// (docs/disaster-recovery.md has the same table).
const DOCUMENTED: Record<string, number[]> = {
  "critical services RTO": [15, 60],
  "database RPO": [5, 5],
  "database RTO": [60, 30],
  "file storage RPO": [60, 60],
  "file storage RTO": [240],
  "configuration RPO": [24 * 60, 24 * 60],
  "full system RTO": [120],
};

let plans: Map<string, { tier: string; recovery: Objective[] | null }>;
beforeAll(async () => {
  const runs = await planJsonRuns(shippedStacks());
  plans = new Map([...runs].map(([s, r]) => [s, JSON.parse(r.stdout)]));
}, 300_000);

describe("every shipped stack's plan states its recovery objectives", () => {
  test.each(shippedStacks())("%s", (stack) => {
    const plan = plans.get(stack)!;
    const objectives = plan.recovery!;
    const subjects = new Map(objectives.map((o) => [o.subject, o]));
    for (const [subject, minutes] of Object.entries(DOCUMENTED)) {
      const o = subjects.get(subject);
      expect(o).toBeDefined();
      for (const m of minutes) expect(o!.documented.map((d) => d.minutes)).toContain(m);
      expect(o!.expectedMinutes).not.toBeNull();
      expect(o!.mechanism.length).toBeGreaterThan(20);
    }
    // A production tier meets every one of them; other tiers are shown, not judged.
    if (environmentOf(plan.tier as never) === "production")
      expect(objectives.filter((o) => !o.meets).map((o) => o.subject)).toEqual([]);
    else expect(objectives.every((o) => o.meets === null)).toBe(true);
  });
});

describe("the expected times follow the stack's parts", () => {
  const rds = (inputs: Record<string, unknown>): Registered => ({
    urn: "urn:pulumi:s::p::aws:rds/instance:Instance::database-primary",
    type: "aws:rds/instance:Instance",
    name: "database-primary",
    parent: undefined,
    custom: true,
    protect: true,
    inputs,
    dependencies: [],
    propertyDependencies: {},
    provider: undefined,
  });
  const subject = (os: Objective[], s: string) => os.find((o) => o.subject === s)!;

  test("Multi-AZ fails over in minutes; a single instance is restored", () => {
    const config = stackConfig("production");
    const multi = recoveryObjectives(config, [rds({ multiAz: true })]);
    expect(subject(multi, "database RTO").expectedMinutes).toBe(2);
    expect(subject(multi, "database RPO").expectedMinutes).toBe(0);
    const single = recoveryObjectives(config, [rds({ multiAz: false })]);
    expect(subject(single, "database RTO").expectedMinutes).toBe(20);
    expect(subject(single, "database RPO").expectedMinutes).toBe(5);
  });

  test("a secondary region's database recovers by promotion, its files by replication", () => {
    const config = stackConfig("production-large-ap");
    const os = recoveryObjectives(config, [rds({ replicateSourceDb: "arn:x", multiAz: false })]);
    expect(subject(os, "database RTO").mechanism).toMatch(/promotes the replica/);
    expect(subject(os, "file storage RPO").expectedMinutes).toBe(15);
    expect(subject(os, "full system RTO").expectedMinutes).toBe(15);
  });

  test("a weekly file mirror misses the hour, and the plan says so", () => {
    const config = stackConfig("production-hetzner", {
      backups: { fileSyncSchedule: "0 3 * * 0" },
    });
    const os = recoveryObjectives(config, []);
    expect(subject(os, "file storage RPO").meets).toBe(false);
    expect(recoveryLines(os).join("\n")).toMatch(
      /file storage RPO: expected 7 d, objective 60 min MISSES/,
    );
  });
});

describe("the failover cloud's plan says what failing over to it costs", () => {
  test("enterprise-nyc3: full system back by promoting the standby and moving the DNS, with its day-old data said plainly", () => {
    const full = plans
      .get("enterprise-nyc3")!
      .recovery!.find((o) => o.subject === "full system RTO")!;
    expect(full.expectedMinutes).toBe(30);
    expect(full.mechanism).toMatch(
      /failover cloud, refreshed daily .*RPO about 25 h, the cloud-loss case/,
    );
    // The AWS regions of the group still fail over by replica promotion.
    const primary = plans.get("enterprise-us-east-1")!.recovery!;
    expect(primary.find((o) => o.subject === "full system RTO")!.mechanism).toMatch(/promote it/);
    expect(primary.find((o) => o.subject === "full system RTO")!.mechanism).not.toMatch(
      /failover cloud/,
    );
  });
});
