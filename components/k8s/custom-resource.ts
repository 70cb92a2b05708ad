import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** An object of an operator's API (CloudNativePG, cert-manager, Prometheus Operator) in a namespace. */
export function customResource(
  resourceName: string,
  args: {
    /** @example "postgresql.cnpg.io/v1" */
    apiVersion: string;
    /** @example "Cluster" */
    kind: string;
    name: pulumi.Input<string>;
    namespace: pulumi.Input<string>;
    labels?: Record<string, string>;
    spec: Record<string, unknown>;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    resourceName,
    {
      apiVersion: args.apiVersion,
      kind: args.kind,
      metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
      spec: args.spec,
    },
    opts,
  );
}
