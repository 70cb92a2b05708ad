import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { COST_TAGS } from "../kit/cost-tags";
import { logRetentionDays } from "./naming";

export interface LogGroupArgs {
  /** The group's name where a service writes to a fixed one (EKS, RDS); else generated. */
  name?: pulumi.Input<string>;
  /** Days the logs must be kept, rounded up to a retention CloudWatch accepts. @example 30 */
  retentionDays: number;
  /** Ingestion a month in GB: the assumption the offline plan prices the group by. @example 20 */
  gbPerMonth: number;
}

/** A CloudWatch log group that expires its logs and carries its cost assumption. */
export function logGroup(
  name: string,
  args: LogGroupArgs,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(
    name,
    {
      ...(args.name !== undefined && { name: args.name }),
      retentionInDays: logRetentionDays(args.retentionDays),
      tags: { [COST_TAGS.expectedIngestGb]: String(args.gbPerMonth) },
    },
    opts,
  );
}
