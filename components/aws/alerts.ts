import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { policyJson } from "./iam";
import { accountOf } from "./naming";

export interface AlertsArgs {
  /** Addresses that receive the alarms by email (each confirms once). @default [] */
  emails: string[];
}

/**
 * The SNS topic every CloudWatch alarm of the stack notifies, encrypted with its own KMS key.
 * The AWS-managed SNS key does not let CloudWatch publish, so the key's policy names it.
 * Cost: one KMS key (SNS notifications of this volume stay in the free tier).
 */
export class Alerts extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:aws:Alerts", name, args, opts);
    const parent = { parent: this };
    const key = new aws.kms.Key(
      `${name}-key`,
      { description: "Alarm notifications", enableKeyRotation: true, deletionWindowInDays: 30 },
      parent,
    );
    const account = key.arn.apply(accountOf);
    new aws.kms.KeyPolicy(
      `${name}-key-policy`,
      {
        keyId: key.id,
        policy: policyJson([
          {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:root` },
            Action: "kms:*",
            Resource: "*",
          },
          {
            Sid: "CloudWatchPublishes",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
        ]),
      },
      parent,
    );
    const topic = new aws.sns.Topic(`${name}-topic`, { kmsMasterKeyId: key.id }, parent);
    this.topicArn = topic.arn;
    args.emails.forEach(
      (endpoint, i) =>
        new aws.sns.TopicSubscription(
          `${name}-email-${i}`,
          { topic: topic.arn, protocol: "email", endpoint },
          parent,
        ),
    );
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
