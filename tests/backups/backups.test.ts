import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import { isPinnedImage, PRESETS } from "../../config";
import {
  Backups,
  BackupsArgs,
  BackupsConfig,
  dumpScript,
  mirrorScript,
  offsiteScript,
  olderThan,
  retentionPlan,
  scratchSizeGb,
  storeTool,
  periodApplies,
  PERIOD_DAYS,
  uploadScript,
} from "../../components/backups";
import { alertRules } from "../../components/monitoring/alert-rules";
import { Monitoring } from "../../components/monitoring";
import { record, ofType, one } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";
import type { Registered } from "../../plan/mocks";
import { evaluatePolicies } from "../../plan/policy";
import { policies } from "../../policies/list";
import { DEFAULT_POLICY_CONFIG } from "../../policies/config";

const production = PRESETS.medium.backups;
const keys = {
  kind: "keys" as const,
  accessKeyId: "backup-user",
  secretAccessKey: "backup-secret-key",
};
const minioTarget = {
  endpoint: "http://minio.data.svc:9000",
  region: "us-east-1",
  bucket: "backup",
  credentials: keys,
};
const minioMedia = { ...minioTarget, bucket: "media" };
const offsite = {
  endpoint: "https://hel1.your-objectstorage.com",
  region: "hel1",
  bucket: "acme-offsite",
  credentials: {
    kind: "keys" as const,
    accessKeyId: "offsite-key",
    secretAccessKey: "offsite-secret",
  },
};
const withOffsite = () =>
  args({
    backups: { ...production, offsite: { ...offsite, schedule: "30 * * * *" } },
    offsite,
  });

const args = (over: Partial<BackupsArgs> = {}): BackupsArgs => ({
  namespace: "data",
  backups: production,
  database: {
    host: "postgres-rw.data.svc",
    port: 5432,
    database: "app",
    user: "app",
    password: { secretName: "postgres-app", key: "password" },
    version: "16",
  },
  target: minioTarget,
  lifecycleRules: false,
  media: minioMedia,
  pools: ["app", "db", "monitoring"],
  storageClass: "fast",
  scratchGb: scratchSizeGb(200),
  ...over,
});
const build =
  (a = args()) =>
  () =>
    new Backups("platform", a);
const cronJobs = async (a = args()) =>
  ofType(await record(build(a)), "kubernetes:batch/v1:CronJob");
const dumpJob = async (a = args()) =>
  (await cronJobs(a)).find((c) => c.name === "platform-db")!.inputs;

/** The platform's policy pack, run the way the offline plan runs it. */
async function violations(rs: Registered[]) {
  return evaluatePolicies(policies, rs, {
    config: DEFAULT_POLICY_CONFIG,
    enforcement: "mandatory",
    overrides: {},
  });
}

