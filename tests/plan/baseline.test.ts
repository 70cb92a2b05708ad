/**
 * Behaviour is pinned: every shipped stack registers the same resources with the same inputs and
 * plans to the same problems, violations, placement, outputs and cost as its committed baseline
 * (tests/baseline/). A refactor leaves them unchanged; a deliberate change runs `npm run baseline`
 * and explains the difference in its commit.
 */
import { shippedStacks } from "../../plan/stack";
import { baselineDiff, currentBaselines, readBaseline, type Baseline } from "../helpers/baseline";

const stacks = shippedStacks();
let current: Map<string, Baseline>;

beforeAll(async () => {
  current = await currentBaselines(stacks);
}, 600_000);

describe.each(stacks)("stack %s", (stack) => {
  it("matches its committed baseline", () => {
    const before = readBaseline(stack);
    expect(before).toBeDefined();
    expect(baselineDiff(before!, current.get(stack)!)).toEqual([]);
  });
});

it("the diff names what changed", () => {
  const b: Baseline = { cost: { monthlyUsd: 1 }, resources: [{ urn: "a", inputs: { x: 1 } }] };
  const a: Baseline = {
    cost: { monthlyUsd: 2 },
    resources: [
      { urn: "a", inputs: { x: 2 } },
      { urn: "b", inputs: {} },
    ],
  };
  expect(baselineDiff(b, a)).toEqual(["section cost differs", "changed a", "added b"]);
  expect(baselineDiff(b, b)).toEqual([]);
});
