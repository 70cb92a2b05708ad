import * as pulumi from "@pulumi/pulumi";
import type { ClusterFacts } from "../../components/contract";
import { parseStackConfig, StackConfig } from "../../config";
import { awsCluster } from "../../components/aws";
import type { Registered } from "../../plan/mocks";
import { record } from "../helpers/mocks";

export { stackConfig } from "../helpers/stacks";

/** A config from raw keys on top of an AWS stack's defaults. */
export function awsConfig(raw: Record<string, unknown> = {}): StackConfig {
  return parseStackConfig({
    provider: "aws",
    tier: "medium",
    region: "us-east-1",
    domain: "example.com",
    adminCidrs: ["203.0.113.0/24"],
    database: { mode: "managed", profile: "small-db" },
    cache: { mode: "managed" },
    objectStorage: { mode: "managed" },
    ...raw,
  });
}

/** Everything the AWS layer registers for a config, under the runtime's mocks. */
export function recordAws(config: StackConfig): Promise<Registered[]> {
  return record(() => {
    awsCluster(config);
  });
}

/** The registrations and the cluster facts the layer hands the platform. */
export async function recordAwsFacts(
  config: StackConfig,
): Promise<{ rs: Registered[]; facts: ClusterFacts }> {
  let facts: ClusterFacts | undefined;
  const rs = await record(() => {
    facts = awsCluster(config);
  });
  return { rs, facts: facts! };
}

/** The value of an input, once resolved (secrets unwrapped). */
export function resolved<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

export const inputsOf = (rs: Registered[], type: string) =>
  rs.filter((r) => r.type === type).map((r) => r.inputs);
