/**
 * The config gate's receiver rule: a production tier says who is paged for critical alerts, or says
 * on purpose that nobody is (tiers document, Alerting Strategy: critical alerts page on-call).
 */
import { checkStackConfig, ConfigError, type ConfigSource } from "../../config";
import { readStack } from "../../plan/stack";

/** A shipped stack as the runtime would hand it over, with `platform:` keys replaced or removed. */
function source(stack: string, replace: Record<string, unknown | undefined> = {}): ConfigSource {
  const files = readStack(stack);
  const values: Record<string, string> = { ...files.config };
  for (const [key, value] of Object.entries(replace)) {
    const full = `platform:${key}`;
    if (value === undefined) delete values[full];
    else values[full] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { values, secretKeys: new Set(files.secretKeys.filter((k) => k in values)) };
}

function problems(s: ConfigSource): string[] {
  try {
    checkStackConfig(s);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

const noReceivers = { receivers: { paging: null, chat: null, email: null } };

describe("a production tier's paging receiver", () => {
  it.each(["small", "production", "production-do", "production-hetzner", "production-large"])(
    "%s ships a pager and passes the gate",
    (stack) => {
      const config = checkStackConfig(source(stack));
      expect(config.monitoring.receivers.paging).toEqual({ type: "pagerduty" });
      expect(config.monitoring.receivers.email?.to.length).toBeGreaterThan(0);
    },
  );

  it.each(["small", "production", "production-hetzner"])(
    "%s without a pager is refused, naming the key and the way out",
    (stack) => {
      const lines = problems(source(stack, { monitoring: noReceivers, pagingSecret: undefined }));
      const line = lines.find((l) => l.startsWith("platform:monitoring.receivers.paging:"));
      expect(line).toBeDefined();
      expect(line).toMatch(/production/);
      expect(line).toMatch(/pagerduty/);
      expect(line).toMatch(/\bnone\b/);
    },
  );

  it("accepts `paging: none` on a production tier, said on purpose, without a pager secret", () => {
    const config = checkStackConfig(
      source("production", {
        monitoring: { receivers: { paging: "none", chat: null, email: null } },
        pagingSecret: undefined,
        smtpPassword: undefined,
      }),
    );
    expect(config.monitoring.receivers.paging).toBe("none");
  });

  it("asks nothing of staging and a laptop cluster", () => {
    for (const stack of ["staging", "local"])
      expect(problems(source(stack, { monitoring: noReceivers }))).toEqual([]);
  });

  it("still wants the pager's secret when a pager is named", () => {
    const lines = problems(source("production", { pagingSecret: undefined }));
    expect(lines.some((l) => l.startsWith("platform:pagingSecret: is required"))).toBe(true);
  });

  it("refuses any other word than none", () => {
    const lines = problems(
      source("production", { monitoring: { receivers: { paging: "nobody" } } }),
    );
    expect(lines.some((l) => l.startsWith("platform:monitoring.receivers.paging:"))).toBe(true);
  });
});
