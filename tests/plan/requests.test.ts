import { cpuCores, memoryGi, sumRequests } from "../../plan/requests";
import { stackWorkloads } from "../../plan/workloads";
import { registered } from "../helpers/mocks";

const res = (type: string, inputs: Record<string, any>) => registered(type, inputs, type);
const requests = (cpu: string, memory: string) => ({ resources: { requests: { cpu, memory } } });
const pinned = (role: string) => ({ nodeSelector: { "platform/role": role } });

describe("workload requests", () => {
  it("reads Kubernetes quantities", () => {
    expect(cpuCores("250m")).toBe(0.25);
    expect(cpuCores("2")).toBe(2);
    expect(memoryGi("512Mi")).toBe(0.5);
    expect(memoryGi("4Gi")).toBe(4);
    expect(memoryGi("1G")).toBeCloseTo(0.931, 3);
  });

  it("multiplies pod requests by replicas, counts DaemonSets once per node and leaves Jobs out", () => {
    const total = sumRequests(
      stackWorkloads([
        res("kubernetes:apps/v1:Deployment", {
          spec: { replicas: 3, template: { spec: { containers: [requests("1", "2Gi")] } } },
        }),
        res("kubernetes:helm.sh/v3:Release", {
          chart: "cloudnative-pg",
          values: { replicaCount: 2, ...requests("100m", "128Mi") },
        }),
        res("kubernetes:postgresql.cnpg.io/v1:Cluster", {
          spec: { instances: 2, ...requests("500m", "1Gi") },
        }),
        res("kubernetes:apps/v1:DaemonSet", {
          spec: { template: { spec: { containers: [requests("50m", "64Mi")] } } },
        }),
        res("kubernetes:batch/v1:CronJob", {
          spec: {
            jobTemplate: { spec: { template: { spec: { containers: [requests("4", "8Gi")] } } } },
          },
        }),
      ]),
    );
    expect(total.cpu).toBeCloseTo(3 + 0.2 + 1);
    expect(total.memoryGi).toBeCloseTo(6 + 0.25 + 2);
    expect(total.perNode).toEqual({ cpu: 0.05, memoryGi: 0.06 });
  });

  it("files each workload under the pool its nodeSelector names, chart values and CloudNativePG affinity included", () => {
    const total = sumRequests(
      stackWorkloads([
        res("kubernetes:apps/v1:Deployment", {
          spec: {
            replicas: 2,
            template: { spec: { ...pinned("db"), containers: [requests("1", "1Gi")] } },
          },
        }),
        res("kubernetes:helm.sh/v3:Release", {
          chart: "kube-prometheus-stack",
          values: {
            prometheus: { prometheusSpec: { ...pinned("monitoring"), ...requests("2", "4Gi") } },
            alertmanager: { enabled: false },
            grafana: { enabled: false },
            kubeStateMetrics: { enabled: false },
            nodeExporter: { enabled: false },
            prometheusOperator: { enabled: false },
          },
        }),
        res("kubernetes:postgresql.cnpg.io/v1:Cluster", {
          spec: { instances: 2, affinity: pinned("db"), ...requests("4", "16Gi") },
        }),
        res("kubernetes:apps/v1:Deployment", {
          spec: { template: { spec: { containers: [requests("500m", "512Mi")] } } },
        }),
      ]),
    );
    expect(total.byPool).toEqual({
      db: { cpu: 10, memoryGi: 34 },
      monitoring: { cpu: 2, memoryGi: 4 },
      unpinned: { cpu: 0.5, memoryGi: 0.5 },
    });
  });
});
