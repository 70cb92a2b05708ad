import { kubernetesGatewayEnforceTlsVersion } from "../../../policies/kubernetes/kubernetes-gateway-enforce-tls-version";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(kubernetesGatewayEnforceTlsVersion, [
  {
    type: "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy",
    props: {
      apiVersion: "gateway.envoyproxy.io/v1alpha1",
      kind: "ClientTrafficPolicy",
      metadata: { name: "tls", namespace: "gateway" },
      spec: {
        targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "public" }],
        tls: { minVersion: "1.2", maxVersion: "1.3" },
      },
    },
    cases: [
      {
        rule: "TLS 1.1 accepted",
        set: ["spec.tls.minVersion", "1.1"],
        expect: /tls\.minVersion is 1\.1/,
      },
      { rule: "no minimum set", set: ["spec.tls", undefined], expect: /tls\.minVersion is unset/ },
    ],
    passes: [{ rule: "TLS 1.3 only", set: ["spec.tls.minVersion", "1.3"] }],
  },
]);
