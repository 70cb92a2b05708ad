import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { AppConfig } from "../../config";
import { keyPolicyJson, protectedKey } from "./kms";
import { accountOf } from "./naming";

/** A public host probed from outside the cluster, and a path that answers 2xx or 3xx while it is up. */
export interface UptimeTarget {
  host: string;
  path: string;
}

/**
 * Route 53 publishes its health checks' metrics in us-east-1 only, so their alarms and the topic
 * those alarms notify live there (Amazon Route 53 Developer Guide, "Monitoring health check
 * status and getting notifications").
 */
export const HEALTH_CHECK_REGION = "us-east-1";

/**
 * Tiers document, Alerting Strategy: service down for more than 5 minutes pages on-call. Route 53
 * checkers probe every 30 s and call an endpoint unhealthy after 3 failures in a row; the alarm
 * fires when the check has been unhealthy in each of 5 one-minute periods.
 */
export const UPTIME_CHECK = { requestIntervalSeconds: 30, failureThreshold: 3, downMinutes: 5 };

/**
 * One target per public host: the health path of an app the host routes it to (a path under the
 * app's prefix, as the gateway forwards it unchanged), or else the first app's prefix.
 */
export function uptimeTargets(
  domain: string,
  apps: readonly Pick<AppConfig, "host" | "public" | "pathPrefix" | "healthPath">[],
): UptimeTarget[] {
  const hosts = new Map<string, (typeof apps)[number][]>();
  for (const app of apps.filter((a) => a.public)) {
    const host = app.host ? `${app.host}.${domain}` : domain;
    hosts.set(host, [...(hosts.get(host) ?? []), app]);
  }
  const routed = (a: (typeof apps)[number]) => {
    const prefix = a.pathPrefix.replace(/\/+$/, "");
    return prefix === "" || a.healthPath === prefix || a.healthPath.startsWith(`${prefix}/`);
  };
  return [...hosts].map(([host, served]) => {
    const app = served.find(routed);
    return { host, path: app ? app.healthPath : served[0].pathPrefix };
  });
}

export interface AlertsArgs {
  /** Addresses that receive the alarms by email (each confirms once). @default [] */
  emails: string[];
  /**
   * The pager's HTTPS endpoint (secret), which SNS notifies as well; it must confirm SNS's
   * subscription message (on-call tools with an Amazon SNS integration do). @default undefined
   */
  pagerUrl?: pulumi.Input<string>;
  /** The stack's region, where the topic lives. @example "us-east-1" */
  region: string;
  /** Public hosts Route 53 probes from outside. @default [] */
  uptime?: UptimeTarget[];
  /**
   * The region's health check behind its latency record for the group's origin
   * (regional-origin.ts): its failure takes the region out of the answers, which pages.
   */
  regionCheck?: { region: string; healthCheckId: pulumi.Input<string> };
}

/** The page when a region leaves the group's origin (escalation.ts lists it). */
export const regionOutAlert = (region: string) =>
  `region ${region} out of the origin's answers for ${UPTIME_CHECK.downMinutes} minutes [critical]`;

/** The alarm topic's key: the account administers it, CloudWatch in this account publishes with it. */
function alarmKeyPolicy(account: pulumi.Output<string>) {
  return keyPolicyJson(account, [
    {
      Sid: "CloudWatchPublishes",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": account } },
    },
  ]);
}

/**
 * The SNS topic every CloudWatch alarm of the stack notifies, encrypted with its own KMS key, and
 * subscribed by the people the stack's receivers name (the email receiver's addresses, and a
 * webhook pager's HTTPS endpoint). The AWS-managed SNS key does not let CloudWatch publish, so the
 * key's policy names it. Route 53 health checks probe every public host from outside the cluster,
 * so an outage is reported even while the cluster and its Prometheus are down.
 * Cost: one KMS key (two outside us-east-1); a Route 53 HTTPS health check and a CloudWatch alarm
 * per public host (SNS notifications of this volume stay in the free tier).
 */
