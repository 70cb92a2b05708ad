import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";

/** pulumi/pulumi-command's type of a command run over SSH. */
export const REMOTE_COMMAND = "command:remote:Command";

/**
 * What a remote command prints. The only one the program runs fetches the k3s kubeconfig
 * (components/hetzner/kubeconfig.ts), so offline it prints a kubeconfig of the shape k3s writes
 * (one cluster, user and context named `default`), addressed to the host it connects to, for the
 * Kubernetes provider and the stack's `kubeconfig` output to read.
 */
export function commandMockOutputs(
  type: string,
  inputs: Record<string, any>,
): Record<string, unknown> | undefined {
  if (type !== REMOTE_COMMAND) return undefined;
  // The SDK makes the whole connection a secret (it carries the key).
  const wrapped = inputs.connection;
  const connection =
    wrapped?.[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
      ? wrapped.value
      : wrapped;
  const host = String(connection?.host ?? "127.0.0.1");
  const stdout = stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "default",
        cluster: {
          server: `https://${host}:6443`,
          "certificate-authority-data": "cGxhbi1vbmx5",
        },
      },
    ],
    users: [
      {
        name: "default",
        user: { "client-certificate-data": "cGxhbi1vbmx5", "client-key-data": "cGxhbi1vbmx5" },
      },
    ],
    contexts: [{ name: "default", context: { cluster: "default", user: "default" } }],
    "current-context": "default",
  });
  return { stdout, stderr: "" };
}
