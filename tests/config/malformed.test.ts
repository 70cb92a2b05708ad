/**
 * Malformed stack files never pass the gate silently, never crash, never leak (ARCHITECTURE,
 * Testing). Several hundred files are generated from the shipped ones with a fixed seed; each goes
 * through what runs before the first resource under `pulumi up` and in the plan (the stack file
 * read as the CLI reads it, then the config gate), and a sample goes through the whole offline plan.
 */
import fc from "fast-check";
import {
  gate,
  malformedStack,
  secureEnvStack,
  NAMED_LINE,
  plans,
  PROBES,
  probeCase,
  scratchProject,
  type Case,
  type GateOutcome,
  type PlanOutcome,
  SHIPPED,
} from "./malformed-stacks";

const SEED = 20260412;
const RUNS = 320;
const dir = scratchProject();
const cases: Case[] = [
  ...fc.sample(malformedStack, { seed: SEED, numRuns: RUNS }),
  // Legitimate secrets inside the one key that may hold them.
  ...fc.sample(secureEnvStack, { seed: SEED, numRuns: 7 }),
];
const outcomes: GateOutcome[] = cases.map((c, i) => gate(dir, `m${i}`, c.text));
const describeCase = (i: number) => `${cases[i].base}: ${cases[i].label}`;

describe(`${RUNS + 7} generated stack files (seed ${SEED}) through the gate`, () => {
  it("are as varied as promised: every kind of change, every shipped stack, some accepted", () => {
    const kinds = new Set(cases.flatMap((c) => c.kind.split("+")));
    for (const kind of [
      "value",
      "unknown",
      "remove",
      "duplicate",
      "conflict",
      "secure",
      "in-clear",
      "yaml",
    ])
      expect(kinds).toContain(kind);
    expect(new Set(cases.map((c) => c.base)).size).toBe(SHIPPED.length);
    expect(outcomes.filter((o) => o.accepted).length).toBeGreaterThan(5);
    expect(outcomes.filter((o) => !o.accepted).length).toBeGreaterThan(RUNS / 2);
  });

  it("never crash: each is accepted or refused with problem lines", () => {
    const crashes = outcomes
      .map((o, i) => (o.crash ? `${describeCase(i)}: ${o.crash.stack}` : ""))
      .filter(Boolean);
    expect(crashes).toEqual([]);
    for (const o of outcomes) if (!o.accepted) expect(o.lines.length).toBeGreaterThan(0);
  });

  it("name a platform: key path (or the key, or the file position) on every problem line", () => {
    const unnamed = outcomes.flatMap((o, i) =>
      o.lines.filter((l) => !NAMED_LINE.test(l)).map((l) => `${describeCase(i)}: ${l}`),
    );
    expect(unnamed).toEqual([]);
  });

  it("never show a secret: no text behind secure: or a secret key in clear reaches a line", () => {
    const leaks = outcomes.flatMap((o, i) =>
      cases[i].secrets
        .filter((s) => o.lines.some((l) => l.includes(s)))
        .map((s) => `${describeCase(i)}: ${s}`),
    );
    expect(leaks).toEqual([]);
    // The generator does put secrets in: the check above is not vacuous.
    expect(
      cases.filter((c, i) => c.secrets.length && !outcomes[i].accepted).length,
    ).toBeGreaterThan(10);
  });

  it("refuse YAML that does not parse with the file, line and column", () => {
    cases.forEach((c, i) => {
      if (c.kind !== "yaml") return;
      expect(outcomes[i].accepted).toBe(false);
      expect(outcomes[i].lines[0]).toMatch(/^Pulumi\.m\d+\.yaml:\d+:\d+: /);
    });
  });

  it("keep a secure: app env a secret: accepted, and the app's env in the config marked secret", () => {
    const env = cases
      .map((c, i) => ({ c, o: outcomes[i] }))
      .filter(({ c, o }) => c.kind.split("+").includes("secure-env") && o.accepted);
    expect(env.length).toBeGreaterThan(0);
    for (const { o } of env) expect(o.config!.secretKeys).toContain("apps");
  });
});

describe("one probe per rule: each breaks exactly one rule and must be refused naming its key", () => {
  it.each(PROBES.map((p, i) => [p.rule, i] as const))("%s", (_rule, i) => {
    const probe = probeCase(PROBES[i], SEED + i);
    const outcome = gate(dir, `p${i}`, probe.text);
    if (outcome.crash) throw outcome.crash;
    expect(outcome.accepted).toBe(false);
    expect(outcome.lines.some((l) => l.startsWith(probe.refuse))).toBe(true);
    for (const line of outcome.lines) {
      expect(line).toMatch(NAMED_LINE);
      for (const s of probe.secrets) expect(line).not.toContain(s);
    }
  });
});

describe("a sample through the whole offline plan", () => {
  // A few accepted and refused files, picked by the seed's order, and every accepted file with a
  // secure: app env: the plan runs them as `pulumi up` would, under mocks.
  const sample: number[] = [];
  const pick = (pred: (i: number) => boolean, n: number) => {
    for (let i = 0; i < cases.length && n > 0; i++)
      if (!sample.includes(i) && pred(i)) {
        sample.push(i);
        n--;
      }
  };
  const secureEnv = (i: number) => cases[i].kind.split("+").includes("secure-env");
  pick((i) => outcomes[i].accepted && !secureEnv(i), 1);
  pick((i) => outcomes[i].accepted && secureEnv(i), 1);
  pick((i) => !outcomes[i].accepted && cases[i].kind !== "yaml", 1);
  pick((i) => cases[i].kind === "yaml", 1);
  let results: Map<string, PlanOutcome>;
  beforeAll(async () => {
    results = await plans(dir, Object.fromEntries(sample.map((i) => [`s${i}`, cases[i].text])));
  });

  it("exit 2 for a refused file, 0 or 1 for an accepted one; never 3, never a crash", () => {
    for (const i of sample) {
      const r = results.get(`s${i}`)!;
      const expected = outcomes[i].accepted ? [0, 1] : [2];
      if (!expected.includes(r.status ?? -1))
        throw new Error(`${describeCase(i)}: exit ${r.status}\n${r.out.slice(0, 2000)}`);
      expect(r.json).toBeDefined();
    }
  });

  it("register nothing before a refusal, and refuse with the gate's own lines", () => {
    for (const i of sample.filter((j) => !outcomes[j].accepted)) {
      const r = results.get(`s${i}`)!;
      expect(r.json!.resources).toEqual([]);
      const named = (l: string) => l.replace(/\b[ms]\d+\b/g, "x");
      expect(r.json!.problems.map(named)).toEqual(outcomes[i].lines.map(named));
    }
  });

  it("print no secret: neither the texts behind secure: nor the plan's stand-in for them", () => {
    for (const i of sample) {
      const out = results.get(`s${i}`)!.out;
      for (const s of cases[i].secrets) expect(out).not.toContain(s);
      expect(out).not.toContain("plan-placeholder-secret");
    }
  });
});
