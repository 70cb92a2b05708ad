/**
 * The generated alertmanager.yml, checked by the real Debian `amtool` (check-config, routes test)
 * and run by the real `prometheus-alertmanager` on loopback, whose notifications are caught by a
 * local HTTP receiver to show routing and inhibition end to end.
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { parse, stringify } from "yaml";
import {
  AlertReceivers,
  INHIBIT_EQUAL,
  alertmanagerConfig,
  renderAlertmanagerConfig,
} from "../../components/monitoring/alertmanager-config";
import {
  LOOPBACK,
  ServerHandle,
  freePort,
  makeTempDir,
  removeDir,
  requireProgram,
  run,
  startServer,
  waitFor,
} from "../helpers/real-programs";

const amtool = requireProgram("amtool", "prometheus-alertmanager");
const alertmanager = requireProgram("prometheus-alertmanager", "prometheus-alertmanager");

const secrets = "/etc/alertmanager/secrets";
const pagerduty: AlertReceivers["paging"] = {
  type: "pagerduty",
  routingKeyFile: `${secrets}/pagerduty-routing-key`,
};
const webhook: AlertReceivers["paging"] = {
  type: "webhook",
  url: "https://oncall.example.com/hooks/platform",
  bearerTokenFile: `${secrets}/oncall-token`,
};
const chat: AlertReceivers["chat"] = {
  apiUrlFile: `${secrets}/chat-webhook-url`,
  channel: "#platform-alerts",
};
const email: AlertReceivers["email"] = {
  to: ["ops@example.com", "oncall@example.com"],
  from: "alertmanager@example.com",
  smarthost: "smtp.example.com:587",
  authUsername: "alertmanager",
  authPasswordFile: `${secrets}/smtp-password`,
};

const combinations: [string, AlertReceivers][] = [
  ["no receivers", {}],
  ["paging only (PagerDuty-style)", { paging: pagerduty }],
  ["paging only (webhook)", { paging: webhook }],
  ["chat only", { chat }],
  ["email only", { email }],
  ["paging, chat and email", { paging: pagerduty, chat, email }],
];

let work: string | undefined;
beforeAll(() => {
  work = makeTempDir("alertmanager-");
});
afterAll(() => removeDir(work));

function writeConfig(name: string, receivers: AlertReceivers): string {
  const file = path.join(work!, `${name.replace(/[^a-z]+/gi, "-")}.yml`);
  fs.writeFileSync(file, renderAlertmanagerConfig(receivers));
  return file;
}

async function routesFor(file: string, labels: string[]): Promise<string> {
  const r = await run(amtool, ["config", "routes", "test", `--config.file=${file}`, ...labels], {
    timeoutMs: 10000,
  });
  if (r.code !== 0) throw new Error(`amtool config routes test: ${r.stderr}`);
  return r.stdout.trim();
}

describe("generated alertmanager.yml on the real amtool", () => {
  it.each(combinations)("passes `amtool check-config` with %s", async (name, receivers) => {
    const r = await run(amtool, ["check-config", writeConfig(name, receivers)], {
      timeoutMs: 10000,
    });
    expect(r.stdout).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  it("routes a critical alert to paging and a warning to chat and email", async () => {
    const file = writeConfig("all", { paging: pagerduty, chat, email });
    expect(
      await routesFor(file, ["alertname=DiskUsageHigh", "severity=critical", "namespace=data"]),
    ).toBe("paging");
    expect(
      await routesFor(file, ["alertname=DiskUsageHigh", "severity=warning", "namespace=data"]),
    ).toBe("chat,email");
    expect(await routesFor(file, ["alertname=Watchdog"])).toBe("default");
  });

  it("pages with paging only and keeps warnings in the default receiver", async () => {
    const file = writeConfig("paging", { paging: webhook });
    expect(await routesFor(file, ["severity=critical"])).toBe("paging");
    expect(await routesFor(file, ["severity=warning"])).toBe("default");
  });

  it("sends critical alerts to chat when no pager is configured", async () => {
    const file = writeConfig("chat", { chat });
    expect(await routesFor(file, ["severity=critical"])).toBe("chat");
    expect(await routesFor(file, ["severity=warning"])).toBe("chat");
  });
});

describe("alertmanagerConfig", () => {
  it("groups by alert name and namespace", () => {
    const route = alertmanagerConfig({ paging: pagerduty }).route as { group_by: string[] };
    expect(route.group_by).toEqual(["alertname", "namespace"]);
  });

  it("holds back a warning while a critical alert of the same name fires on the same object", () => {
    const rules = alertmanagerConfig({}).inhibit_rules as Record<string, string[]>[];
    expect(rules).toEqual([
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: INHIBIT_EQUAL,
      },
    ]);
    expect(INHIBIT_EQUAL[0]).toBe("alertname");
  });

  it("references every secret by file and writes none inline", () => {
    const text = renderAlertmanagerConfig({ paging: webhook, chat, email });
    for (const key of ["credentials_file", "api_url_file", "auth_password_file"])
      expect(text).toContain(key);
    expect(renderAlertmanagerConfig({ paging: pagerduty })).toContain("routing_key_file");
    expect(text).not.toMatch(/^\s*(api_url|routing_key|service_key|auth_password|credentials):/m);
  });

  it("refuses relative secret paths, bad URLs and bad addresses", () => {
    expect(() =>
      alertmanagerConfig({ paging: { type: "pagerduty", routingKeyFile: "key" } }),
    ).toThrow(/absolute/);
    expect(() => alertmanagerConfig({ paging: { type: "webhook", url: "oncall" } })).toThrow(/URL/);
    expect(() => alertmanagerConfig({ chat: { apiUrlFile: "/x", channel: " " } })).toThrow(
      /channel/,
    );
    expect(() => alertmanagerConfig({ email: { ...email!, to: ["not an address"] } })).toThrow(
      /email.to/,
    );
    expect(() =>
      alertmanagerConfig({ email: { ...email!, smarthost: "smtp.example.com" } }),
    ).toThrow(/smarthost/);
  });
});

describe("generated alertmanager.yml on the real alertmanager", () => {
  const received: { path: string; body: string }[] = [];
  let sink: http.Server | undefined;
  let am: ServerHandle | undefined;
  let amPort = 0;

  beforeAll(async () => {
    // Both notification channels point at a receiver on loopback, so nothing leaves the machine.
    sink = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        received.push({ path: req.url ?? "", body });
        res.writeHead(200).end("ok");
      });
    });
    const sinkPort = await freePort();
    await new Promise<void>((resolve) => sink!.listen(sinkPort, LOOPBACK, resolve));
    const urlFile = path.join(work!, "chat-url");
    fs.writeFileSync(urlFile, `http://${LOOPBACK}:${sinkPort}/chat`);

    const config = alertmanagerConfig({
      paging: { type: "webhook", url: `http://${LOOPBACK}:${sinkPort}/paging` },
      chat: { apiUrlFile: urlFile, channel: "#alerts" },
    });
    // The generated 30 s group wait only delays the test; the routing tree and inhibition are unchanged.
    (config.route as Record<string, unknown>).group_wait = "1s";
    const file = path.join(work!, "live.yml");
    fs.writeFileSync(file, stringify(config));

    amPort = await freePort();
    am = await startServer(
      alertmanager,
      [
        `--config.file=${file}`,
        `--storage.path=${path.join(work!, "data")}`,
        `--web.listen-address=${LOOPBACK}:${amPort}`,
        "--cluster.listen-address=",
      ],
      async () =>
        (await fetch(`http://${LOOPBACK}:${amPort}/-/ready`, { signal: AbortSignal.timeout(1000) }))
          .ok,
      { cwd: work, timeoutMs: 15000 },
    );
  }, 30000);

  afterAll(async () => {
    await am?.stop("SIGTERM", 5000);
    await new Promise<void>((resolve) => (sink ? sink.close(() => resolve()) : resolve()));
  }, 15000);

  it("pages the critical alert, holds back its warning, and sends the other warning to chat", async () => {
    const alert = (severity: string, instance: string) => ({
      labels: { alertname: "DiskUsageHigh", severity, instance, mountpoint: "/" },
      annotations: { summary: `${severity} on ${instance}` },
    });
    const posted = await fetch(`http://${LOOPBACK}:${amPort}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        alert("critical", "node-1"),
        alert("warning", "node-1"),
        alert("warning", "node-2"),
      ]),
      signal: AbortSignal.timeout(5000),
    });
    expect(posted.ok).toBe(true);

    await waitFor(
      "notifications to paging and chat",
      async () =>
        received.some((r) => r.path === "/paging") && received.some((r) => r.path === "/chat")
          ? true
          : undefined,
      15000,
    );
    // A moment for any notification that should not have been sent.
    await new Promise((r) => setTimeout(r, 1500));

    const paging = received.filter((r) => r.path === "/paging").map((r) => JSON.parse(r.body));
    const pagedAlerts = paging.flatMap((p) =>
      p.alerts.map(
        (a: { labels: Record<string, string> }) => `${a.labels.severity}/${a.labels.instance}`,
      ),
    );
    expect(pagedAlerts).toEqual(["critical/node-1"]);
    const chatText = received
      .filter((r) => r.path === "/chat")
      .map((r) => r.body)
      .join("\n");
    expect(chatText).toContain("node-2");
    expect(chatText).not.toContain("node-1");

    const inhibited = await run(
      amtool,
      [
        "alert",
        "query",
        "--inhibited",
        "-o",
        "json",
        `--alertmanager.url=http://${LOOPBACK}:${amPort}`,
      ],
      {
        timeoutMs: 10000,
      },
    );
    const states = (
      parse(inhibited.stdout) as {
        labels: Record<string, string>;
        status: { state: string; inhibitedBy: string[] };
      }[]
    )
      .filter((a) => a.status.inhibitedBy.length > 0)
      .map((a) => `${a.labels.severity}/${a.labels.instance}`);
    expect(states).toEqual(["warning/node-1"]);
  });
});