describe("retention plan", () => {
  it("keeps 7 daily, 4 weekly and 12 monthly dumps under their own prefixes, none for less than 30 days", () => {
    const plan = retentionPlan(production);
    expect(plan.map((t) => [t.prefix, t.keep])).toEqual([
      ["pg_dump/daily/", 7],
      ["pg_dump/weekly/", 4],
      ["pg_dump/monthly/", 12],
    ]);
    // Self-hosted §3.1 RETENTION_DAYS=30 is a floor; twelve monthly copies need twelve long months.
    expect(plan.map((t) => t.expireDays)).toEqual([30, 30, 372]);
  });

  it("writes only daily dumps on staging, kept 7 days", () => {
    expect(retentionPlan(PRESETS.staging.backups)).toEqual([
      { period: "daily", prefix: "pg_dump/daily/", keep: 7, expireDays: 7 },
    ]);
  });

  it("always holds at least the documented number of copies per period, at most one more, and none past its lifetime", () => {
    const config = fc.record({
      schedule: fc.constant("0 2 * * *"),
      fileSyncSchedule: fc.constant("0 * * * *"),
      standbyRefreshSchedule: fc.constant("0 4 * * *"),
      daily: fc.integer({ min: 1, max: 40 }),
      weekly: fc.integer({ min: 0, max: 10 }),
      monthly: fc.integer({ min: 0, max: 24 }),
      databaseRetentionDays: fc.integer({ min: 1, max: 60 }),
      restoreCheck: fc.constant(production.restoreCheck),
    });
    const start = fc.date({
      min: new Date("2020-01-01T00:00:00Z"),
      max: new Date("2030-01-01T00:00:00Z"),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(
        config,
        start,
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1100, maxLength: 1100 }),
        (c: BackupsConfig, s, jitter) => {
          const plan = retentionPlan(c);
          const stored = new Map<string, number[]>(plan.map((t) => [t.period, []]));
          const first = Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), s.getUTCDate(), 2, 0);
          const warmUp = Math.max(...plan.map((t) => t.expireDays)) + 62;
          for (let day = 0; day < jitter.length; day++) {
            // The job runs at 02:00 plus a few minutes of scheduling and dump time.
            const now = first + day * 86400e3 + jitter[day] * 60e3;
            for (const t of plan) {
              const copies = stored.get(t.period)!;
              if (periodApplies(t.period, new Date(now))) copies.push(now);
              const limitMs = parseInt(olderThan(t), 10) * 3600e3;
              stored.set(
                t.period,
                copies.filter((at) => now - at <= limitMs),
              );
              if (day >= warmUp) {
                const kept = stored.get(t.period)!;
                if (kept.length < t.keep) return false;
                // Without the 30-day floor a tier holds its count, or one more right after a new copy.
                if (t.expireDays === t.keep * PERIOD_DAYS[t.period] && kept.length > t.keep + 1)
                  return false;
                if (kept.some((at) => now - at >= t.expireDays * 86400e3)) return false;
              }
            }
          }
          return true;
        },
      ),
      { numRuns: 60 },
    );
  });

  it("files a dump under weekly/ on Sundays and monthly/ on the 1st (UTC)", () => {
    expect(periodApplies("weekly", new Date("2026-11-22T02:00:00Z"))).toBe(true); // a Sunday
    expect(periodApplies("weekly", new Date("2026-11-23T02:00:00Z"))).toBe(false);
    expect(periodApplies("monthly", new Date("2026-12-01T02:00:00Z"))).toBe(true);
    expect(periodApplies("monthly", new Date("2026-12-02T02:00:00Z"))).toBe(false);
  });
});

/**
 * A stand-in psql session for the dump script: answers the snapshot export and writes one table's
 * count where `\\o` points (tests/backups/restore-check.test.ts runs the real one).
 */
const PSQL_SESSION = `out=/dev/null
while IFS= read -r line; do
  case "$line" in
    "SELECT pg_export_snapshot()"*) printf 'snap-1\\t0/3000060\\t2026-11-01 02:00:01+00\\n' ;;
    "\\\\o "*) out="\${line#* }" ;;
    "SELECT format("*) printf 'public.t\\t1\\n' > "$out" ;;
  esac
done`;

