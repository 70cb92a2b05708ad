/**
 * Who is told of what, as the stack outputs and the offline plan print it: the pager for critical
 * alerts, the team for warnings (tiers document, Alerting Strategy), and every alert's source.
 */
import { spawn } from "child_process";
import * as path from "path";
import { alertReceiverLines, alertSourceLines, outsideChecks } from "../../components/escalation";
import { alertRules } from "../../components/monitoring/alert-rules";
import { stackConfig } from "../helpers/stacks";

const ROOT = path.resolve(__dirname, "../..");
const email = {
  to: ["ops@example.com"],
  from: "am@example.com",
  smarthost: "smtp.example.com:587",
};
const receivers = (r: Record<string, unknown>) =>
  ({
    provider: "hetzner",
    monitoring: { receivers: { paging: null, chat: null, email: null, ...r } },
  }) as Parameters<typeof alertReceiverLines>[0];

describe("alertReceiverLines", () => {
  it("pages the pager for critical alerts and warns the team for warnings", () => {
    const lines = alertReceiverLines(
      receivers({ paging: { type: "pagerduty" }, chat: { channel: "#ops" }, email }),
    );
    expect(lines[0]).toMatch(/^critical → PagerDuty/);
    expect(lines[1]).toMatch(/^warning → chat #ops .*; email ops@example\.com/);
  });

  it("says that critical alerts go to the team when the stack pages nobody on purpose", () => {
    const lines = alertReceiverLines(receivers({ paging: "none", email }));
    expect(lines[0]).toBe(
      "critical → email ops@example.com (via smtp.example.com:587) (paging: none, on purpose)",
    );
  });

  it("says nobody is told where no receiver is configured", () => {
    const lines = alertReceiverLines(receivers({}));
    expect(lines.slice(0, 2).every((l) => /→ nobody/.test(l))).toBe(true);
  });

  it("names the secret key of a webhook pager, never its URL", () => {
    const line = alertReceiverLines(receivers({ paging: { type: "webhook" } }))[0];
    expect(line).toMatch(/secret platform:pagingSecret/);
    expect(line).not.toMatch(/https?:/);
  });
});

describe("alertSourceLines and outsideChecks", () => {
  it("lists each alert and severity once, with its exporter", () => {
    const lines = alertSourceLines(alertRules().groups);
    expect(lines).toContain("ServiceDown [critical]: Prometheus scrape status (up)");
    expect(new Set(lines).size).toBe(lines.length);
  });

  it("lists Route 53's checks of every public host of an AWS stack, and the RDS and ElastiCache alarms", () => {
    const checks = outsideChecks(stackConfig("production"));
    const hosts = checks.filter((c) => /Route 53/.test(c.source)).map((c) => c.alert);
    expect(hosts).toEqual([
      "https://example.com/api/health down [critical]",
      "https://graphql.example.com/healthz down [critical]",
      "https://auth.example.com/healthz down [critical]",
    ]);
    expect(checks.some((c) => /AWS\/RDS FreeStorageSpace/.test(c.source))).toBe(true);
    expect(checks.some((c) => /AWS\/ElastiCache/.test(c.source))).toBe(true);
  });

  it("lists DigitalOcean's alerts only where a receiver takes them", () => {
    expect(outsideChecks(stackConfig("production-do")).length).toBeGreaterThan(0);
    expect(outsideChecks(stackConfig("staging"))).toEqual([]);
  });
});

describe("the offline plan of production", () => {
  let outputs: Record<string, { secret: boolean; value?: any }>;
  beforeAll(async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["-r", "./plan/register.js", "plan/cli.ts", "production", "--json"],
        { cwd: ROOT },
      );
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.on("close", (status) =>
        status === 0 ? resolve(out) : reject(new Error(`plan exited ${status}`)),
      );
    });
    outputs = JSON.parse(stdout).outputs;
  }, 180000);

  it("names the paging receiver and who is warned", () => {
    expect(outputs.alertReceivers.secret).toBe(false);
    expect(outputs.alertReceivers.value[0]).toMatch(/^critical → PagerDuty/);
    expect(outputs.alertReceivers.value[1]).toMatch(/^warning → email ops@example\.com/);
  });

  it("names every alert's metric source, pg_up's exporter among them", () => {
    const sources: string[] = outputs.alertSources.value;
    expect(sources).toContain(
      "DatabaseUnavailable [critical]: postgres_exporter on the managed Postgres",
    );
    expect(sources).toContain(
      "PostgresDeadlocks [warning]: postgres_exporter on the managed Postgres",
    );
    expect(
      sources.some((s) => s.startsWith("https://example.com/api/health down [critical]")),
    ).toBe(true);
  });
});
