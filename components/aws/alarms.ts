import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** One CloudWatch alarm, in the words of the documents' alert rules. */
export interface AlarmSpec {
  name: string;
  metric: string;
  namespace: string;
  statistic: "Average" | "Maximum" | "Minimum" | "Sum";
  comparison: "GreaterThanThreshold" | "LessThanThreshold";
  threshold: number;
  /** Consecutive 5-minute periods the condition must hold. */
  periods: number;
  description: string;
}

/** A CloudWatch alarm from a spec, notifying the topic when it fires and when it clears. */
export function alarm(
  name: string,
  spec: AlarmSpec,
  dimensions: Record<string, pulumi.Input<string>>,
  topicArn: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      alarmDescription: spec.description,
      namespace: spec.namespace,
      metricName: spec.metric,
      dimensions,
      statistic: spec.statistic,
      comparisonOperator: spec.comparison,
      threshold: spec.threshold,
      period: 300,
      evaluationPeriods: spec.periods,
      datapointsToAlarm: spec.periods,
      treatMissingData: "missing",
      alarmActions: [topicArn],
      okActions: [topicArn],
    },
    opts,
  );
}
