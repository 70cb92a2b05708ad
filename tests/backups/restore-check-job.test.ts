/**
 * What the monthly restore check registers: its CronJobs in a component test, and in every shipped
 * stack that has a database (tests/backups/restore-check.test.ts runs its scripts on a real Postgres).
 */
import * as fs from "fs";
import * as path from "path";
import { isPinnedImage, PRESETS } from "../../config";
import {
  BARMAN_CLOUD_IMAGE,
  RestoreCheck,
  RestoreCheckArgs,
  restoreCheckJobName,
  restoreScratchGb,
} from "../../components/backups";
import { alertRules } from "../../components/monitoring/alert-rules";
import { Monitoring } from "../../components/monitoring";
import { record, ofType, one } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";
import { recordVariants } from "../helpers/recorded";
import { evaluatePolicies } from "../../plan/policy";
import { policies } from "../../policies/list";
import { DEFAULT_POLICY_CONFIG } from "../../policies/config";

const minio = {
  endpoint: "http://minio.data.svc:9000",
  region: "us-east-1",
  bucket: "backup",
  credentials: { kind: "keys" as const, accessKeyId: "k", secretAccessKey: "s" },
};
const args = (over: Partial<RestoreCheckArgs> = {}): RestoreCheckArgs => ({
  namespace: "data",
  restoreCheck: PRESETS.medium.backups.restoreCheck,
  version: "16",
  target: minio,
  credentialsSecret: "platform-backup-credentials",
  pointInTime: { serverName: "postgres", database: "app" },
  storeInCluster: true,
  pools: ["app", "db", "monitoring"],
  storageClass: "fast",
  scratchGb: restoreScratchGb(200),
  ...over,
});
const cronJobs = async (a = args()) =>
  ofType(await record(() => new RestoreCheck("platform", a)), "kubernetes:batch/v1:CronJob").map(
    (c) => c.inputs,
  );
const podOf = (job: any) => job.spec.jobTemplate.spec.template.spec;

/** The label selector of an alert's expression, as the anchored regular expression PromQL uses. */
function selector(alert: string, label: string): RegExp {
  const expr = alertRules()
    .groups.flatMap((g) => g.rules)
    .find((r) => r.alert === alert)!.expr;
  const quoted = new RegExp(`${label}=~("(?:[^"\\\\]|\\\\.)*")`).exec(expr)![1];
  return new RegExp(`^(?:${JSON.parse(quoted)})$`);
}

