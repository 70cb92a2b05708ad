import * as k8s from "@pulumi/kubernetes";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configSchema, readConfig } from "../config";

export const kubernetesHpaEnforceBounds: ResourceValidationPolicy = {
  name: "kubernetes-hpa-enforce-bounds",
  description:
    "Infrastructure recommendations, Scaling Strategy (Kubernetes HPA: min replicas 3, max replicas 50, CPU target 70%): autoscalers stay within those bounds, with the minimum binding production only.",
  configSchema: configSchema("environment", "hpa"),
  validateResource: validateResourceOfType(
    k8s.autoscaling.v2.HorizontalPodAutoscaler,
    (hpa, args, report) => {
      const { environment, hpa: bounds } = readConfig(args);
      const spec = hpa.spec;
      if (!spec) return;
      if (spec.maxReplicas > bounds.maxReplicas) {
        report(
          `maxReplicas is ${spec.maxReplicas}; the documented maximum is ${bounds.maxReplicas}.`,
        );
      }
      const min = spec.minReplicas ?? 1;
      if (environment === "production" && min < bounds.minReplicas) {
        report(`minReplicas is ${min}; production keeps at least ${bounds.minReplicas}.`);
      }
      const cpu = (spec.metrics ?? []).find(
        (m) => m.type === "Resource" && m.resource?.name === "cpu",
      );
      const target = cpu?.resource?.target;
      if (target?.type !== "Utilization" || target.averageUtilization === undefined) {
        report(`no CPU utilization target; scale out at ${bounds.cpuPercent}% CPU.`);
      } else if (target.averageUtilization > bounds.cpuPercent) {
        report(
          `CPU target is ${target.averageUtilization}%; scale out at ${bounds.cpuPercent}% at most.`,
        );
      }
    },
  ),
};
