import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/**
 * A Secret written from string values (`stringData`), Opaque unless a well-known type is asked
 * for. Pods read it by key, so no value ever appears in a workload's spec.
 */
export function stringSecret(
  resourceName: string,
  args: {
    name: pulumi.Input<string>;
    namespace: pulumi.Input<string>;
    labels?: Record<string, string>;
    /** @default "Opaque" @example "kubernetes.io/basic-auth" */
    type?: string;
    stringData: pulumi.Input<Record<string, pulumi.Input<string>>>;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    resourceName,
    {
      metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
      type: args.type ?? "Opaque",
      stringData: args.stringData,
    },
    opts,
  );
}
