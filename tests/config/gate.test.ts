/**
 * The config gate, case by case (issue 12): every input that used to end in a crash, an error
 * halfway through `pulumi up`, a leaked secret or a silently wrong stack is refused before anything
 * is registered, with one line per problem naming the key; or it is accepted because it is
 * legitimate, and the test says why.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";
import { cloudLayer } from "../../components";
import { Platform } from "../../components/platform";
import {
  ConfigError,
  cronProblem,
  parseStackConfig,
  PLATFORM_NAMESPACES,
  type StackConfig,
} from "../../config";
import { collisionProblems, collisions } from "../../plan/collisions";
import { K8S, one, record } from "../helpers/mocks";
import { rawStack as shippedRaw } from "../helpers/stacks";
import { recordVariants } from "../helpers/recorded";
import {
  gate,
  NAMED_LINE,
  plans,
  ROOT,
  scratchProject,
  secure,
  type PlanOutcome,
  withAliasBomb,
} from "./malformed-stacks";

type Config = Record<string, any>;
const dir = scratchProject();
let counter = 0;

const shipped = (stack: string): Config =>
  parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")).config;

/** A shipped stack with its `config:` changed, as a stack file's text. */
function variant(stack: string, change: (c: Config) => void): string {
  const config = shipped(stack);
  change(config);
  return stringify({ config });
}

/** The gate's lines for a changed shipped stack; throws if the gate crashed. */
function refused(stack: string, change: (c: Config) => void): string[] {
  const outcome = gate(dir, `t${counter++}`, variant(stack, change));
  if (outcome.crash) throw outcome.crash;
  expect(outcome.accepted).toBe(false);
  for (const line of outcome.lines) expect(line).toMatch(NAMED_LINE);
  return outcome.lines;
}

function accepted(stack: string, change: (c: Config) => void): StackConfig {
  const outcome = gate(dir, `t${counter++}`, variant(stack, change));
  if (outcome.crash) throw outcome.crash;
  expect(outcome.lines).toEqual([]);
  return outcome.config!;
}

const set = (c: Config, key: string, value: unknown) => {
  c[`platform:${key}`] = value;
};
const merge = (c: Config, key: string, value: Record<string, unknown>) => {
  c[`platform:${key}`] = { ...(c[`platform:${key}`] ?? {}), ...value };
};
const receivers = {
  paging: { type: "webhook" },
  chat: { channel: "#alerts" },
  email: { to: ["ops@example.com"], from: "alerts@example.com", smarthost: "smtp.example.com:587" },
};
const withSecrets = (c: Config, url = "https://pager.example.com/hook") => {
  c["platform:pagingSecret"] = secure(url);
  c["platform:chatWebhookUrl"] = secure("https://hooks.slack.com/services/T/B/x");
  c["platform:smtpPassword"] = secure("smtp-password-value");
};

