/**
 * Issue 15: Cloudflare R2 as the managed object store where the cloud has none. The shipped
 * Hetzner stack with `objectStorage: { mode: managed, provider: r2 }` runs no MinIO; its buckets
 * are R2's, private, with the documents' lifecycle and a lock on the backups; the apps, the backup
 * jobs and the database's WAL archive reach R2; and the plan is policy-clean, schedulable and
 * prices R2.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { plans, ROOT, scratchProject } from "../config/malformed-stacks";
import { recordVariants, type RecordedResource } from "../helpers/recorded";

const R2_STORE = { mode: "managed", provider: "r2" };
const T = {
  bucket: "cloudflare:index/r2Bucket:R2Bucket",
  lock: "cloudflare:index/r2BucketLock:R2BucketLock",
  lifecycle: "cloudflare:index/r2BucketLifecycle:R2BucketLifecycle",
  token: "cloudflare:index/accountToken:AccountToken",
  secret: "kubernetes:core/v1:Secret",
  objectStore: "kubernetes:barmancloud.cnpg.io/v1:ObjectStore",
};
const ENDPOINT = "https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.r2.cloudflarestorage.com";

let resources: RecordedResource[];
let planned: any;
beforeAll(async () => {
  const file = parse(fs.readFileSync(path.join(ROOT, "Pulumi.production-hetzner.yaml"), "utf8"));
  file.config["platform:objectStorage"] = { ...file.config["platform:objectStorage"], ...R2_STORE };
  const [recorded, outcome] = await Promise.all([
    recordVariants([
      { label: "r2", stack: "production-hetzner", overrides: { objectStorage: R2_STORE } },
    ]),
    plans(scratchProject(), { r2: stringify(file) }),
  ]);
  resources = recorded.get("r2")!;
  planned = outcome.get("r2")!.json;
}, 600_000);

const ofType = (type: string) => resources.filter((r) => r.type === type);
const named = (type: string, name: string) => ofType(type).find((r) => r.name === name)!;

it("deploys no MinIO: the store is R2's", () => {
  // The Grafana dashboard for MinIO ships on every stack, as on the managed-store clouds.
  const minio = resources.filter(
    (r) =>
      /minio/i.test(r.type) || (/minio/.test(r.name) && r.type !== "kubernetes:core/v1:ConfigMap"),
  );
  expect(minio).toEqual([]);
});

it("registers a protected, private R2 bucket per configured purpose near the stack's region", () => {
  const buckets = ofType(T.bucket);
  expect(buckets.map((b) => b.name).sort()).toEqual(["r2-backup", "r2-media"]);
  for (const b of buckets) {
    expect(b.protect).toBe(true);
    expect(b.inputs.location).toBe("weur");
  }
  expect(resources.some((r) => /r2ManagedDomain|r2CustomDomain/.test(r.type))).toBe(false);
});

it("locks every dump period of the backup bucket for its lifetime, in place of versioning", () => {
  const lock = named(T.lock, "r2-backup-lock");
  expect(lock.protect).toBe(true);
  expect(lock.inputs.bucketName).toBe(named(T.bucket, "r2-backup").inputs.name);
  expect(lock.inputs.rules.map((r: any) => r.prefix)).toEqual([
    "pg_dump/daily/",
    "pg_dump/weekly/",
    "pg_dump/monthly/",
  ]);
  expect(lock.inputs.rules.every((r: any) => r.enabled)).toBe(true);
});

it("gives each bucket a lifecycle: stale multipart uploads aborted, media archived after a year", () => {
  const media = named(T.lifecycle, "r2-media-lifecycle").inputs.rules;
  expect(media.map((r: any) => r.id)).toEqual(["abort-multipart", "archive"]);
  expect(media[1].storageClassTransitions[0]).toEqual({
    condition: { type: "Age", maxAge: 365 * 86400 },
    storageClass: "InfrequentAccess",
  });
  const backup = named(T.lifecycle, "r2-backup-lifecycle").inputs.rules;
  expect(backup.map((r: any) => r.id)).toEqual([
    "abort-multipart",
    "dumps-daily",
    "dumps-weekly",
    "dumps-monthly",
  ]);
});

it("scopes the apps' token to the media bucket and the platform's to the stack's buckets", () => {
  const resourcesOf = (name: string) =>
    Object.keys(JSON.parse(named(T.token, name).inputs.policies[0].resources));
  const bucket = (name: string) => named(T.bucket, name).inputs.name;
  expect(resourcesOf("r2-apps-token")).toEqual([
    `com.cloudflare.edge.r2.bucket.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_default_${bucket("r2-media")}`,
  ]);
  expect(resourcesOf("r2-platform-token")).toHaveLength(2);
});

it("hands the apps S3_* from R2: the endpoint, region auto, the media bucket and the apps' token", () => {
  const env = named(T.secret, "platform-web-secret").inputs.stringData;
  expect(env).toMatchObject({
    S3_ENDPOINT: ENDPOINT,
    S3_REGION: "auto",
    S3_BUCKET: named(T.bucket, "r2-media").inputs.name,
    S3_ACCESS_KEY_ID: "r2-apps-token-id",
  });
  expect(env.S3_SECRET_ACCESS_KEY).toMatch(/^[0-9a-f]{64}$/);
});

it("archives the database's WAL and base backups to the R2 backup bucket", () => {
  const store = ofType(T.objectStore)[0].inputs.spec.configuration;
  expect(store.endpointURL).toBe(ENDPOINT);
  expect(store.destinationPath).toBe(`s3://${named(T.bucket, "r2-backup").inputs.name}/postgres/`);
});

it("plans clean: no policy violation, every pod scheduled, and R2 in the cost", () => {
  expect(planned.status).toBe("clean");
  expect(planned.violations).toEqual([]);
  expect(planned.placement.unschedulable).toEqual([]);
  const r2 = planned.cost.lines.find((l: any) => l.type === "platform:edge:R2Storage");
  // 7,000 GB expected, 10 GB free, $0.015 per GB-month.
  expect(r2.monthlyUsd).toBeCloseTo((7000 - 10) * 0.015, 2);
});
