import { parseStackConfig } from "../../config";
import { cpuCores, memoryGi, poolCapacity, sumRequests } from "../../plan/requests";
import { registered } from "../helpers/mocks";

const res = (type: string, inputs: Record<string, any>) => registered(type, inputs, type);
const requests = (cpu: string, memory: string) => ({ resources: { requests: { cpu, memory } } });

describe("workload requests", () => {
  it("reads Kubernetes quantities", () => {
    expect(cpuCores("250m")).toBe(0.25);
    expect(cpuCores("2")).toBe(2);
    expect(memoryGi("512Mi")).toBe(0.5);
    expect(memoryGi("4Gi")).toBe(4);
    expect(memoryGi("1G")).toBeCloseTo(0.931, 3);
  });

  it("multiplies pod requests by replicas, chart values by their replica counts, and counts DaemonSets per node", () => {
    const total = sumRequests([
      res("kubernetes:apps/v1:Deployment", {
        spec: { replicas: 3, template: { spec: { containers: [requests("1", "2Gi")] } } },
      }),
      res("kubernetes:helm.sh/v3:Release", {
        values: { controller: { replicaCount: 2, ...requests("100m", "128Mi") } },
      }),
      res("kubernetes:postgresql.cnpg.io/v1:Cluster", {
        spec: { instances: 2, ...requests("500m", "1Gi") },
      }),
      res("kubernetes:apps/v1:DaemonSet", {
        spec: { template: { spec: { containers: [requests("50m", "64Mi")] } } },
      }),
    ]);
    expect(total.cpu).toBeCloseTo(3 + 0.2 + 1);
    expect(total.memoryGi).toBeCloseTo(6 + 0.25 + 2);
    expect(total.perNode).toEqual({ cpu: 0.05, memoryGi: 0.06 });
  });

  it("files each workload under the pool its nodeSelector names, chart values and CloudNativePG affinity included", () => {
    const pinned = (role: string) => ({ nodeSelector: { "platform/role": role } });
    const total = sumRequests([
      res("kubernetes:apps/v1:Deployment", {
        spec: {
          replicas: 2,
          template: { spec: { ...pinned("db"), containers: [requests("1", "1Gi")] } },
        },
      }),
      res("kubernetes:helm.sh/v3:Release", {
        values: {
          prometheus: { prometheusSpec: { ...pinned("monitoring"), ...requests("2", "4Gi") } },
        },
      }),
      res("kubernetes:postgresql.cnpg.io/v1:Cluster", {
        spec: { instances: 2, affinity: pinned("db"), ...requests("4", "16Gi") },
      }),
      res("kubernetes:apps/v1:Deployment", {
        spec: { template: { spec: { containers: [requests("500m", "512Mi")] } } },
      }),
    ]);
    expect(total.byPool).toEqual({
      db: { cpu: 10, memoryGi: 34 },
      monitoring: { cpu: 2, memoryGi: 4 },
      unpinned: { cpu: 0.5, memoryGi: 0.5 },
    });
  });

  it("sets pinned requests against their own pool and unpinned ones against the untainted pools", () => {
    const config = parseStackConfig({
      provider: "hetzner",
      tier: "local",
      region: "fsn1",
      domain: "example.com",
      nodePools: {
        app: { profile: "app", min: 2, max: 2, desired: 2 },
        db: { profile: "db", min: 1, max: 1, desired: 1 },
      },
    });
    const fit = (db: number) =>
      poolCapacity(config, {
        cpu: db + 3,
        memoryGi: 0,
        perNode: { cpu: 0.5, memoryGi: 0 },
        byPool: { db: { cpu: db, memoryGi: 0 }, unpinned: { cpu: 3, memoryGi: 0 } },
      })!.pools;
    const [app, dbPool] = fit(1);
    expect(app).toMatchObject({ role: "app", nodes: 2, requested: { cpu: 3 }, fits: true });
    // A DaemonSet's share comes off every node: 16 cores at 90 % less 0.5.
    expect(dbPool).toMatchObject({ role: "db", requested: { cpu: 1 }, capacity: { cpu: 13.9 } });
    expect(fit(14)[1].fits).toBe(false);
    expect(fit(14)[0].fits).toBe(true);
  });
});
