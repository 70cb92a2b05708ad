import { kubernetesCertmanagerRequireAutoRenewal } from "../../../policies/kubernetes/kubernetes-certmanager-require-auto-renewal";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(kubernetesCertmanagerRequireAutoRenewal, [
  {
    type: "kubernetes:cert-manager.io/v1:ClusterIssuer",
    props: {
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: "letsencrypt" },
      spec: {
        acme: {
          server: "https://acme-v02.api.letsencrypt.org/directory",
          privateKeySecretRef: { name: "letsencrypt-account" },
          solvers: [
            {
              http01: {
                gatewayHTTPRoute: { parentRefs: [{ name: "public", namespace: "gateway" }] },
              },
            },
          ],
        },
      },
    },
    cases: [
      {
        rule: "a self-signed issuer that Let's Encrypt never renews",
        set: ["spec", { selfSigned: {} }],
        expect: /not an ACME issuer/,
      },
      {
        rule: "an ACME issuer without solvers",
        set: ["spec.acme.solvers", []],
        expect: /no solvers/,
      },
    ],
  },
  {
    type: "kubernetes:cert-manager.io/v1:Certificate",
    props: {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: "web", namespace: "gateway" },
      spec: {
        secretName: "web-tls",
        dnsNames: ["app.example.com"],
        duration: "2160h",
        renewBefore: "720h",
        issuerRef: { kind: "ClusterIssuer", name: "letsencrypt" },
      },
    },
    cases: [
      {
        rule: "renewal 2 days before expiry, inside the 7-day alert",
        set: ["spec.renewBefore", "48h"],
        expect: /within 7 days of expiry/,
      },
      {
        rule: "renewal set beyond the lifetime",
        set: ["spec.renewBefore", "2400h"],
        expect: /at or beyond the certificate's lifetime/,
      },
      {
        rule: "a malformed renewBefore",
        set: ["spec.renewBefore", "30 days"],
        expect: /not a valid duration/,
      },
    ],
    passes: [
      {
        rule: "renewal is left to cert-manager's two-thirds default",
        set: ["spec.renewBefore", undefined],
      },
    ],
  },
]);
