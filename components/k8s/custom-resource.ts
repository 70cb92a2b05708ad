import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** One object of an operator's API. */
export interface OperatorObject {
  /** @example "postgresql.cnpg.io/v1" */
  apiVersion: string;
  /** @example "Cluster" */
  kind: string;
  name: pulumi.Input<string>;
  spec: Record<string, unknown>;
}

/**
 * A builder of one component's objects of operators' APIs (CloudNativePG, cert-manager, Prometheus
 * Operator): each registered as `<name>-<role>`, in `namespace`, with the component's labels.
 */
export function customResources(
  name: string,
  namespace: pulumi.Input<string>,
  labels: Record<string, string>,
) {
  return (role: string, object: OperatorObject, opts: pulumi.CustomResourceOptions) =>
    new k8s.apiextensions.CustomResource(
      `${name}-${role}`,
      {
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: { name: object.name, namespace, labels },
        spec: object.spec,
      },
      opts,
    );
}
