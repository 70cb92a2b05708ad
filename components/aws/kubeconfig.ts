/** The kubeconfig of an EKS cluster, with tokens from `aws eks get-token` (no static credentials). */
export function kubeconfig(name: string, endpoint: string, caData: string, region: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": caData } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: [
              "eks",
              "get-token",
              "--cluster-name",
              name,
              "--region",
              region,
              "--output",
              "json",
            ],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}
