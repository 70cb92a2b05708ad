import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** A Service port: its name, the port it answers on, and the container port (or its name) behind it. */
export interface ServicePort {
  name: string;
  port: pulumi.Input<number>;
  targetPort: pulumi.Input<number | string>;
}

/**
 * A Service in front of the pods `selector` matches: one cluster address (ClusterIP), or, with
 * `headless`, a DNS name per pod, published before the pod is ready, since the members of a
 * replicated set (MinIO's distributed servers, Valkey's replicas and sentinels) must resolve each
 * other while they start.
 */
export function service(
  resourceName: string,
  args: {
    name: pulumi.Input<string>;
    namespace: pulumi.Input<string>;
    labels?: Record<string, string>;
    selector: pulumi.Input<Record<string, pulumi.Input<string>>>;
    ports: ServicePort[];
    headless?: boolean;
  },
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Service {
  return new k8s.core.v1.Service(
    resourceName,
    {
      metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
      spec: {
        ...(args.headless
          ? { clusterIP: "None", publishNotReadyAddresses: true }
          : { type: "ClusterIP" }),
        selector: args.selector,
        ports: args.ports,
      },
    },
    opts,
  );
}