describe("backup scripts, run by a POSIX shell against stand-in programs", () => {
  let dir: string;
  let bin: string;
  const sh = (script: string, env: Record<string, string>) =>
    spawnSync("/bin/sh", ["-c", script], {
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, ...env },
      encoding: "utf8",
    });
  const stub = (program: string, body: string) => {
    fs.writeFileSync(path.join(bin, program), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-test-"));
    bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.mkdirSync(path.join(dir, "backup"));
    stub("mc", `echo "$@" >> ${dir}/mc.log`);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("parses as POSIX shell", () => {
    const scripts = [
      dumpScript(),
      uploadScript(retentionPlan(production), "mc", true),
      uploadScript(retentionPlan(production), "aws", false),
      mirrorScript("mc"),
      mirrorScript("aws"),
      offsiteScript(),
      offsiteScript("aws"),
    ];
    for (const s of scripts) expect(() => execFileSync("/bin/sh", ["-n", "-c", s])).not.toThrow();
  });

  it("dumps through gzip and, on Sunday the 1st, uploads to daily, weekly and monthly, then prunes each tier", () => {
    stub("pg_dump", `echo "$@" > ${dir}/pg_dump.args; printf 'PGDMP-custom-format'`);
    stub("psql", PSQL_SESSION);
    stub("date", "echo 20261101_020000:7:01"); // Sunday 1 November 2026
    const backup = path.join(dir, "backup");
    const dump = sh(dumpScript(backup), { PGDATABASE: "app" });
    expect(dump.status).toBe(0);
    const name = fs.readFileSync(path.join(backup, "NAME"), "utf8").trim();
    expect(name).toBe("app_20261101_020000.dump.gz");
    expect(execFileSync("gzip", ["-dc", path.join(backup, name)], { encoding: "utf8" })).toBe(
      "PGDMP-custom-format",
    );
    // pg_dump reads the session's exported snapshot; the manifest beside the dump is from it too.
    expect(fs.readFileSync(path.join(dir, "pg_dump.args"), "utf8")).toContain("--snapshot=snap-1");
    expect(fs.readFileSync(path.join(backup, "app_20261101_020000.counts"), "utf8")).toBe(
      "#lsn\t0/3000060\n#time\t2026-11-01 02:00:01+00\npublic.t\t1\n",
    );

    const plan = retentionPlan(production);
    const upload = sh(uploadScript(plan, "mc", true, backup), {
      TARGET_URL: "http://minio:9000",
      BACKUP_BUCKET: "backup",
      AWS_ACCESS_KEY_ID: "k",
      AWS_SECRET_ACCESS_KEY: "s",
    });
    expect(upload.status).toBe(0);
    const calls = fs.readFileSync(path.join(dir, "mc.log"), "utf8").trim().split("\n");
    const counts = name.replace(".dump.gz", ".counts");
    expect(calls.filter((c) => c.startsWith("cp ")).map((c) => c.split(" ").pop())).toEqual([
      `target/backup/pg_dump/daily/${counts}`,
      `target/backup/pg_dump/daily/${name}`,
      `target/backup/pg_dump/weekly/${counts}`,
      `target/backup/pg_dump/weekly/${name}`,
      `target/backup/pg_dump/monthly/${counts}`,
      `target/backup/pg_dump/monthly/${name}`,
    ]);
    expect(calls.filter((c) => c.startsWith("rm "))).toEqual([
      "rm --recursive --force --older-than 708h target/backup/pg_dump/daily/",
      "rm --recursive --force --older-than 708h target/backup/pg_dump/weekly/",
      "rm --recursive --force --older-than 8916h target/backup/pg_dump/monthly/",
    ]);
  });

  it("uploads a weekday's dump to daily/ only, and leaves expiry to lifecycle rules when the bucket has them", () => {
    const backup = path.join(dir, "backup");
    fs.writeFileSync(path.join(backup, "NAME"), "app_20261103_020000.dump.gz\n");
    fs.writeFileSync(path.join(backup, "WEEKDAY"), "2\n");
    fs.writeFileSync(path.join(backup, "MONTHDAY"), "03\n");
    const upload = sh(uploadScript(retentionPlan(production), "mc", false, backup), {
      TARGET_URL: "u",
      BACKUP_BUCKET: "backup",
      AWS_ACCESS_KEY_ID: "k",
      AWS_SECRET_ACCESS_KEY: "s",
    });
    expect(upload.status).toBe(0);
    const calls = fs.readFileSync(path.join(dir, "mc.log"), "utf8").trim().split("\n");
    expect(calls.filter((c) => c.startsWith("cp ")).map((c) => c.split(" ").pop())).toEqual([
      "target/backup/pg_dump/daily/app_20261103_020000.counts",
      "target/backup/pg_dump/daily/app_20261103_020000.dump.gz",
    ]);
    expect(calls.some((c) => c.startsWith("rm "))).toBe(false);
  });

  it("copies the whole backup bucket off site, following its retention", () => {
    const run = sh(offsiteScript(), {
      TARGET_URL: "http://minio.data.svc:9000",
      BACKUP_BUCKET: "backup",
      AWS_ACCESS_KEY_ID: "k",
      AWS_SECRET_ACCESS_KEY: "s",
      OFFSITE_URL: "https://hel1.your-objectstorage.com",
      OFFSITE_BUCKET: "acme-offsite",
      OFFSITE_ACCESS_KEY_ID: "ok",
      OFFSITE_SECRET_ACCESS_KEY: "os",
    });
    expect(run.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, "mc.log"), "utf8").trim().split("\n")).toEqual([
      "alias set target http://minio.data.svc:9000 k s --api S3v4",
      "alias set offsite https://hel1.your-objectstorage.com ok os --api S3v4",
      "mirror --overwrite --remove --quiet target/backup offsite/acme-offsite/backup",
    ]);
  });

  it("mirrors deletions from the media bucket into the copy, with mc and with the AWS CLI", () => {
    stub("aws", `echo "$@" >> ${dir}/aws.log`);
    const env = {
      SOURCE_URL: "http://minio.data.svc:9000",
      MEDIA_BUCKET: "media",
      TARGET_URL: "http://minio.data.svc:9000",
      BACKUP_BUCKET: "backup",
      SOURCE_ACCESS_KEY_ID: "sk",
      SOURCE_SECRET_ACCESS_KEY: "ss",
      AWS_ACCESS_KEY_ID: "k",
      AWS_SECRET_ACCESS_KEY: "s",
    };
    expect(sh(mirrorScript("mc"), env).status).toBe(0);
    const mirror = fs.readFileSync(path.join(dir, "mc.log"), "utf8").trim().split("\n").pop()!;
    // Without --remove a file deleted from the media bucket stays in the copy for ever.
    expect(mirror.split(" ")).toEqual(
      expect.arrayContaining(["mirror", "--remove", "source/media", "target/backup/files/media"]),
    );
    expect(sh(mirrorScript("aws"), env).status).toBe(0);
    const sync = fs.readFileSync(path.join(dir, "aws.log"), "utf8").trim().split(" ");
    expect(sync.slice(0, 2)).toEqual(["s3", "sync"]);
    expect(sync).toContain("--delete");
    expect(sync.slice(-2)).toEqual(["s3://media/", "s3://backup/files/media/"]);
  });

  it("copies an S3 bucket reached through an IAM role off site with rclone: web identity in, keys out", () => {
    stub("rclone", `{ echo "$@"; env | grep '^RCLONE_CONFIG_' | sort; } >> ${dir}/rclone.log`);
    const run = sh(offsiteScript("aws"), {
      TARGET_URL: "https://s3.us-east-1.amazonaws.com",
      AWS_REGION: "us-east-1",
      BACKUP_BUCKET: "acme-backup",
      OFFSITE_URL: "https://sfo3.digitaloceanspaces.com",
      OFFSITE_REGION: "sfo3",
      OFFSITE_BUCKET: "acme-offsite",
      OFFSITE_ACCESS_KEY_ID: "ok",
      OFFSITE_SECRET_ACCESS_KEY: "os",
    });
    expect(run.status).toBe(0);
    const [command, ...config] = fs
      .readFileSync(path.join(dir, "rclone.log"), "utf8")
      .trim()
      .split("\n");
    expect(command).toMatch(/^sync .*backup:acme-backup offsite:acme-offsite\/acme-backup$/);
    expect(config).toEqual(
      expect.arrayContaining([
        "RCLONE_CONFIG_BACKUP_ENV_AUTH=true",
        "RCLONE_CONFIG_BACKUP_REGION=us-east-1",
        "RCLONE_CONFIG_BACKUP_SERVER_SIDE_ENCRYPTION=aws:kms",
        "RCLONE_CONFIG_OFFSITE_ENDPOINT=https://sfo3.digitaloceanspaces.com",
        "RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID=ok",
        "RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY=os",
      ]),
    );
    // No static key may sneak into the S3 side: the role is the only way in.
    expect(config.filter((l) => l.startsWith("RCLONE_CONFIG_BACKUP_ACCESS"))).toEqual([]);
  });

  it("fails the job when pg_dump fails, so the BackupFailed alert fires", () => {
    stub("pg_dump", "echo 'connection refused' >&2; exit 1");
    stub("psql", PSQL_SESSION);
    stub("date", "echo 20261103_020000:2:03");
    const backup = path.join(dir, "backup");
    const dump = sh(dumpScript(backup), { PGDATABASE: "app" });
    expect(dump.status).not.toBe(0);
    expect(fs.existsSync(path.join(backup, "NAME"))).toBe(false);
  });
});

