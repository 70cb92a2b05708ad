import { machineByName, SERVICES, TIER_BUDGETS } from "../../catalog";
import { registered } from "../helpers/mocks";
import { smarthostPort } from "../../components/kit/smarthost";
import { priceStack } from "../../plan/cost";
import type { Registered } from "../../plan/mocks";
import { evaluatePolicies } from "../../plan/policy";
import { policyConfig } from "../../plan/policy-config";
import "../../plan/pricers";
import { policies } from "../../policies/list";
import { recordAws, stackConfig } from "./helpers";

const fake = registered;

describe("AWS pricers", () => {
  it("price a node group as desired nodes × the catalog type plus each root volume", () => {
    const cost = priceStack(
      [
        fake("aws:eks/nodeGroup:NodeGroup", {
          instanceTypes: ["m7g.xlarge"],
          scalingConfig: { minSize: 3, maxSize: 10, desiredSize: 3 },
          tags: { "platform/rootVolumeGb": "50" },
        }),
      ],
      "aws",
    );
    const type = machineByName("aws", "m7g.xlarge")!;
    expect(cost.monthlyUsd).toBeCloseTo(
      3 * (type.monthlyUsd + 50 * SERVICES.aws.volume.perGbMonthUsd),
      2,
    );
  });

  it("price a Multi-AZ RDS instance twice, storage included, and a replica once", () => {
    const db = machineByName("aws", "db.m7g.large")!.monthlyUsd;
    const storage = 200 * SERVICES.aws.databaseStorage.perGbMonthUsd;
    const price = (inputs: Record<string, any>) =>
      priceStack(
        [
          fake("aws:rds/instance:Instance", {
            instanceClass: "db.m7g.large",
            allocatedStorage: 200,
            ...inputs,
          }),
        ],
        "aws",
      ).monthlyUsd;
    expect(price({ multiAz: true })).toBeCloseTo(2 * (db + storage), 2);
    expect(price({ multiAz: false, replicateSourceDb: "primary" })).toBeCloseTo(db + storage, 2);
  });

  it("price S3 and CloudFront only from the stated assumptions, CloudFront at 500 GB when none is stated", () => {
    const bucket = (tags: Record<string, string>) =>
      priceStack([fake("aws:s3/bucket:Bucket", { tags })], "aws").monthlyUsd;
    expect(bucket({})).toBe(0);
    expect(bucket({ "platform/expectedGb": "500" })).toBeCloseTo(
      500 * SERVICES.aws.objectStorage.perGbMonthUsd,
      2,
    );
    const cdn = priceStack([fake("aws:cloudfront/distribution:Distribution", {})], "aws");
    expect(cdn.monthlyUsd).toBeCloseTo(500 * SERVICES.aws.cdn.perGbUsd, 2);
  });

  it("price the controller-made gateway NLB through the DMZ group's tag, and other groups at nothing", () => {
    const cost = priceStack(
      [
        fake(
          "aws:ec2/securityGroup:SecurityGroup",
          {
            tags: {
              "platform/gatewayLoadBalancer": "nlb",
              "platform/gatewayLoadBalancerZones": "3",
            },
          },
          "dmz",
        ),
        fake("aws:ec2/securityGroup:SecurityGroup", { tags: {} }, "app"),
      ],
      "aws",
    );
    expect(cost.lines.map((l) => l.name)).toEqual(["dmz"]);
    const nlb = SERVICES.aws.nlb;
    expect(cost.monthlyUsd).toBeCloseTo(
      nlb.monthlyUsd + nlb.perCapacityUnitMonthUsd + 3 * SERVICES.aws.publicIpv4.monthlyUsd,
      2,
    );
  });
});

// What the AWS layer cannot build is refused by the config gate: tests/config/gate.test.ts.
describe("alert mail", () => {
  it("opens the SMTP smarthost's port, and only when one is named", () => {
    expect(smarthostPort("smtp.example.com:587")).toBe(587);
    expect(smarthostPort("smtp.example.com")).toBeUndefined();
    expect(smarthostPort(undefined)).toBeUndefined();
  });
});

describe.each([
  ["production", "medium"],
  ["production-large", "large"],
] as const)("stack %s", (stack, tier) => {
  let rs: Registered[];
  beforeAll(async () => {
    rs = await recordAws(stackConfig(stack));
  });

  it("passes every policy of the pack with no mandatory violation", async () => {
    const config = stackConfig(stack);
    expect(config.tier).toBe(tier);
    const violations = await evaluatePolicies(policies, rs, {
      config: policyConfig(config),
      enforcement: "mandatory",
      overrides: {},
      stackTags: { environment: "production", tier },
    });
    expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  });

  it(`costs within the ${tier} tier's documented monthly budget`, () => {
    const { monthlyUsd, byComponent } = priceStack(rs, "aws");
    const budget = TIER_BUDGETS[tier];
    expect(monthlyUsd).toBeGreaterThanOrEqual(budget.min);
    expect(monthlyUsd).toBeLessThanOrEqual(budget.max!);
    expect(Object.keys(byComponent)).toEqual(
      expect.arrayContaining(["network", "cluster", "database", "storage", "cdn"]),
    );
  });
});
