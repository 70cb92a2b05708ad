import * as k8s from "@pulumi/kubernetes";
import { kubernetesServiceDisallowLoadBalancer } from "../../../policies/kubernetes/kubernetes-service-disallow-load-balancer";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(kubernetesServiceDisallowLoadBalancer, [
  {
    type: k8s.core.v1.Service,
    props: {
      metadata: { name: "envoy", namespace: "gateway", labels: { "platform/exposure": "gateway" } },
      spec: { type: "LoadBalancer", ports: [{ port: 443, targetPort: 10443 }] },
    },
    cases: [
      {
        rule: "a LoadBalancer without the gateway label",
        set: ["metadata.labels", {}],
        expect: /without the label platform\/exposure: gateway/,
      },
      {
        rule: "a LoadBalancer labelled for something else",
        set: ["metadata.labels.platform/exposure", "public"],
        expect: /platform\/exposure/,
      },
    ],
  },
  {
    type: k8s.core.v1.Service,
    props: {
      metadata: { name: "postgres", namespace: "data" },
      spec: { type: "ClusterIP", ports: [{ port: 5432 }] },
    },
    cases: [
      {
        rule: "the database Service turned into a LoadBalancer",
        set: ["spec.type", "LoadBalancer"],
        expect: /type LoadBalancer/,
      },
    ],
    passes: [
      { rule: "it is a NodePort behind the cloud firewall", set: ["spec.type", "NodePort"] },
    ],
  },
]);