describe("Backups", () => {
  it("dumps daily at 02:00 UTC and mirrors media hourly, never two runs at once", async () => {
    const jobs = await cronJobs();
    const byName = Object.fromEntries(jobs.map((j) => [j.name, j.inputs.spec]));
    expect(byName["platform-db"].schedule).toBe("0 2 * * *");
    expect(byName["platform-db"].timeZone).toBe("Etc/UTC");
    expect(byName["platform-files"].schedule).toBe("0 * * * *");
    for (const spec of Object.values(byName) as any[]) {
      expect(spec.concurrencyPolicy).toBe("Forbid");
      expect(spec.successfulJobsHistoryLimit).toBeGreaterThan(0);
      expect(spec.failedJobsHistoryLimit).toBeGreaterThan(0);
      expect(spec.jobTemplate.spec.backoffLimit).toBeGreaterThan(0);
      expect(spec.jobTemplate.spec.activeDeadlineSeconds).toBeGreaterThan(0);
    }
    // The mirror ends within the file storage RPO of one hour (self-hosted §3.2).
    expect(byName["platform-files"].jobTemplate.spec.activeDeadlineSeconds).toBeLessThan(3600);
  });

  it("uses the stack config's schedules: staging mirrors weekly", async () => {
    const jobs = await cronJobs(args({ backups: PRESETS.staging.backups }));
    expect(jobs.find((j) => j.name === "platform-files")!.inputs.spec.schedule).toBe("0 3 * * 0");
  });

  it("runs restricted, with requests and limits, on the management pool", async () => {
    for (const job of await cronJobs()) {
      const pod = job.inputs.spec.jobTemplate.spec.template.spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(pod.nodeSelector).toEqual({ "platform/role": "monitoring" });
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
          readOnlyRootFilesystem: true,
        });
        expect(
          c.resources.requests.cpu &&
            c.resources.requests.memory &&
            c.resources.limits.cpu &&
            c.resources.limits.memory,
        ).toBeTruthy();
        expect(isPinnedImage(c.image)).toBe(true);
      }
    }
  });

  it("picks the pg_dump client of the server's major version", async () => {
    const dump = (await dumpJob(args({ database: { ...args().database, version: "17" } }))).spec
      .jobTemplate.spec.template.spec;
    expect(dump.initContainers[0].image).toMatch(/^postgres:17\.\d+-alpine$/);
  });

  it("reads keys and passwords from Secrets, never from the job spec", async () => {
    const rs = await record(build());
    const secret = one(rs, "kubernetes:core/v1:Secret").inputs;
    expect(secret.stringData).toMatchObject({
      AWS_ACCESS_KEY_ID: "backup-user",
      AWS_SECRET_ACCESS_KEY: "backup-secret-key",
    });
    const specs = JSON.stringify(ofType(rs, "kubernetes:batch/v1:CronJob").map((c) => c.inputs));
    expect(specs).not.toContain("backup-secret-key");
    const env = (await dumpJob()).spec.jobTemplate.spec.template.spec.initContainers[0].env;
    expect(env.find((e: any) => e.name === "PGPASSWORD").valueFrom.secretKeyRef).toEqual({
      name: "postgres-app",
      key: "password",
    });
    expect(env.find((e: any) => e.name === "PGSSLMODE").value).toBe("require");
  });

  it("assumes an IAM role through the service account annotation on S3, with lifecycle rules doing the pruning", async () => {
    const role = {
      kind: "role" as const,
      roleArn: "arn:aws:iam::123456789012:role/backup",
      annotationKey: "eks.amazonaws.com/role-arn",
    };
    const s3 = {
      endpoint: "https://s3.eu-west-1.amazonaws.com",
      region: "eu-west-1",
      bucket: "acme-backup",
      credentials: role,
    };
    const a = args({ target: s3, media: { ...s3, bucket: "acme-media" }, lifecycleRules: true });
    const rs = await record(build(a));
    expect(one(rs, "kubernetes:core/v1:ServiceAccount").inputs.metadata.annotations).toEqual({
      "eks.amazonaws.com/role-arn": role.roleArn,
    });
    const upload = (await dumpJob(a)).spec.jobTemplate.spec.template.spec.containers[0];
    expect(upload.image).toMatch(/aws-cli:\d/);
    expect(upload.command.join(" ")).not.toContain("rm ");
    expect(upload.env.map((e: any) => e.name)).not.toContain("AWS_SECRET_ACCESS_KEY");
    let error: any;
    try {
      storeTool({ target: s3, lifecycleRules: false });
    } catch (e) {
      error = e;
    }
    expect(error.errors.map((e: any) => e.propertyPath)).toEqual(["lifecycleRules"]);
  });

  it("names every job so that the BackupFailed and BackupTooOld alerts select it", async () => {
    const rules = alertRules().groups.flatMap((g) => g.rules);
    const failed = rules.find((r) => r.alert === "BackupFailed")!.expr;
    const tooOld = rules.find((r) => r.alert === "BackupTooOld")!.expr;
    // PromQL regular expressions are anchored at both ends.
    const selector = (expr: string, label: string) =>
      new RegExp(
        `^(?:${JSON.parse(new RegExp(`${label}=~("(?:[^"\\\\]|\\\\.)*")`).exec(expr)![1])})$`,
      );
    const jobs = await cronJobs(withOffsite());
    expect(jobs).toHaveLength(3);
    for (const cron of jobs) {
      const cronName = cron.inputs.metadata.name as string;
      // A CronJob's Jobs are named <cronjob>-<scheduled minute since the epoch>.
      expect(selector(failed, "job_name").test(`${cronName}-29401680`)).toBe(true);
      expect(selector(tooOld, "cronjob").test(cronName)).toBe(true);
      expect(cronName.length).toBeLessThanOrEqual(52);
    }
    const longName = await record(
      () => new Backups("a-very-long-component-name-that-would-overflow-the-limit", args()),
    );
    for (const c of ofType(longName, "kubernetes:batch/v1:CronJob")) {
      expect(c.inputs.metadata.name.length).toBeLessThanOrEqual(52);
      expect(selector(failed, "job_name").test(`${c.inputs.metadata.name}-29401680`)).toBe(true);
    }
  });

  it("opens the database port for the dump pods only, for databases outside the cluster", async () => {
    const np = one(await record(build()), "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs
      .spec;
    expect(np.podSelector.matchLabels["app.kubernetes.io/name"]).toBe("platform-db-backup");
    expect(np.egress[0].ports).toEqual([{ protocol: "TCP", port: 5432 }]);
  });

  it("copies the backup bucket off site every hour at half past, after the media mirror, with keys from the Secret", async () => {
    const rs = await record(build(withOffsite()));
    const job = ofType(rs, "kubernetes:batch/v1:CronJob").find(
      (c) => c.name === "platform-offsite",
    )!.inputs;
    expect(job.metadata.name).toBe("platform-offsite-backup");
    expect(job.spec.schedule).toBe("30 * * * *");
    expect(job.spec.concurrencyPolicy).toBe("Forbid");
    const container = job.spec.jobTemplate.spec.template.spec.containers[0];
    expect(container.command.join(" ")).toContain("mc mirror --overwrite --remove");
    expect(container.env.find((e: any) => e.name === "OFFSITE_BUCKET").value).toBe("acme-offsite");
    expect(one(rs, "kubernetes:core/v1:Secret").inputs.stringData).toMatchObject({
      OFFSITE_ACCESS_KEY_ID: "offsite-key",
      OFFSITE_SECRET_ACCESS_KEY: "offsite-secret",
    });
    expect(JSON.stringify(job)).not.toContain("offsite-secret");
  });

  it("copies S3 reached through an IAM role off site with rclone, and refuses an off-site bucket without keys", async () => {
    const role = {
      kind: "role" as const,
      roleArn: "arn:aws:iam::1:role/b",
      annotationKey: "eks.amazonaws.com/role-arn",
    };
    const s3 = {
      ...minioTarget,
      endpoint: "https://s3.us-east-1.amazonaws.com",
      credentials: role,
    };
    const a = args({
      target: s3,
      media: { ...s3, bucket: "media" },
      lifecycleRules: true,
      backups: { ...production, offsite: { ...offsite, schedule: "30 * * * *" } },
      offsite,
    });
    const rs = await record(build(a));
    const job = ofType(rs, "kubernetes:batch/v1:CronJob").find(
      (c) => c.name === "platform-offsite",
    )!.inputs;
    const container = job.spec.jobTemplate.spec.template.spec.containers[0];
    expect(container.image).toMatch(/^rclone\/rclone:\d+\.\d+\.\d+$/);
    expect(container.command.join(" ")).toContain("rclone sync");
    expect(container.env.find((e: any) => e.name === "OFFSITE_REGION").value).toBe("hel1");
    expect(one(rs, "kubernetes:core/v1:Secret").inputs.stringData).toEqual({
      OFFSITE_ACCESS_KEY_ID: "offsite-key",
      OFFSITE_SECRET_ACCESS_KEY: "offsite-secret",
    });
    let error: any;
    try {
      storeTool({ target: s3, lifecycleRules: true, offsite: { ...offsite, credentials: role } });
    } catch (e) {
      error = e;
    }
    expect(error.errors.map((e: any) => e.propertyPath)).toEqual(["offsite.credentials"]);
  });

  it("skips the mirror when no media bucket is given", async () => {
    expect((await cronJobs(args({ media: undefined }))).map((c) => c.name)).toEqual([
      "platform-db",
    ]);
  });

  it("registers only objects valid against the Kubernetes schema", async () => {
    const rs = await record(build(withOffsite()));
    expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
    const role = {
      kind: "role" as const,
      roleArn: "arn:aws:iam::1:role/b",
      annotationKey: "eks.amazonaws.com/role-arn",
    };
    const s3 = {
      endpoint: "https://s3.amazonaws.com",
      region: "us-east-1",
      bucket: "b",
      credentials: role,
    };
    const other = await record(
      build(args({ target: s3, media: undefined, lifecycleRules: true, storageClass: "" })),
    );
    expect(other.map(validateK8s).filter(Boolean)).toEqual([]);
  });

  it("passes every policy of the platform's pack, in a stack whose monitoring watches it", async () => {
    const monitoring = {
      ...PRESETS.medium.monitoring,
      retentionDays: 15,
      storageGb: 50,
      receivers: { paging: null, chat: null, email: null },
    };
    const rs = await record(() => {
      build(withOffsite())();
      new Monitoring("monitoring", {
        monitoring,
        namespace: "monitoring",
        pools: [],
        storageClass: "",
      });
    });
    expect(await violations(rs)).toEqual([]);
  });
});
