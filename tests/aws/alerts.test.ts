/**
 * The AWS alarm topic reaches the stack's people, and Route 53 probes every public host from
 * outside the cluster (tiers document, Alerting Strategy: service down > 5 minutes pages on-call).
 */
import {
  Alerts,
  HEALTH_CHECK_REGION,
  UPTIME_CHECK,
  uptimeTargets,
} from "../../components/aws/alerts";
import { one, ofType, record } from "../helpers/mocks";
import { awsConfig, recordAws } from "./helpers";

const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";

const app = (host: string, healthPath: string, extra: Record<string, unknown> = {}) => ({
  host,
  healthPath,
  public: true,
  pathPrefix: "/",
  ...extra,
});

describe("uptimeTargets", () => {
  it("probes each public host once, on a health path the gateway routes to its app", () => {
    expect(
      uptimeTargets("example.com", [
        app("", "/api/health"),
        app("graphql", "/healthz"),
        app("graphql", "/other/healthz", { pathPrefix: "/other" }),
        app("auth", "/healthz", { public: false }),
      ]),
    ).toEqual([
      { host: "example.com", path: "/api/health" },
      { host: "graphql.example.com", path: "/healthz" },
    ]);
  });

  it("falls back to the app's prefix when its health path lies outside what the host routes to it", () => {
    expect(uptimeTargets("example.com", [app("api", "/healthz", { pathPrefix: "/v1" })])).toEqual([
      { host: "api.example.com", path: "/v1" },
    ]);
  });
});

describe("Alerts", () => {
  const targets = [
    { host: "example.com", path: "/api/health" },
    { host: "auth.example.com", path: "/healthz" },
  ];

  it("checks every host over HTTPS and alarms after 5 minutes down, to the stack's topic", async () => {
    const rs = await record(() => {
      new Alerts("alerts", { emails: ["ops@example.com"], region: "us-east-1", uptime: targets });
    });
    const checks = ofType(rs, HEALTH_CHECK);
    expect(checks.map((c) => [c.inputs.fqdn, c.inputs.resourcePath])).toEqual(
      targets.map((t) => [t.host, t.path]),
    );
    for (const c of checks) {
      expect(c.inputs).toMatchObject({ type: "HTTPS", port: 443, enableSni: true });
      // 3 failures 30 s apart: unhealthy within 90 s, well inside the documented 5 minutes.
      expect(c.inputs.requestInterval * c.inputs.failureThreshold).toBeLessThanOrEqual(90);
    }
    expect(ofType(rs, TOPIC)).toHaveLength(1);
    const alarms = ofType(rs, ALARM);
    expect(alarms).toHaveLength(targets.length);
    for (const a of alarms) {
      expect(a.inputs).toMatchObject({
        region: HEALTH_CHECK_REGION,
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        treatMissingData: "breaching",
      });
      expect(a.inputs.period * a.inputs.evaluationPeriods).toBe(UPTIME_CHECK.downMinutes * 60);
      expect(a.inputs.alarmActions).toEqual([expect.stringMatching(/\/alerts-topic$/)]);
      expect(a.inputs.alarmDescription).toMatch(/^critical: /);
    }
    const subscriptions = ofType(rs, SUBSCRIPTION);
    expect(subscriptions.map((s) => [s.inputs.protocol, s.inputs.endpoint])).toEqual([
      ["email", "ops@example.com"],
    ]);
  });

  it("subscribes a webhook pager's HTTPS endpoint to the topic", async () => {
    const rs = await record(() => {
      new Alerts("alerts", {
        emails: [],
        pagerUrl: "https://oncall.example.net/sns/abc",
        region: "us-east-1",
      });
    });
    const pager = one(rs, SUBSCRIPTION);
    expect(pager.inputs.protocol).toBe("https");
    expect(pager.inputs.endpoint).toBe("https://oncall.example.net/sns/abc");
    expect(ofType(rs, HEALTH_CHECK)).toHaveLength(0);
  });

  it("outside us-east-1, alarms on a second topic there, with the same subscribers", async () => {
    const rs = await record(() => {
      new Alerts("alerts", {
        emails: ["ops@example.com"],
        pagerUrl: "https://oncall.example.net/sns/abc",
        region: "eu-west-1",
        uptime: targets,
      });
    });
    const topics = ofType(rs, TOPIC);
    expect(topics.map((t) => t.inputs.region)).toEqual([undefined, HEALTH_CHECK_REGION]);
    for (const a of ofType(rs, ALARM))
      expect(a.inputs.alarmActions).toEqual([expect.stringMatching(/\/alerts-edge-topic$/)]);
    const edgeSubs = ofType(rs, SUBSCRIPTION).filter(
      (s) => s.inputs.region === HEALTH_CHECK_REGION,
    );
    expect(edgeSubs.map((s) => s.inputs.protocol).sort()).toEqual(["email", "https"]);
    expect(one(rs, "aws:kms/key:Key", "alerts-edge-key").protect).toBe(true);
  });
});

describe("the AWS layer's alerts", () => {
  it("probes the public hosts even where no data service is managed", async () => {
    const rs = await recordAws(
      awsConfig({
        database: { mode: "self-hosted" },
        cache: { mode: "self-hosted" },
        monitoring: {
          receivers: {
            paging: { type: "pagerduty" },
            email: {
              to: ["ops@example.com"],
              from: "alertmanager@example.com",
              smarthost: "smtp.example.com:587",
            },
          },
        },
        apps: [{ name: "web", image: "registry.example.com/web:1.0.0", port: 3000 }],
      }),
    );
    expect(ofType(rs, HEALTH_CHECK).map((c) => c.inputs.fqdn)).toEqual(["example.com"]);
    expect(ofType(rs, SUBSCRIPTION).map((s) => s.inputs.endpoint)).toEqual(["ops@example.com"]);
  });
});
