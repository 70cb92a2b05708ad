import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "../../config";
import {
  DOCUMENTED_ROTATION,
  rotatingPassword,
  SECRET_CHECKSUM,
  secretChecksum,
} from "../../components/kit/rotation";
import { rotatingMockOutputs, ROTATING } from "../../plan/mock-outputs/time";
import { rotationLines } from "../../plan/rotations";
import { markdown, text } from "../../plan/render";
import type { PlanResult } from "../../plan/run";
import { record, one } from "../helpers/mocks";
import { planJsonRuns, recordVariants, RECORDED_NOW } from "../helpers/recorded";

const PASSWORD = "random:index/randomPassword:RandomPassword";
const DAY = 86_400_000;

/** Records one rotating password as a `pulumi up` would at `now` (the Rotating's creation time). */
async function recordAt(now: string, kind: "database" | "apiKey", periods = DOCUMENTED_ROTATION) {
  process.env.PLATFORM_PLAN_NOW = now;
  try {
    return await record(() => {
      const parent = new pulumi.ComponentResource("platform:test:Parent", "p");
      rotatingPassword("db-password", { kind, periods, length: 32 }, { parent });
    });
  } finally {
    delete process.env.PLATFORM_PLAN_NOW;
  }
}

const keeperOf = async (now: string, kind: "database" | "apiKey", periods = DOCUMENTED_ROTATION) =>
  one(await recordAt(now, kind, periods), PASSWORD).inputs.keepers.rotation as string;

describe("rotating passwords", () => {
  it("keep the rotation date, so a Rotating created again after its period replaces the password", async () => {
    const first = await keeperOf("2026-01-01T00:00:00Z", "database");
    const again = await keeperOf("2026-01-01T00:00:00Z", "database");
    const recreated = await keeperOf("2026-04-02T00:00:00Z", "database");
    expect(again).toBe(first);
    expect(recreated).not.toBe(first);
  });

  it("rotate database passwords after 90 days and API keys after 180 (tiers document, Rotation)", async () => {
    const start = Date.parse("2026-01-01T00:00:00Z");
    const db = await keeperOf("2026-01-01T00:00:00Z", "database");
    const key = await keeperOf("2026-01-01T00:00:00Z", "apiKey");
    expect((Date.parse(db) - start) / DAY).toBe(90);
    expect((Date.parse(key) - start) / DAY).toBe(180);
  });

  it("follow the configured period", async () => {
    const periods = { databaseDays: 30, apiKeyDays: 60 };
    const recorded = await recordAt("2026-01-01T00:00:00Z", "database", periods);
    expect(one(recorded, ROTATING).inputs.rotationDays).toBe(30);
    expect(one(recorded, PASSWORD).inputs.keepers.rotation).toBe("2026-01-31T00:00:00Z");
  });
});

describe("secrets.rotation config", () => {
  const base = { provider: "existing", tier: "medium", region: "x", domain: "example.test" };
  it("defaults to the documented 90 and 180 days", () => {
    expect(parseStackConfig({ ...base, apps: [] }).secrets.rotation).toEqual({
      databaseDays: 90,
      apiKeyDays: 180,
    });
  });
  it("takes a shorter period and refuses none", () => {
    const c = parseStackConfig({ ...base, apps: [], secrets: { rotation: { databaseDays: 30 } } });
    expect(c.secrets.rotation).toEqual({ databaseDays: 30, apiKeyDays: 180 });
    expect(() =>
      parseStackConfig({ ...base, apps: [], secrets: { rotation: { databaseDays: 0 } } }),
    ).toThrow(/secrets\.rotation\.databaseDays/);
  });
});

describe("secret checksum", () => {
  const sum = (data: Record<string, string>) =>
    new Promise<string>((resolve) => secretChecksum(data).apply(resolve));
  it("changes with a rotated value and not with the order of the keys", async () => {
    const a = await sum({ JWT_SECRET: "a", DATABASE_URL: "postgres://u:p@h/d" });
    expect(await sum({ DATABASE_URL: "postgres://u:p@h/d", JWT_SECRET: "a" })).toBe(a);
    expect(await sum({ JWT_SECRET: "a", DATABASE_URL: "postgres://u:q@h/d" })).not.toBe(a);
  });
});

