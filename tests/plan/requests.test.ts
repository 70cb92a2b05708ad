import { cpuCores, memoryGi, sumRequests } from "../../plan/requests";
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
});
