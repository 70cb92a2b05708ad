import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config";

/**
 * What a primary region hands its secondaries (the stack output `replication`): where its data
 * lives, so that a secondary can replicate it. Nothing secret: the credentials travel apart in
 * `replicationSecrets`.
 */
export interface ReplicationSource {
  provider: StackConfig["provider"];
  region: string;
  /** The primary's VPC or network range: a secondary's must not overlap it. */
  cidr: string;
  /** What a secondary peers with to send its writes to the primary's database (aws). */
  network?: { vpcId: string; dataRouteTableId: string; databaseSecurityGroupId: string };
  /** The managed database, when the primary runs one. */
  database?: {
    /** The RDS instance's ARN: a cross-region replica names its source by ARN. */
    arn: string;
    /** The writer's address, which a secondary's PgBouncer sends writes to over the peering. */
    host: string;
    /** PostgreSQL major version. */
    version: string;
    port: number;
    database: string;
    user: string;
  };
  /** The managed buckets, by purpose; a secondary replicates media and backup. */
  buckets: { purpose: string; name: string; arn: string; region: string; keyArn?: string }[];
  /**
   * Where the primary copies its whole backup bucket off site (`backups.offsite`), laid out
   * `<bucket>/<backup bucket name>/...`: a failover standby on another cloud is fed from it and
   * checks that it is its own backup bucket (components/platform/standby.ts).
   */
  offsite?: { endpoint: string; bucket: string };
}

/** The credentials a secondary needs from its primary (the secret stack output `replicationSecrets`). */
export interface ReplicationSecrets {
  /** The database's master password: a replica's users are its primary's. */
  databasePassword?: string;
}

/** Output names of the cross-region contract, read through a StackReference. */
export const REPLICATION_OUTPUT = "replication";
export const REPLICATION_SECRETS_OUTPUT = "replicationSecrets";

/** The role of this stack in its group: primary unless the config says secondary. */
export function regionRole(config: StackConfig): "primary" | "secondary" {
  return config.multiRegion.role ?? "primary";
}

/** Every stack this stack reads outputs of: its primary (secondaries) and its edge peers. */
export function referencedStacks(config: StackConfig): string[] {
  const m = config.multiRegion;
  return [...new Set([...(m.primaryStack ? [m.primaryStack] : []), ...(m.peers ?? [])])];
}

const references = new Map<string, pulumi.StackReference>();

/**
 * One StackReference per referenced stack. A stack name without `/` is this project's, in this
 * stack's organization (Pulumi resolves `stack` and `org/project/stack`).
 */
export function stackReference(stack: string): pulumi.StackReference {
  let ref = references.get(stack);
  if (!ref) {
    const name = stack.includes("/")
      ? stack
      : `${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`;
    ref = new pulumi.StackReference(`region-${stack.replace(/\//g, "-")}`, { name });
    references.set(stack, ref);
  }
  return ref;
}

/**
 * The replication facts and secrets of `multiRegion.primaryStack`: the primary a secondary
 * replicates, or, on a promoted primary, the region it was promoted from (its database was born a
 * replica of that one's: docs/disaster-recovery.md). Undefined without a primaryStack.
 */
export function primarySource(config: StackConfig):
  | {
      secondary: boolean;
      source: pulumi.Output<ReplicationSource>;
      secrets: pulumi.Output<ReplicationSecrets>;
    }
  | undefined {
  const primary = config.multiRegion.primaryStack;
  if (!primary) return undefined;
  const ref = stackReference(primary);
  return {
    secondary: regionRole(config) === "secondary",
    source: ref.requireOutput(REPLICATION_OUTPUT) as pulumi.Output<ReplicationSource>,
    secrets: ref.requireOutput(REPLICATION_SECRETS_OUTPUT) as pulumi.Output<ReplicationSecrets>,
  };
}