describe("mock Rotating", () => {
  it("dates the rotation at creation plus the period", () => {
    const out = rotatingMockOutputs({ rotationDays: 90 }, new Date("2026-01-01T12:30:00.123Z"));
    expect(out).toMatchObject({
      rfc3339: "2026-01-01T12:30:00Z",
      rotationRfc3339: "2026-04-01T12:30:00Z",
    });
  });
});

describe("shipped stacks", () => {
  const stacks = ["staging", "production-large"];
  let recorded: Awaited<ReturnType<typeof recordVariants>>;
  let plans: Awaited<ReturnType<typeof planJsonRuns>>;
  beforeAll(async () => {
    [recorded, plans] = await Promise.all([
      recordVariants(stacks.map((stack) => ({ label: stack, stack }))),
      planJsonRuns(stacks),
    ]);
  }, 600_000);

  it.each(stacks)("%s: every pod reading a rotated Secret carries its checksum", (stack) => {
    const rs = recorded.get(stack)!;
    // The apps (JWT key, database and cache URLs), Valkey (its password) and PgBouncer (userlist.txt).
    const workloads = rs.filter(
      (r) =>
        ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"].includes(r.type) &&
        (r.urn.includes("platform:apps:App$") || /(valkey|pgbouncer)-/.test(r.name)),
    );
    expect(workloads.length).toBeGreaterThanOrEqual(4);
    for (const w of workloads)
      expect(w.inputs.spec.template.metadata.annotations?.[SECRET_CHECKSUM]).toMatch(
        /^[0-9a-f]{64}$/,
      );
  });

  it.each(stacks)("%s: the plan lists each rotated secret's next date", (stack) => {
    const plan = JSON.parse(plans.get(stack)!.stdout);
    const start = Date.parse(RECORDED_NOW);
    expect(plan.status).toBe("clean");
    expect(plan.rotations.length).toBeGreaterThanOrEqual(4);
    for (const r of plan.rotations) {
      const expected = /jwt/.test(r.secret) ? 180 : 90;
      expect(r.days).toBe(expected);
      expect((Date.parse(r.next) - start) / DAY).toBe(expected);
    }
    expect(plan.rotations.map((r: { secret: string }) => r.secret)).toEqual(
      expect.arrayContaining([expect.stringMatching(/valkey-password$/)]),
    );
  });
});

it("prints one line per rotated secret with its date", () => {
  const rotating = {
    urn: "urn:r",
    type: ROTATING,
    name: "pw-rotation",
    parent: undefined,
    custom: true,
    protect: false,
    inputs: { rotationDays: 90 },
    dependencies: [],
    propertyDependencies: {},
    provider: undefined,
  };
  const password = {
    ...rotating,
    urn: "urn:p",
    type: PASSWORD,
    name: "pw",
    inputs: { keepers: { rotation: "2026-04-01T00:00:00Z" } },
    propertyDependencies: { keepers: ["urn:r"] },
  };
  expect(rotationLines([rotating, password])).toEqual(["pw: every 90 days, next 2026-04-01"]);
  const plan: PlanResult = {
    stack: "s",
    status: "clean",
    problems: [],
    resources: [rotating, password],
    violations: [],
    cost: { monthlyUsd: 0, floorUsd: 0, ceilingUsd: 0, byComponent: {}, lines: [], budget: null },
    requests: { cpu: 0, memoryGi: 0, perNode: { cpu: 0, memoryGi: 0 }, byPool: {} },
    placement: null,
    outputs: {},
  };
  expect(text(plan)).toContain("  pw: every 90 days, next 2026-04-01");
  expect(markdown(plan)).toContain("1 rotated secrets, next dates");
  expect(markdown(plan)).toContain("- pw: every 90 days, next 2026-04-01");
});
