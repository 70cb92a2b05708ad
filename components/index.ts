import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import type { ClusterFacts } from "./cluster";
import { awsCluster } from "./aws";
import { existingCluster } from "./existing";

/** A provider whose cloud layer is not written yet: the program says so rather than pretend. */
export class LayerNotBuiltError extends pulumi.RunError {
  constructor(provider: string) {
    super(
      `provider ${provider}: the ${provider} cloud layer is not built yet; only provider "existing" can be deployed or planned`,
    );
    this.name = "LayerNotBuiltError";
  }
}

/** The cloud layer chosen by `platform:provider`; each exposes the same cluster facts. */
export function cloudLayer(config: StackConfig): ClusterFacts {
  switch (config.provider) {
    case "existing":
      return existingCluster(config);
    case "aws":
      return awsCluster(config);
    case "digitalocean":
    case "hetzner":
      throw new LayerNotBuiltError(config.provider);
  }
}
