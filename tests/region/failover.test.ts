/**
 * The enterprise group's failover cloud (tiers document, Enterprise: "Primary cloud + failover
 * cloud"): enterprise-nyc3 on DigitalOcean is a warm standby of enterprise-us-east-1, fed by the
 * primary's off-site copy of its backup bucket (docs/disaster-recovery.md, "Failing over to the
 * second cloud"). "promoted" is the standby after `multiRegion.role: primary`.
 */
import * as fs from "fs";
import { offsiteMismatch } from "../../components/platform/standby";
import { STANDBY_MEDIA_JOB, STANDBY_REFRESH_JOB } from "../../components/backups/standby-refresh";
import { alertRules } from "../../components/monitoring/alert-rules";
import { shippedStacks } from "../../plan/stack";
import { validateK8s } from "../helpers/k8s-schema";
import { changedStack, planChanged } from "../helpers/changed-stack";
import { recordVariants, type RecordedResource } from "../helpers/recorded";

const CRON = "kubernetes:batch/v1:CronJob";
const others = shippedStacks().filter((s) => s !== "enterprise-nyc3");
let recorded: Map<string, RecordedResource[]>;
beforeAll(async () => {
  recorded = await recordVariants([
    { label: "standby", stack: "enterprise-nyc3" },
    {
      label: "promoted",
      stack: "enterprise-nyc3",
      overrides: { multiRegion: { role: "primary" } },
    },
    ...others.map((stack) => ({ label: stack, stack })),
  ]);
}, 600_000);

const cronJob = (label: string, name: string) =>
  recorded.get(label)!.find((r) => r.type === CRON && r.inputs.metadata?.name === name);
const env = (job: RecordedResource, container: string) =>
  Object.fromEntries(
    [
      ...(job.inputs.spec.jobTemplate.spec.template.spec.initContainers ?? []),
      ...job.inputs.spec.jobTemplate.spec.template.spec.containers,
    ]
      .find((c: { name: string }) => c.name === container)
      .env.map((e: { name: string; value?: string }) => [e.name, e.value ?? "(from a secret)"]),
  );

/** The label selector of an alert's expression, as the anchored regular expression PromQL uses. */
function selector(alert: string, label: string): RegExp {
  const expr = alertRules()
    .groups.flatMap((g) => g.rules)
    .find((r) => r.alert === alert)!.expr;
  const quoted = new RegExp(`${label}=~("(?:[^"\\\\]|\\\\.)*")`).exec(expr)![1];
  return new RegExp(`^(?:${JSON.parse(quoted)})$`);
}