export class Alerts extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:aws:Alerts", name, args, opts);
    const parent = { parent: this };
    // Alarms published to the topic while it is gone would be lost.
    const key = protectedKey(`${name}-key`, "Alarm notifications", parent);
    const account = key.arn.apply(accountOf);
    new aws.kms.KeyPolicy(
      `${name}-key-policy`,
      {
        keyId: key.id,
        policy: alarmKeyPolicy(account),
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
    if (args.pagerUrl)
      new aws.sns.TopicSubscription(
        `${name}-pager`,
        { topic: topic.arn, protocol: "https", endpoint: pulumi.secret(args.pagerUrl) },
        parent,
      );

    const uptime = args.uptime ?? [];
    if (uptime.length > 0 || args.regionCheck) {
      const edgeTopic =
        args.region === HEALTH_CHECK_REGION ? topic.arn : this.edgeTopic(name, args);
      for (const target of uptime) this.uptimeCheck(name, target, edgeTopic);
      if (args.regionCheck)
        this.healthAlarm(
          `${name}-region-out`,
          args.regionCheck.healthCheckId,
          `critical: ${regionOutAlert(args.regionCheck.region)}: its gateway failed Route 53's health checks in every zone, so CloudFront reaches the other regions only`,
          edgeTopic,
        );
    }
    this.registerOutputs({ topicArn: this.topicArn });
  }

  /** An HTTPS health check of one host and the alarm that pages when it stays down. */
  private uptimeCheck(name: string, target: UptimeTarget, topicArn: pulumi.Input<string>) {
    const parent = { parent: this };
    const key = target.host.replace(/[^a-z0-9]+/gi, "-");
    const check = new aws.route53.HealthCheck(
      `${name}-uptime-${key}`,
      {
        type: "HTTPS",
        fqdn: target.host,
        port: 443,
        resourcePath: target.path,
        enableSni: true,
        requestInterval: UPTIME_CHECK.requestIntervalSeconds,
        failureThreshold: UPTIME_CHECK.failureThreshold,
        tags: { Name: `${target.host}${target.path}` },
      },
      parent,
    );
    this.healthAlarm(
      `${name}-uptime-${key}-down`,
      check.id,
      `critical: https://${target.host}${target.path} has failed Route 53's health checks for ${UPTIME_CHECK.downMinutes} minutes (tiers document: service down > 5 minutes pages on-call)`,
      topicArn,
    );
  }

  /** The alarm that pages while a Route 53 health check has failed for downMinutes. */
  private healthAlarm(
    alarmName: string,
    healthCheckId: pulumi.Input<string>,
    description: string,
    topicArn: pulumi.Input<string>,
  ) {
    new aws.cloudwatch.MetricAlarm(
      alarmName,
      {
        region: HEALTH_CHECK_REGION,
        alarmDescription: description,
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: { HealthCheckId: healthCheckId },
        statistic: "Minimum",
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        period: 60,
        evaluationPeriods: UPTIME_CHECK.downMinutes,
        datapointsToAlarm: UPTIME_CHECK.downMinutes,
        // No data from the checkers is no proof that the host is up.
        treatMissingData: "breaching",
        alarmActions: [topicArn],
        okActions: [topicArn],
      },
      { parent: this },
    );
  }

  /** The health-check alarms' topic in us-east-1, with the same key policy and subscribers. */
  private edgeTopic(name: string, args: AlertsArgs): pulumi.Output<string> {
    const parent = { parent: this };
    const region = HEALTH_CHECK_REGION;
    const key = protectedKey(
      `${name}-edge-key`,
      "Health check alarm notifications",
      parent,
      region,
    );
    const account = key.arn.apply(accountOf);
    new aws.kms.KeyPolicy(
      `${name}-edge-key-policy`,
      {
        region,
        keyId: key.id,
        policy: alarmKeyPolicy(account),
      },
      parent,
    );
    const topic = new aws.sns.Topic(
      `${name}-edge-topic`,
      { region, kmsMasterKeyId: key.id },
      parent,
    );
    args.emails.forEach(
      (endpoint, i) =>
        new aws.sns.TopicSubscription(
          `${name}-edge-email-${i}`,
          { region, topic: topic.arn, protocol: "email", endpoint },
          parent,
        ),
    );
    if (args.pagerUrl)
      new aws.sns.TopicSubscription(
        `${name}-edge-pager`,
        { region, topic: topic.arn, protocol: "https", endpoint: pulumi.secret(args.pagerUrl) },
        parent,
      );
    return topic.arn;
  }
}
