import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SERVICES } from "../../catalog";
import { COST_USAGE } from "../../config/presets";
import { priceStack } from "../../plan/cost";
import { reviewCost, type SavedPlan } from "../../plan/cost-review";
import { CDN_HTTPS_PER_MILLION_USD } from "../../plan/pricers/aws";
import "../../plan/pricers";
import { changedStack, planChanged } from "../helpers/changed-stack";
import { registered as fake } from "../helpers/mocks";
import { planJsonRuns } from "../helpers/recorded";
import { stackConfig } from "../helpers/stacks";

const usage = (over: Partial<typeof COST_USAGE> = {}) => ({ ...COST_USAGE, ...over });
const one = (type: string, inputs: Record<string, any>, provider: any, u = usage()) =>
  priceStack([fake(type, inputs)], provider, u).lines[0];

describe("cost.usage: the usage-billed lines priced from the stack's expected usage", () => {
  it("every tier gets the documented defaults unless the stack states its own", () => {
    expect(stackConfig("small").cost.usage).toEqual(COST_USAGE);
    expect(stackConfig("production", { cost: { usage: { logIngestGb: 40 } } }).cost.usage).toEqual({
      ...COST_USAGE,
      logIngestGb: 40,
    });
  });

  it("a negative or fractional amount is refused", () => {
    expect(() => stackConfig("small", { cost: { usage: { transferGb: -1 } } })).toThrow(
      /cost\.usage\.transferGb/,
    );
    expect(() => stackConfig("small", { cost: { usage: { cdnRequestsMillions: 1.5 } } })).toThrow(
      /cost\.usage\.cdnRequestsMillions/,
    );
  });

  it("CloudFront HTTPS requests at $0.01 per 10,000 (prices.md §1, [A2] 2024-07-01)", () => {
    const cdn = "aws:cloudfront/distribution:Distribution";
    const none = priceStack([fake(cdn, {})], "aws").lines[0];
    expect(none.basis).toContain("requests not estimated");
    const ten = one(cdn, {}, "aws", usage({ cdnRequestsMillions: 10 }));
    const thirty = one(cdn, {}, "aws", usage({ cdnRequestsMillions: 30 }));
    expect(CDN_HTTPS_PER_MILLION_USD).toBe((0.01 * 1_000_000) / 10_000);
    expect(thirty.monthlyUsd - ten.monthlyUsd).toBeCloseTo(20, 2);
    expect(ten.monthlyUsd - none.monthlyUsd).toBeCloseTo(10, 2);
  });

  it("a bucket with no stated size holds a month's growth; a stated size wins", () => {
    const bucket = "aws:s3/bucket:Bucket";
    const per = SERVICES.aws.objectStorage.perGbMonthUsd;
    expect(priceStack([fake(bucket, {})], "aws").monthlyUsd).toBe(0);
    expect(one(bucket, {}, "aws", usage({ objectStorageGrowthGb: 200 })).monthlyUsd).toBe(
      Math.round(200 * per * 100) / 100,
    );
    const tags = { "platform/expectedGb": "10" };
    expect(one(bucket, { tags }, "aws").monthlyUsd).toBe(Math.round(10 * per * 100) / 100);
  });

  it("a log group with no stated volume ingests cost.usage.logIngestGb", () => {
    const logs = SERVICES.aws.logs;
    const line = one(
      "aws:cloudwatch/logGroup:LogGroup",
      { retentionInDays: 30 },
      "aws",
      usage({ logIngestGb: 20 }),
    );
    expect(line.monthlyUsd).toBeCloseTo(20 * logs.perGbUsd + 20 * logs.perGbMonthUsd, 2);
  });

  it("Spaces and Hetzner Object Storage egress only beyond the included terabyte", () => {
    const spaces = SERVICES.digitalocean.objectStorage;
    const s = (gb: number) =>
      one(
        "platform:digitalocean:Spaces",
        { storageGb: 0 },
        "digitalocean",
        usage({ transferGb: gb }),
      ).monthlyUsd;
    expect(s(1024)).toBe(spaces.monthlyUsd);
    expect(s(2024)).toBeCloseTo(spaces.monthlyUsd + 1000 * spaces.perGbUsd!, 2);
    const H = SERVICES.hetzner.objectStorage;
    const h = (gb: number) =>
      one("platform:hetzner:ObjectStorage", { expectedGb: 0 }, "hetzner", usage({ transferGb: gb }))
        .monthlyUsd;
    expect(h(1000)).toBeCloseTo(H.monthlyUsd, 2);
    expect(h(3000)).toBeCloseTo(H.monthlyUsd + 2000 * H.perGbUsd, 2);
  });
});

describe("a changed cost.usage in the stack file moves the priced line in the review", () => {
  it("production with 30M CDN requests instead of 10M: the distribution +$20, nothing else", async () => {
    const run = (await planJsonRuns(["production"])).get("production")!;
    const base: SavedPlan = JSON.parse(run.stdout);
    const dir = changedStack("production", (config) => {
      config["platform:cost"] = { usage: { cdnRequestsMillions: 30 } };
    });
    const head: SavedPlan = JSON.parse(planChanged(dir, ["--json"]).stdout);
    const r = reviewCost(base, head);
    expect(r.lines.map((l) => [l.name, l.change, l.delta])).toEqual([
      ["cdn-distribution", "changed", 20],
    ]);
    expect(r.components).toEqual([expect.objectContaining({ component: "cdn", delta: 20 })]);
    expect(r.total.delta).toBe(20);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cost-usage-")), "base.json");
    fs.writeFileSync(file, run.stdout);
    expect(planChanged(dir, ["--base", file]).stdout).toContain("cdn: $61.50 → $81.50 (+$20.00)");
  }, 120_000);
});