describe("the failover standby refreshes itself from the primary's off-site copy", () => {
  test("a daily job restores the primary's newest dump from its folder of the standby's backup bucket, after the 02:00 dump", () => {
    const primaryBackup = recorded
      .get("enterprise-us-east-1")!
      .find((r) => r.type === "aws:s3/bucket:Bucket" && r.name === "storage-backup")!;
    expect(primaryBackup.inputs.bucket).toBe("example-com-enterprise-us-east-1-backup");
    const job = cronJob("standby", STANDBY_REFRESH_JOB)!;
    expect(job.inputs.spec.schedule).toBe("0 4 * * *");
    const fetch = env(job, "fetch");
    expect(fetch.TARGET_URL).toBe("https://nyc3.digitaloceanspaces.com");
    expect(fetch.BACKUP_BUCKET).toBe(
      `example-com-enterprise-nyc3-backup/${primaryBackup.inputs.bucket}`,
    );
    // The restore goes to the standby's own managed database, over TLS.
    const restore = env(job, "restore");
    expect(restore.PGHOST).toMatch(/ondigitalocean\.com$/);
    expect(restore.PGSSLMODE).toBe("require");
    expect(restore.PGPASSWORD).toBe("(from a secret)");
  });

  test("an hourly job mirrors the primary's media into the standby's media bucket", () => {
    const job = cronJob("standby", STANDBY_MEDIA_JOB)!;
    expect(job.inputs.spec.schedule).toBe("45 * * * *");
    expect(env(job, "mirror").MEDIA_BUCKET).toMatch(/^example-com-enterprise-nyc3-media/);
  });

  test("the jobs run restricted, with requests and limits, on pinned images, egress limited", () => {
    for (const name of [STANDBY_REFRESH_JOB, STANDBY_MEDIA_JOB]) {
      const pod = cronJob("standby", name)!.inputs.spec.jobTemplate.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect(c.resources.requests).toBeDefined();
        expect(c.resources.limits).toBeDefined();
        expect(c.image).not.toMatch(/:latest$|^[^:]+$/);
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
      }
    }
    const policy = recorded
      .get("standby")!
      .find((r) => r.name === "platform-standby-refresh-egress")!;
    expect(policy.inputs.spec.policyTypes).toEqual(["Egress"]);
  });

  test("its objects are valid Kubernetes objects", () => {
    const mine = recorded.get("standby")!.filter((r) => r.urn.includes("StandbyRefresh$"));
    expect(mine.length).toBe(4);
    expect(mine.map((r) => validateK8s(r as never)).filter(Boolean)).toEqual([]);
  });

  test("its jobs are named for StandbyRefreshFailed and StandbyRefreshMissed, never for the backup or restore-check alerts", () => {
    for (const name of [STANDBY_REFRESH_JOB, STANDBY_MEDIA_JOB]) {
      expect(selector("StandbyRefreshFailed", "job_name").test(`${name}-29401680`)).toBe(true);
      expect(selector("StandbyRefreshMissed", "cronjob").test(name)).toBe(true);
      expect(selector("BackupTooOld", "cronjob").test(name)).toBe(false);
      expect(selector("BackupFailed", "job_name").test(`${name}-29401680`)).toBe(false);
      expect(selector("RestoreCheckFailed", "job_name").test(`${name}-29401680`)).toBe(false);
    }
  });

  test("promotion stops the refresh: the apps then write to the standby's database", () => {
    expect(cronJob("promoted", STANDBY_REFRESH_JOB)).toBeUndefined();
    expect(cronJob("promoted", STANDBY_MEDIA_JOB)).toBeUndefined();
    // Its own backups go on.
    expect(cronJob("promoted", "platform-db-backup")).toBeDefined();
  });

  test.each(others)("no refresh on %s", (stack) => {
    expect(recorded.get(stack)!.length).toBeGreaterThan(0);
    expect(recorded.get(stack)!.some((r) => r.type === "platform:data:StandbyRefresh")).toBe(false);
  });
});

describe("the primary's off-site copy must land in the standby's backup bucket", () => {
  const own = {
    provider: "digitalocean",
    endpoint: "https://nyc3.digitaloceanspaces.com",
    bucket: "example-com-enterprise-nyc3-backup",
  };
  const source = {
    provider: "aws" as const,
    buckets: [
      { purpose: "backup", name: "b", arn: "arn:b", region: "us-east-1" },
      { purpose: "media", name: "m", arn: "arn:m", region: "us-east-1" },
    ],
    offsite: { endpoint: "https://nyc3.digitaloceanspaces.com/", bucket: own.bucket },
  };
  test("the same endpoint host and bucket pass", () => {
    expect(offsiteMismatch(source, own, "p")).toBeUndefined();
  });
  test.each([
    [
      "another region's endpoint",
      { endpoint: "https://sfo3.digitaloceanspaces.com", bucket: own.bucket },
    ],
    ["another bucket", { endpoint: own.endpoint, bucket: "elsewhere" }],
    ["no off-site copy", undefined],
  ])("%s says which key of which stack to set to what", (_, offsite) => {
    expect(offsiteMismatch({ ...source, offsite }, own, "enterprise-us-east-1")).toBe(
      `platform:backups.offsite of stack enterprise-us-east-1: must be {endpoint: https://nyc3.digitaloceanspaces.com, bucket: example-com-enterprise-nyc3-backup}, this failover standby's backup bucket, which its copy feeds (got ${offsite ? `{endpoint: ${offsite.endpoint}, bucket: ${offsite.bucket}}` : "none"})`,
    );
  });
  test("a primary on the same cloud is no failover", () => {
    expect(offsiteMismatch({ ...source, provider: "digitalocean" }, own, "p")).toMatch(
      /primary is on another cloud/,
    );
  });
  test("the offline plan stops on a primary whose copy goes elsewhere, in one line", () => {
    const dir = changedStack("enterprise-nyc3", (c) => {
      c["platform:multiRegion"].primaryStack = "production";
    });
    try {
      const r = planChanged(dir, []);
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(
        /platform:backups\.offsite of stack production: must be \{endpoint: https:\/\/nyc3\.digitaloceanspaces\.com, bucket: example-com-changed-backup\}/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