describe("RestoreCheck", () => {
  it("checks the dump and, for the self-hosted database, the base backup with WAL, monthly after the 1st's dump", async () => {
    const jobs = await cronJobs();
    expect(jobs.map((j) => j.metadata.name)).toEqual([
      "platform-restore-check",
      "platform-pitr-restore-check",
    ]);
    for (const j of jobs) {
      expect(j.spec.schedule).toBe("0 4 1 * *");
      expect(j.spec.timeZone).toBe("Etc/UTC");
      expect(j.spec.suspend).toBe(false);
      expect(j.spec.concurrencyPolicy).toBe("Forbid");
      expect(j.spec.jobTemplate.spec.backoffLimit).toBe(0);
    }
    const pitr = podOf(jobs[1]);
    expect(pitr.initContainers.map((c: any) => c.image)).toEqual([
      expect.stringMatching(/^quay\.io\/minio\/mc:/),
      BARMAN_CLOUD_IMAGE,
    ]);
    expect(pitr.initContainers[1].env).toContainEqual({ name: "SERVER_NAME", value: "postgres" });
  });

  it("checks only the dump of a managed database, whose provider keeps its own point-in-time recovery", async () => {
    const jobs = await cronJobs(args({ pointInTime: undefined }));
    expect(jobs.map((j) => j.metadata.name)).toEqual(["platform-restore-check"]);
  });

  it("fails past the stack's database RTO: 60 minutes by default, 30 on the self-hosted design's stack", async () => {
    const rto = (j: any) =>
      podOf(j).containers[0].env.find((e: any) => e.name === "RTO_SECONDS").value;
    expect(rto((await cronJobs())[0])).toBe("3600");
    const selfHosted = await cronJobs(
      args({ restoreCheck: { ...PRESETS.medium.backups.restoreCheck, rtoMinutes: 30 } }),
    );
    expect(rto(selfHosted[0])).toBe("1800");
    // The Job is not cut off at the RTO: a slow restore is measured and reported.
    expect(selfHosted[0].spec.jobTemplate.spec.activeDeadlineSeconds).toBeGreaterThan(1800);
  });

  it("is suspended, not removed, when the stack turns it off", async () => {
    const jobs = await cronJobs(
      args({ restoreCheck: { ...PRESETS.medium.backups.restoreCheck, enabled: false } }),
    );
    expect(jobs.every((j) => j.spec.suspend === true)).toBe(true);
  });

  it("runs restricted as the Postgres image's user, with requests and limits, pinned images, on the management pool", async () => {
    for (const job of await cronJobs()) {
      const pod = podOf(job);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 26,
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(pod.nodeSelector).toEqual({ "platform/role": "monitoring" });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of [...pod.initContainers, ...pod.containers]) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
          readOnlyRootFilesystem: true,
        });
        expect(c.resources.requests.cpu && c.resources.limits.memory).toBeTruthy();
        expect(isPinnedImage(c.image)).toBe(true);
      }
      expect(pod.containers[0].image).toMatch(/^ghcr\.io\/cloudnative-pg\/postgresql:16\./);
    }
  });

  it("restores on a scratch volume of the database's size plus the dump, never reaching the database", async () => {
    expect(restoreScratchGb(200)).toBe(300);
    const pod = podOf((await cronJobs())[0]);
    const scratch = pod.volumes.find((v: any) => v.name === "scratch");
    expect(scratch.ephemeral.volumeClaimTemplate.spec.resources.requests.storage).toBe("300Gi");
    // No connection settings: the scratch Postgres listens on a socket in the scratch volume only.
    const env = [...pod.initContainers, ...pod.containers].flatMap((c: any) =>
      c.env.map((e: any) => e.name),
    );
    expect(env.filter((n: string) => /^PG(HOST|PORT|PASSWORD|USER)$/.test(n))).toEqual([]);
    expect(JSON.stringify(pod)).not.toContain("postgres-rw");
  });

  it("reaches only the DNS and the backup store: in-cluster MinIO on 9000, or HTTPS out but not the metadata service", async () => {
    const policy = async (a: RestoreCheckArgs) => {
      const rs = await record(() => new RestoreCheck("platform", a));
      const np = one(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec;
      const pods = ofType(rs, "kubernetes:batch/v1:CronJob").map(
        (c) => c.inputs.spec.jobTemplate.spec.template.metadata.labels,
      );
      // The policy selects every check pod, and each opts out of the namespace's wider baseline.
      for (const labels of pods) {
        expect(labels).toMatchObject(np.podSelector.matchLabels);
        expect(labels["platform/egress"]).toBe("own");
      }
      return np;
    };
    const minioOnly = await policy(args());
    expect(minioOnly.egress).toHaveLength(2);
    expect(minioOnly.egress[1]).toEqual({
      to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "minio" } } }],
      ports: [{ protocol: "TCP", port: 9000 }],
    });
    expect(minioOnly.ingress ?? []).toEqual([]);
    const https = await policy(args({ storeInCluster: false }));
    expect(https.egress[1].ports).toEqual([{ protocol: "TCP", port: 443 }]);
    expect(https.egress[1].to[0].ipBlock.except).toContain("169.254.169.254/32");
  });

  it("reads the store's keys from the backup jobs' Secret, never from the spec", async () => {
    const jobs = await cronJobs();
    expect(JSON.stringify(jobs)).not.toContain('"s"');
    const env = podOf(jobs[0]).initContainers[0].env;
    expect(env.find((e: any) => e.name === "AWS_SECRET_ACCESS_KEY").valueFrom.secretKeyRef).toEqual(
      {
        name: "platform-backup-credentials",
        key: "AWS_SECRET_ACCESS_KEY",
      },
    );
  });

  it("is named for RestoreCheckFailed and RestoreCheckMissed, never for the daily backup alerts", async () => {
    for (const job of await cronJobs()) {
      const name = job.metadata.name as string;
      expect(selector("RestoreCheckFailed", "job_name").test(`${name}-29401680`)).toBe(true);
      expect(selector("RestoreCheckMissed", "cronjob").test(name)).toBe(true);
      // BackupTooOld expects a success a day: a monthly job would keep it firing.
      expect(selector("BackupTooOld", "cronjob").test(name)).toBe(false);
      expect(selector("BackupFailed", "job_name").test(`${name}-29401680`)).toBe(false);
    }
    const long = restoreCheckJobName(
      "a-very-long-prefix-that-would-overflow-the-name-limit",
      "pitr",
    );
    expect(long.length).toBeLessThanOrEqual(52);
    expect(long.endsWith("-pitr-restore-check")).toBe(true);
  });

  it("registers only objects valid against the Kubernetes schema, and passes every policy in a stack whose monitoring watches it", async () => {
    const monitoring = {
      ...PRESETS.medium.monitoring,
      retentionDays: 15,
      storageGb: 50,
      receivers: { paging: null, chat: null, email: null },
    };
    const role = {
      kind: "role" as const,
      roleArn: "arn:aws:iam::1:role/b",
      annotationKey: "eks.amazonaws.com/role-arn",
    };
    for (const a of [args(), args({ target: { ...minio, credentials: role }, storageClass: "" })]) {
      const rs = await record(() => {
        new RestoreCheck("platform", a);
        new Monitoring("monitoring", {
          monitoring,
          namespace: "monitoring",
          pools: [],
          storageClass: "",
        });
      });
      expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
      const found = await evaluatePolicies(policies, rs, {
        config: DEFAULT_POLICY_CONFIG,
        enforcement: "mandatory",
        overrides: {},
      });
      expect(found).toEqual([]);
    }
  });
});

