import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config";
import type { ClusterFacts } from "../contract";
import { Namespace } from "../k8s";
import type { DataPlacement } from "./data";

type NamespaceRole = "apps" | "gateway" | "data" | "monitoring";

/**
 * What every part of the platform (dmz.ts, data.ts, management.ts, apps.ts) builds from. Each part
 * is a plain function whose resources are direct children of the Platform: a component in between
 * would change every child's URN, and real stacks would replace them.
 */
export interface PlatformScope {
  /** The Platform itself. */
  parent: pulumi.ComponentResource;
  /** The Platform's name, the prefix of every child's. */
  name: string;
  config: StackConfig;
  cluster: ClusterFacts;
  /** Namespace names, known at plan time. */
  names: Record<NamespaceRole, string>;
  /** The namespaces, for the parts that wait for theirs. */
  namespaces: Record<NamespaceRole, Namespace>;
  /** Where each data service runs (data.ts `dataPlacement`). */
  placement: DataPlacement;
  /** Some app releases blue-green or canary, so the delivery controller runs. */
  progressive: boolean;
}

/** The platform's four namespaces; the apps' one opens egress to the managed data services. */
export function platformNamespaces(
  parent: pulumi.ComponentResource,
  name: string,
  config: StackConfig,
  placement: DataPlacement,
  serverNetworks: pulumi.Input<string>[] = [config.network.cidr],
): Pick<PlatformScope, "names" | "namespaces"> {
  const parentOpts = { parent };
  const names = {
    apps: config.kubernetes.namespace,
    gateway: "gateway",
    data: "data",
    monitoring: "monitoring",
  };
  const managedPorts = [placement.database, placement.cache].flatMap((p) =>
    p.mode === "managed" ? [p.server.port] : [],
  );
  const namespaces = {
    apps: new Namespace(
      `${name}-apps`,
      { name: names.apps, managedData: { cidrs: serverNetworks, ports: managedPorts } },
      parentOpts,
    ),
    gateway: new Namespace(`${name}-gateway`, { name: names.gateway }, parentOpts),
    data: new Namespace(`${name}-data`, { name: names.data }, parentOpts),
    monitoring: new Namespace(`${name}-monitoring`, { name: names.monitoring }, parentOpts),
  };
  return { names, namespaces };
}
