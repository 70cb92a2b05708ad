import * as k8s from "@pulumi/kubernetes";
import { kubernetesHpaEnforceBounds } from "../../../policies/kubernetes/kubernetes-hpa-enforce-bounds";
import { describeResourcePolicy } from "../harness";
import { hpa } from "../fixtures";

describeResourcePolicy(kubernetesHpaEnforceBounds, [
  {
    type: k8s.autoscaling.v2.HorizontalPodAutoscaler,
    props: hpa(),
    cases: [
      {
        rule: "more than 50 replicas",
        set: ["spec.maxReplicas", 80],
        expect: /maxReplicas is 80; the documented maximum is 50/,
      },
      {
        rule: "fewer than 3 replicas in production",
        set: ["spec.minReplicas", 2],
        expect: /minReplicas is 2; production keeps at least 3/,
      },
      {
        rule: "a CPU target of 90%",
        set: ["spec.metrics.0.resource.target.averageUtilization", 90],
        expect: /CPU target is 90%/,
      },
      {
        rule: "no CPU metric",
        set: ["spec.metrics.0.resource.name", "memory"],
        expect: /no CPU utilization target/,
      },
      {
        rule: "a stack that caps replicas at 20",
        config: { hpa: { minReplicas: 3, maxReplicas: 20, cpuPercent: 70 } },
        expect: /maximum is 20/,
      },
    ],
    passes: [
      {
        rule: "the CPU target scales out earlier, at 60%",
        set: ["spec.metrics.0.resource.target.averageUtilization", 60],
      },
    ],
  },
  {
    type: k8s.autoscaling.v2.HorizontalPodAutoscaler,
    props: { ...hpa(), spec: { ...hpa().spec, minReplicas: 1 } },
    config: { environment: "staging" },
    cases: [
      {
        rule: "the same single-replica minimum in production",
        config: { environment: "production" },
        expect: /minReplicas is 1/,
      },
    ],
  },
]);
