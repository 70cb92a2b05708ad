import { stackWorkloadRequireDisruptionBudget } from "../../../policies/stack/stack-workload-require-disruption-budget";
import { describeStackPolicy } from "../harness";
import { deployment, hpa, statefulSet } from "../fixtures";

const pdb = {
  type: "kubernetes:policy/v1:PodDisruptionBudget",
  name: "api-pdb",
  props: {
    metadata: { name: "api", namespace: "apps" },
    spec: { minAvailable: 2, selector: { matchLabels: { "app.kubernetes.io/name": "api" } } },
  },
};

describeStackPolicy(stackWorkloadRequireDisruptionBudget, [
  {
    resources: [{ type: "kubernetes:apps/v1:Deployment", name: "api", props: deployment(3) }, pdb],
    cases: [
      {
        rule: "the budget is removed",
        remove: "api-pdb",
        expect: /Deployment api runs several replicas but no PodDisruptionBudget/,
      },
      {
        rule: "the budget sits in another namespace",
        set: ["api-pdb", "metadata.namespace", "default"],
        expect: /no PodDisruptionBudget/,
      },
      {
        rule: "the budget selects other pods",
        set: ["api-pdb", "spec.selector.matchLabels", { "app.kubernetes.io/name": "web" }],
        expect: /no PodDisruptionBudget/,
      },
    ],
    passes: [
      {
        rule: "the budget selects with a matchExpression",
        set: [
          "api-pdb",
          "spec.selector",
          {
            matchExpressions: [
              { key: "app.kubernetes.io/name", operator: "In", values: ["api", "web"] },
            ],
          },
        ],
      },
    ],
  },
  {
    // One replica, but an HPA scales it out: it needs a budget too.
    resources: [
      { type: "kubernetes:apps/v1:StatefulSet", name: "api", props: statefulSet() },
      {
        type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        name: "api-hpa",
        props: {
          ...hpa(),
          spec: {
            ...hpa().spec,
            scaleTargetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "api" },
          },
        },
      },
      pdb,
    ],
    cases: [
      {
        rule: "an autoscaled single-replica StatefulSet without a budget",
        remove: "api-pdb",
        expect: /StatefulSet api runs several replicas/,
      },
    ],
    passes: [
      {
        rule: "the HPA targets a different workload",
        set: ["api-hpa", "spec.scaleTargetRef.name", "other"],
      },
    ],
  },
]);
