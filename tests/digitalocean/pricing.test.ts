import { machineByName, SERVICES, TIER_BUDGETS } from "../../catalog";
import { digitaloceanCluster } from "../../components/digitalocean";
import { cachePlan, databasePlan } from "../../components/digitalocean/managed-data-sizing";
import { nodePoolSpecs } from "../../components/digitalocean/node-pools";
import { priceStack } from "../../plan/cost";
import "../../plan/pricers";
import { record, registered } from "../helpers/mocks";
import { stackConfig } from "../helpers/stacks";

const DO = SERVICES.digitalocean;

async function estimate(stack: string) {
  const config = stackConfig(stack);
  const resources = await record(() => digitaloceanCluster(config));
  return { config, cost: priceStack(resources, "digitalocean") };
}

type Estimate = Awaited<ReturnType<typeof estimate>>;

const line = (cost: Estimate["cost"], name: string) => cost.lines.find((l) => l.name === name)!;

describe("DigitalOcean pricing", () => {
  let staging: Estimate;
  let production: Estimate;
  beforeAll(async () => {
    staging = await estimate("staging");
    production = await estimate("production-do");
  });

  it("lands staging inside the documented Kubernetes staging range of $100-150 a month", () => {
    const { cost } = staging;
    const budget = TIER_BUDGETS.staging;
    expect(cost.monthlyUsd).toBeGreaterThanOrEqual(budget.min);
    expect(cost.monthlyUsd).toBeLessThanOrEqual(budget.max!);
  });

  it("prices the staging cluster as 3 nodes at the s-2vcpu-4gb price plus the HA control plane", () => {
    const { cost } = staging;
    const node = machineByName("digitalocean", "s-2vcpu-4gb")!.monthlyUsd;
    expect(line(cost, "cluster-cluster").monthlyUsd).toBe(3 * node + DO.controlPlaneHa.monthlyUsd);
  });

  it("prices the gateway load balancer the cloud controller creates by its size units", () => {
    const lb = line(staging.cost, "cluster-gateway-lb");
    expect(lb.monthlyUsd).toBe(DO.loadBalancerNode.monthlyUsd);
    expect(lb.basis).toMatch(/created by the cloud controller/);
    expect(line(production.cost, "cluster-gateway-lb").monthlyUsd).toBe(
      2 * DO.loadBalancerNode.monthlyUsd,
    );
  });

  it("charges the Spaces subscription once per stack, not per bucket, plus storage beyond 250 GiB", () => {
    const { config, cost } = production;
    const spaces = cost.lines.filter((l) => /Spaces subscription/.test(l.basis));
    expect(spaces).toHaveLength(1);
    const extra = config.objectStorage.storageGb - DO.objectStorage.includedGb;
    expect(spaces[0].monthlyUsd).toBeCloseTo(
      DO.objectStorage.monthlyUsd + extra * DO.objectStorage.perGbMonthUsd,
    );
    expect(cost.lines.filter((l) => l.type.includes("spacesBucket"))).toEqual([]);
  });

  it("prices managed Postgres with a standby at ⅔ and each read-only node in full, Valkey per node", () => {
    const { config, cost } = production;
    const pg = databasePlan(config);
    expect(line(cost, "database-cluster").monthlyUsd).toBeCloseTo(
      pg.type.monthlyUsd * (1 + 2 / 3),
      2,
    );
    expect(line(cost, "database-replica-1").monthlyUsd).toBe(pg.type.monthlyUsd);
    const valkey = cachePlan(config);
    expect(line(cost, "cache-cluster").monthlyUsd).toBe(valkey.type.monthlyUsd * valkey.nodes);
    // The catalog's own sum for the same choice agrees with what the pricers add up.
    expect(
      line(cost, "database-cluster").monthlyUsd + line(cost, "database-replica-1").monthlyUsd,
    ).toBeCloseTo(pg.monthlyUsd, 1);
  });

  it("prices the autoscaled app pool at its floor", () => {
    const { config, cost } = production;
    const [app] = nodePoolSpecs(config);
    const node = machineByName("digitalocean", app.size)!.monthlyUsd;
    expect(line(cost, "cluster-cluster").monthlyUsd).toBe(
      app.minNodes! * node + DO.controlPlaneHa.monthlyUsd,
    );
    expect(line(cost, "cluster-cluster").basis).toMatch(/autoscaler floor; up to 10/);
  });

  it("lands medium production on DigitalOcean inside the documented $500-2,000 a month", () => {
    const { cost } = production;
    expect(cost.monthlyUsd).toBeGreaterThanOrEqual(TIER_BUDGETS.medium.min);
    expect(cost.monthlyUsd).toBeLessThanOrEqual(TIER_BUDGETS.medium.max!);
    expect(Object.keys(cost.byComponent).sort()).toEqual([
      "alerts",
      "cache",
      "cluster",
      "database",
      "storage",
    ]);
  });

  it("prices a control plane without HA at $0 and a size it does not know at $0, saying so", () => {
    const cluster = (inputs: Record<string, any>) =>
      registered("digitalocean:index/kubernetesCluster:KubernetesCluster", inputs, "c");
    const plain = priceStack(
      [cluster({ ha: false, nodePool: { size: "s-2vcpu-4gb", nodeCount: 2 } })],
      "digitalocean",
    );
    expect(plain.monthlyUsd).toBe(2 * machineByName("digitalocean", "s-2vcpu-4gb")!.monthlyUsd);
    const unknown = priceStack(
      [cluster({ ha: false, nodePool: { size: "s-64vcpu-x", nodeCount: 2 } })],
      "digitalocean",
    );
    expect(unknown.monthlyUsd).toBe(0);
    expect(unknown.lines[0].basis).toMatch(/not in the catalog/);
  });
});