describe("refused by the gate: what used to stop with exit 3 or midway", () => {
  it("a location Hetzner does not have", () => {
    expect(refused("production-hetzner", (c) => set(c, "region", "ash"))).toEqual([
      'platform:region: must be one of hetzner\'s regions: fsn1, nbg1, hel1 (got "ash")',
    ]);
  });

  it("a network over k3s's pod range (10.42.0.0/16) or DOKS' reserved ranges", () => {
    expect(
      refused("production-hetzner", (c) => merge(c, "network", { cidr: "10.42.0.0/16" })),
    ).toEqual([
      'platform:network.cidr: must not overlap k3s\'s pod and service range 10.42.0.0/16 (got "10.42.0.0/16")',
    ]);
    expect(refused("staging", (c) => merge(c, "network", { cidr: "10.244.0.0/16" }))).toEqual([
      'platform:network.cidr: must not overlap 10.244.0.0/16, which DOKS reserves (got "10.244.0.0/16")',
    ]);
  });

  it("a missing secret key names the command that sets it", () => {
    expect(
      refused("production-hetzner", (c) => {
        delete c["platform:offsiteAccessKeyId"];
        delete c["hcloud:token"];
      }),
    ).toEqual([
      "platform:offsiteAccessKeyId: is required by backups.offsite: set it with `pulumi config set --secret platform:offsiteAccessKeyId <access key of the off-site backup bucket>`",
      "hcloud:token: is required by provider hetzner (servers, cloud controller, CSI driver): set it with `pulumi config set --secret hcloud:token <Hetzner Cloud API token>`",
    ]);
    const lines = refused("local", (c) => merge(c, "monitoring", { receivers }));
    expect(lines).toEqual([
      expect.stringMatching(
        /^platform:pagingSecret: is required by monitoring\.receivers\.paging: set it with `pulumi config set --secret platform:pagingSecret /,
      ),
      expect.stringMatching(
        /^platform:chatWebhookUrl: is required by monitoring\.receivers\.chat: /,
      ),
      expect.stringMatching(
        /^platform:smtpPassword: is required by monitoring\.receivers\.email: /,
      ),
    ]);
  });

  it("database.memoryGb below what the Postgres tuning rule starts from (0.5 GB)", () => {
    expect(refused("local", (c) => merge(c, "database", { memoryGb: 0.25 }))).toEqual([
      "platform:database.memoryGb: must be 0 (the profile's) or at least 0.5 (got 0.25)",
    ]);
  });

  it("an SMTP smarthost without a port", () => {
    const lines = refused("production", (c) => {
      withSecrets(c);
      merge(c, "monitoring", {
        receivers: { ...receivers, email: { ...receivers.email, smarthost: "smtp.example.com" } },
      });
    });
    expect(lines).toEqual([
      'platform:monitoring.receivers.email.smarthost: must be host:port such as smtp.example.com:587 (got "smtp.example.com")',
    ]);
  });

  it("two public apps on one host and path", () => {
    expect(
      refused("production", (c) =>
        c["platform:apps"].push({ ...c["platform:apps"][1], name: "graphql-two" }),
      ),
    ).toEqual([
      'platform:apps[3].pathPrefix: must differ from apps[1]\'s on the same host: both would serve graphql.example.com/ (got "/")',
    ]);
  });

  it("more public hosts than a Gateway's 64 listeners (Gateway API CRD maxItems: 64)", () => {
    const app = { image: "registry.example.com/a:1.0.0", port: 3000 };
    const hosts = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ ...app, name: `a${i}`, host: `h${i}` }));
    expect(refused("local", (c) => set(c, "apps", hosts(63)))).toEqual([
      "platform:apps: must name at most 63 public hosts (the apex included): a Gateway holds 64 listeners, one per host plus the HTTP redirect (got 64)",
    ]);
    // 62 subdomains and the apex: 63 HTTPS listeners and the HTTP one.
    expect(accepted("local", (c) => set(c, "apps", hosts(62))).apps).toHaveLength(62);
  });

  it("buckets without a media and a backup purpose where MinIO serves both", () => {
    expect(
      refused("production-hetzner", (c) =>
        merge(c, "objectStorage", {
          buckets: [
            { name: "logs", purpose: "logs", noncurrentVersionDays: 30, archiveAfterDays: 0 },
          ],
        }),
      ),
    ).toEqual([
      "platform:objectStorage.buckets: must include a bucket of purpose backup (self-hosted object storage serves media and backups)",
      "platform:objectStorage.buckets: must include a bucket of purpose media (self-hosted object storage serves media and backups)",
    ]);
  });

  it("a CIDR with host bits set", () => {
    expect(refused("production", (c) => merge(c, "network", { cidr: "10.0.0.1/16" }))).toEqual([
      'platform:network.cidr: has host bits set; write the network address (10.0.0.0/16) (got "10.0.0.1/16")',
    ]);
    expect(refused("production", (c) => set(c, "adminCidrs", ["203.0.113.7/24"]))).toEqual([
      'platform:adminCidrs[0]: has host bits set; write the network address (203.0.113.0/24) (got "203.0.113.7/24")',
    ]);
  });

  it("backups.schedule that is no cron, or no fixed daily time for AWS Backup and RDS", () => {
    expect(refused("production", (c) => merge(c, "backups", { schedule: "99 99 * * *" }))).toEqual([
      'platform:backups.schedule: must be a five-field cron expression Kubernetes accepts, such as 0 2 * * * (minute "99" lies outside 0-59) (got "99 99 * * *")',
    ]);
    expect(refused("production", (c) => merge(c, "backups", { schedule: "0 2 * * 1" }))).toEqual([
      'platform:backups.schedule: must run once a day at a fixed time on aws, such as 0 2 * * * (AWS Backup and RDS take one daily time) (got "0 2 * * 1")',
    ]);
    // Elsewhere a weekly dump is a legitimate choice: Kubernetes runs it as written.
    accepted("production-hetzner", (c) => merge(c, "backups", { schedule: "0 2 * * 1" }));
  });
});

describe("refused by the gate: what used to crash", () => {
  it("a mistyped webhook pager URL is refused without printing it", () => {
    const lines = refused("production", (c) => {
      withSecrets(c, "htps//pager.example.com/hook");
      merge(c, "monitoring", { receivers });
    });
    expect(lines).toEqual([
      "platform:pagingSecret: must be the http(s) URL of the webhook pager (monitoring.receivers.paging.type webhook) (got a secret value that is not one)",
    ]);
    // A good URL passes, and the pager is rendered from it.
    accepted("production", (c) => {
      withSecrets(c);
      merge(c, "monitoring", { receivers });
    });
  });
});

describe("secrets never in clear", () => {
  it("a secure: value where no secret can stay secret is refused, and never echoed", () => {
    const lines = refused("production", (c) => set(c, "region", secure("S3cr3t-region-9")));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^platform:region: must be one of aws's regions: .*\(got a secret value\)$/,
        ),
        expect.stringMatching(
          /^platform:region: must not come from secure:, as its values name .*\(got a secret value\)$/,
        ),
      ]),
    );
    for (const line of lines) expect(line).toMatch(/\(got a secret value\)$/);
    expect(lines.join("\n")).not.toContain("S3cr3t-region-9");
  });

  it("the secret keys given in clear are refused with the command that encrypts them, value unseen", () => {
    const lines = refused("production-hetzner", (c) => {
      c["platform:smtpPassword"] = "hunter2-in-clear";
      c["hcloud:token"] = "hcloud-token-in-clear";
      c["kubernetes:kubeconfig"] = "apiVersion: v1 # in clear";
      c["digitalocean:token"] = "dop_v1_in_clear";
    });
    expect(lines).toEqual([
      "platform:smtpPassword: must be a secret, not text in the stack file: remove it and encrypt it with `pulumi config set --secret platform:smtpPassword <password of the SMTP smarthost>` (got a value in clear)",
      "hcloud:token: must be a secret, not text in the stack file: remove it and encrypt it with `pulumi config set --secret hcloud:token <Hetzner Cloud API token>` (got a value in clear)",
      "digitalocean:token: must be a secret, not text in the stack file: remove it and encrypt it with `pulumi config set --secret digitalocean:token <DigitalOcean API token>` (got a value in clear)",
      "kubernetes:kubeconfig: must be a secret, not text in the stack file: remove it and encrypt it with `pulumi config set --secret kubernetes:kubeconfig <kubeconfig>` (got a value in clear)",
    ]);
    expect(lines.join("\n")).not.toMatch(/hunter2|hcloud-token-in-clear|in clear #|dop_v1/);
  });

  it("a secure: app env value (pulumi config set --secret --path) goes to the app's Secret, not its ConfigMap", async () => {
    const config = accepted("local", (c) => {
      c["platform:apps"][0].env = { API_KEY: secure("S3cr3t-api-key"), LOG_LEVEL: "info" };
    });
    expect(config.secretKeys).toEqual(["apps"]);
    const rs = await record(() => {
      new Platform("platform", { config, cluster: cloudLayer(config) });
    });
    const configMap = one(rs, K8S.configMap, "platform-api-config").inputs.data;
    const secret = one(rs, K8S.secret, "platform-api-secret").inputs.stringData;
    expect(configMap).toEqual({ PORT: "3000" });
    expect(secret).toMatchObject({ API_KEY: "S3cr3t-api-key", LOG_LEVEL: "info" });
  });

  it("an app env from plain config stays in the ConfigMap", async () => {
    const config = accepted("local", (c) => {
      c["platform:apps"][0].env = { LOG_LEVEL: "info" };
    });
    expect(config.secretKeys).toBeUndefined();
    const rs = await record(() => {
      new Platform("platform", { config, cluster: cloudLayer(config) });
    });
    expect(one(rs, K8S.configMap, "platform-api-config").inputs.data).toEqual({
      PORT: "3000",
      LOG_LEVEL: "info",
    });
  });
});

describe("refused by the gate: names that would collide", () => {
  const bucket = (name: string, purpose: string) => ({
    name,
    purpose,
    noncurrentVersionDays: 30,
    archiveAfterDays: 0,
  });

  it("two buckets of one purpose or one name", () => {
    expect(
      refused("production", (c) =>
        merge(c, "objectStorage", {
          buckets: [bucket("media", "media"), bucket("pics", "media"), bucket("backup", "backup")],
        }),
      ),
    ).toEqual([
      'platform:objectStorage.buckets[1].purpose: must differ from objectStorage.buckets[0].purpose: one bucket per purpose (got "media")',
    ]);
    expect(
      refused("production", (c) =>
        merge(c, "objectStorage", {
          buckets: [bucket("store", "media"), bucket("store", "backup")],
        }),
      ),
    ).toEqual([
      'platform:objectStorage.buckets[1].name: must differ from objectStorage.buckets[0].name (got "store")',
    ]);
  });

  it("an apps namespace that is one of the platform's own, or Kubernetes'", () => {
    for (const ns of ["data", "kube-system"])
      expect(refused("local", (c) => merge(c, "kubernetes", { namespace: ns }))).toEqual([
        expect.stringMatching(
          /^platform:kubernetes\.namespace: must (not be one of the platform's own|be a namespace the platform can create)/,
        ),
      ]);
  });

  it("the platform's namespace list holds every namespace a shipped stack creates but the apps'", async () => {
    // Self-hosted data services (CloudNativePG's operator) and Elasticsearch's agents included.
    const stacks = ["production-hetzner", "production-large"];
    const recorded = await recordVariants(stacks.map((stack) => ({ label: stack, stack })));
    const namespaces = new Set<string>();
    for (const stack of stacks) {
      const apps = parseStackConfig(shippedRaw(stack)).kubernetes.namespace;
      const created = recorded
        .get(stack)!
        .filter((r) => r.type === "kubernetes:core/v1:Namespace")
        .map((r) => r.inputs.metadata.name as string);
      expect(created).toContain(apps);
      created.filter((n) => n !== apps).forEach((n) => namespaces.add(n));
    }
    expect([...namespaces].sort()).toEqual([...PLATFORM_NAMESPACES].sort());
  });

  it("the plan's backstop: past the gate, a namespace twice is caught as a collision naming the key", async () => {
    const config = parseStackConfig(shippedRaw("local"));
    const clash = { ...config, kubernetes: { ...config.kubernetes, namespace: "data" } };
    const rs = await record(() => {
      new Platform("platform", { config: clash, cluster: cloudLayer(clash) });
    });
    const found = collisions(rs);
    expect(found.map((c) => c.identity)).toContain("core/Namespace data");
    expect(collisionProblems(found, clash)).toContain(
      "platform:kubernetes.namespace: names core/Namespace data, which 2 resources of the stack would claim",
    );
    expect(
      collisions(
        await record(() => new Platform("platform", { config, cluster: cloudLayer(config) })),
      ),
    ).toEqual([]);
  });
});

describe("refused by the gate: what used to be accepted and silently wrong", () => {
  it("admin networks that together are the whole internet", () => {
    expect(
      refused("production", (c) => set(c, "adminCidrs", ["0.0.0.0/1", "128.0.0.0/1"])),
    ).toEqual([
      'platform:adminCidrs[0]: admits a share of the internet; list the admin networks (VPN, office), each a /8 or narrower (got "0.0.0.0/1")',
      'platform:adminCidrs[1]: admits a share of the internet; list the admin networks (VPN, office), each a /8 or narrower (got "128.0.0.0/1")',
    ]);
  });

  it("IPv6 admin networks on AWS, whose layer is IPv4 only; on Hetzner they are legitimate", () => {
    expect(refused("production", (c) => set(c, "adminCidrs", ["2001:db8::/48"]))).toEqual([
      'platform:adminCidrs[0]: must be IPv4 on aws: the VPC, its security groups and the EKS public endpoint are IPv4 only here (got "2001:db8::/48")',
    ]);
    // hcloud firewalls and the servers' ufw rules take IPv6 sources.
    accepted("production-hetzner", (c) => set(c, "adminCidrs", ["2001:db8::/48"]));
  });

  it("a policy override naming no policy of the pack", () => {
    expect(
      refused("local", (c) =>
        merge(c, "policies", { overrides: { "kubernetes-hpa-bounds": "advisory" } }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^platform:policies\.overrides\.kubernetes-hpa-bounds: must name a policy of the pack \(policies\/list\.ts\), such as /,
      ),
    ]);
    accepted("local", (c) =>
      merge(c, "policies", { overrides: { "kubernetes-hpa-enforce-bounds": "advisory" } }),
    );
  });

  it("cdn.enabled where the program builds no CDN; the tier's default follows the provider", () => {
    expect(refused("production-hetzner", (c) => merge(c, "cdn", { enabled: true }))).toEqual([
      "platform:cdn.enabled: must be false on hetzner: the program builds no CDN there (got true)",
    ]);
    expect(refused("local", (c) => merge(c, "cdn", { enabled: true }))).toEqual([
      "platform:cdn.enabled: must be false on existing: the program builds no CDN there (got true)",
    ]);
    // The medium preset turns the CDN on; on Hetzner its default is off instead.
    expect(accepted("production-hetzner", () => undefined).cdn.enabled).toBe(false);
  });

  it("an app on the CDN's media host", () => {
    expect(
      refused("production", (c) => {
        c["platform:apps"][1].host = "media";
      }),
    ).toEqual([
      'platform:apps[1].host: must differ from cdn.mediaHost: that host is the CDN\'s, serving the media bucket (got "media")',
    ]);
  });

  it("cron expressions Kubernetes refuses (robfig/cron v3's standard parser)", () => {
    for (const bad of [
      "0 2 * * 7",
      "*/0 * * * *",
      "@daily",
      "TZ=UTC 0 2 * * *",
      "5-1 * * * *",
      "0 2 * *",
    ]) {
      expect(cronProblem(bad)).toBeDefined();
      expect(refused("local", (c) => merge(c, "backups", { fileSyncSchedule: bad }))).toEqual([
        expect.stringMatching(
          /^platform:backups\.fileSyncSchedule: must be a five-field cron expression Kubernetes accepts/,
        ),
      ]);
    }
    for (const good of ["0 2 * JAN-DEC MON", "30 3 * * 1-5", "0 */6 * * *", "15 2 1,15 * ?"])
      expect(cronProblem(good)).toBeUndefined();
  });

  it("a restore check without a valid schedule or with an RTO outside 1-1440 minutes", () => {
    const restoreCheck = (over: Record<string, unknown>) =>
      refused("local", (c) => merge(c, "backups", { restoreCheck: over }));
    expect(restoreCheck({ schedule: "@monthly" })).toEqual([
      expect.stringMatching(/^platform:backups\.restoreCheck\.schedule: must be a five-field cron/),
    ]);
    for (const rtoMinutes of [0, 1441, 1.5])
      expect(restoreCheck({ rtoMinutes })).toEqual([
        expect.stringMatching(/^platform:backups\.restoreCheck\.rtoMinutes: /),
      ]);
  });

  it("requests above limits", () => {
    expect(
      refused("local", (c) => {
        c["platform:apps"][0].resources = {
          requests: { cpu: "2", memory: "2Gi" },
          limits: { cpu: "1", memory: "1Gi" },
        };
      }),
    ).toEqual([
      'platform:apps[0].resources.requests.cpu: must not exceed limits.cpu (1) (got "2")',
      'platform:apps[0].resources.requests.memory: must not exceed limits.memory (1Gi) (got "2Gi")',
    ]);
  });

  it("malformed image references (distribution/reference grammar)", () => {
    for (const image of [
      "Registry.example.com/Team/App:1",
      "app:1.0 ; rm -rf /",
      "app@sha256:abc",
      "app::1",
    ])
      expect(
        refused("local", (c) => {
          c["platform:apps"][0].image = image;
        }),
      ).toEqual([
        expect.stringMatching(
          /^platform:apps\[0\]\.image: must be an image reference such as registry\.example\.com\/team\/app:1\.2\.3 \(got /,
        ),
      ]);
  });

  it("a region of 100 kB, with a short line", () => {
    const lines = refused("local", (c) => set(c, "region", "r".repeat(100_000)));
    expect(lines).toEqual([
      expect.stringMatching(
        /^platform:region: must be at most 63 character\(s\) long \(got "r{50,}\.\.\.\)$/,
      ),
    ]);
    expect(lines[0].length).toBeLessThan(200);
  });

  it('accepts region "2024", "true" or "null" as the text it is (a label on an existing cluster)', () => {
    for (const region of ["2024", "true", "null"])
      expect(accepted("local", (c) => set(c, "region", region)).region).toBe(region);
    // On a cloud it must still be one of the cloud's regions.
    expect(refused("production", (c) => set(c, "region", "2024"))[0]).toMatch(
      /^platform:region: must be one of aws's regions: /,
    );
  });
});

describe("the offline plan: exit 2 before anything is registered, never a crash", () => {
  let results: Map<string, PlanOutcome>;
  beforeAll(async () => {
    const local = fs.readFileSync(path.join(ROOT, "Pulumi.local.yaml"), "utf8");
    const hetzner = shipped("production-hetzner");
    // The two-step path: neither a kubeconfig nor the SSH key that would fetch it.
    delete hetzner["kubernetes:kubeconfig"];
    delete hetzner["platform:sshPrivateKey"];
    results = await plans(dir, {
      tabs: local.replace("\n  platform:tier:", "\n\tplatform:tier:"),
      alias: withAliasBomb(local),
      pager: variant("production", (c) => {
        withSecrets(c);
        merge(c, "monitoring", { receivers });
        set(c, "region", "eu-nowhere-1");
      }),
      webhook: variant("staging", (c) => {
        withSecrets(c);
        merge(c, "monitoring", { receivers });
      }),
      firstdeploy: stringify({ config: hetzner }),
    });
  });

  it("YAML that does not parse: file, line and column, exit 2", () => {
    const tabs = results.get("tabs")!;
    expect(tabs.status).toBe(2);
    expect(tabs.json!.problems[0]).toBe(
      "Pulumi.tabs.yaml:5:1: Tabs are not allowed as indentation",
    );
    expect(tabs.json!.resources).toEqual([]);
    const alias = results.get("alias")!;
    expect(alias.status).toBe(2);
    expect(alias.json!.problems).toEqual([
      expect.stringMatching(/^Pulumi\.alias\.yaml:\d+:\d+: Excessive alias count/),
    ]);
  });

  it("a refused config registers nothing, and no secret reaches the output", () => {
    const pager = results.get("pager")!;
    expect(pager.status).toBe(2);
    expect(pager.json!.resources).toEqual([]);
    expect(pager.json!.problems).toContainEqual(
      expect.stringMatching(/^platform:region: must be one of aws's regions: /),
    );
    for (const line of pager.json!.problems) expect(line).toMatch(/^platform:region: /);
    expect(pager.out).not.toContain("plan-placeholder-secret");
  });

  it("a stack with a webhook pager plans (its secret URL never printed)", () => {
    const webhook = results.get("webhook")!;
    expect(webhook.status).toBe(0);
    expect(webhook.out).not.toContain("pager.example.com");
    expect(webhook.out).not.toContain("plan-placeholder-secret");
  });

  it("Hetzner without kubernetes:kubeconfig plans the first phase and stops as documented (docs/hetzner.md)", () => {
    const first = results.get("firstdeploy")!;
    expect(first.status).toBe(2);
    expect(first.json!.problems).toEqual([
      expect.stringMatching(
        /^kubernetes:kubeconfig: is not set\. The servers are up .*pulumi config set --secret kubernetes:kubeconfig/s,
      ),
    ]);
    // The documented stop comes after the servers: that is what the first `pulumi up` creates.
    expect(first.json!.resources.map((r: any) => r.type)).toContain("hcloud:index/server:Server");
  });
});

describe("pulumi up gets the same gate", () => {
  it("one RunError (printed without a stack trace) carrying every line", () => {
    pulumi.runtime.setAllConfig({ "platform:provider": "aws", "platform:tier": "medium" });
    let error: unknown;
    try {
      require("../../config").loadStackConfig();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect((error as ConfigError).problems).toEqual([
      "platform:region: is required (string)",
      "platform:domain: is required (string)",
    ]);
    expect((error as Error).message).toBe(
      "invalid stack config:\n  platform:region: is required (string)\n  platform:domain: is required (string)",
    );
  });

  it("index.ts validates before anything else", () => {
    const program = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8");
    const first = program.split("\n").find((l) => /^(const|new|export const) /.test(l));
    expect(first).toMatch(/loadStackConfig\(\)/);
  });
});