describe("the restore check in every shipped stack", () => {
  const stacks = fs
    .readdirSync(path.resolve(__dirname, "../.."))
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => Boolean(s));

  it("has a monthly check of the dump wherever a dump runs, and of the base backup where Postgres is self-hosted", async () => {
    const recorded = await recordVariants(stacks.map((stack) => ({ label: stack, stack })));
    const summary: Record<string, string[]> = {};
    for (const [stack, rs] of recorded) {
      const crons = rs.filter((r) => r.type === "kubernetes:batch/v1:CronJob");
      const dump = crons.some((c) => c.inputs.metadata.name === "platform-db-backup");
      const cnpg = rs.some((r) => r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster");
      const checks = crons.filter((c) => /restore-check/.test(c.inputs.metadata.name));
      expect(checks.map((c) => c.inputs.metadata.name)).toEqual(
        dump ? ["platform-restore-check", ...(cnpg ? ["platform-pitr-restore-check"] : [])] : [],
      );
      for (const c of checks) expect(c.inputs.spec.schedule).toBe("0 4 1 * *");
      summary[stack] = checks.map(
        (c) =>
          c.inputs.spec.jobTemplate.spec.template.spec.containers[0].env.find(
            (e: any) => e.name === "RTO_SECONDS",
          ).value,
      );
    }
    // Self-hosted §3.2: database recovery 30 minutes; tiers document Tier 1: 1 hour.
    expect(summary["production-hetzner"]).toEqual(["1800", "1800"]);
    expect(summary["production"]).toEqual(["3600"]);
    expect(Object.values(summary).flat().length).toBeGreaterThan(0);
  }, 300000);
});
