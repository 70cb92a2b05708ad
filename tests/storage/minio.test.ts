import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type StackConfig } from "../../config";
import {
  MC_IMAGE,
  MINIO_IMAGE,
  MinIO,
  MinIOArgs,
  bucketJobScript,
  bucketPolicy,
  minioParity,
  minioServerArgs,
  minioUsableGb,
  minioVolumeGb,
  managedS3Target,
  minioResources,
} from "../../components/storage";
import { resolveNode } from "../../components/hetzner/node-layout";
import { appEnv } from "../../components/platform/app-env";
import { shippedStacks } from "../../plan/stack";
import { stackConfig } from "../helpers/stacks";
import { isPinnedImage } from "../../config/schema";
import { record, ofType, one } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";
import type { Registered } from "../../plan/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const JOB = "kubernetes:batch/v1:Job";
const production = parseStackConfig({
  provider: "existing",
  tier: "medium",
  region: "x",
  domain: "example.test",
  apps: [],
});
const local = parseStackConfig({
  provider: "existing",
  tier: "local",
  region: "x",
  domain: "example.test",
  apps: [],
});
type Store = StackConfig["objectStorage"];

const args = (
  objectStorage: Store = production.objectStorage,
  over: Partial<MinIOArgs> = {},
): MinIOArgs => ({
  objectStorage,
  namespace: "data",
  appsNamespace: "platform",
  monitoringNamespace: "monitoring",
  pools: ["app", "storage"],
  storageClass: "standard",
  ...over,
});
const build = (a: MinIOArgs, into?: (m: MinIO) => void) => () => {
  const m = new MinIO("objects", a);
  into?.(m);
};
const server = (rs: Registered[]) => one(rs, STS).inputs;
const container = (rs: Registered[]) => server(rs).spec.template.spec.containers[0];

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

describe("MinIO", () => {
  it("runs distributed in production: every server by its stable name with {0...N-1}", async () => {
    const rs = await record(build(args()));
    const s = server(rs).spec;
    expect(s.replicas).toBe(production.objectStorage.servers);
    expect(s.podManagementPolicy).toBe("Parallel");
    expect(container(rs).args).toContain(
      `http://minio-{0...${production.objectStorage.servers - 1}}.minio-hl.data.svc.cluster.local/data`,
    );
    expect(one(rs, "kubernetes:policy/v1:PodDisruptionBudget").inputs.spec.maxUnavailable).toBe(1);
  });

  it("runs a single server on one local drive for the local tier", async () => {
    const rs = await record(build(args(local.objectStorage)));
    expect(local.objectStorage.servers).toBe(1);
    expect(server(rs).spec.replicas).toBe(1);
    expect(container(rs).args.at(-1)).toBe("/data");
    expect(ofType(rs, "kubernetes:policy/v1:PodDisruptionBudget")).toHaveLength(0);
  });

  it("spreads storageGb over the servers' volumes and reports the capacity left after parity", async () => {
    const store = { ...production.objectStorage, servers: 4 as const, storageGb: 1000 };
    const claim = server(await record(build(args(store)))).spec.volumeClaimTemplates[0].spec;
    expect(claim.resources.requests.storage).toBe(`${minioVolumeGb(1000, 4)}Gi`);
    expect(minioVolumeGb(1000, 4)).toBe(250);
    expect(claim.storageClassName).toBe("standard");
    expect(minioParity(4)).toBe(2);
    expect(minioUsableGb(1000, 4)).toBe(500);
    expect(minioUsableGb(10, 1)).toBe(10);
  });

  it("pins the last published server and client releases", async () => {
    const rs = await record(build(args()));
    expect(container(rs).image).toBe(MINIO_IMAGE);
    expect(one(rs, JOB).inputs.spec.template.spec.containers[0].image).toBe(MC_IMAGE);
    for (const image of [MINIO_IMAGE, MC_IMAGE]) {
      expect(isPinnedImage(image)).toBe(true);
      expect(image).toMatch(/:RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
    }
  });

  it("probes /minio/health/live and /ready and publishes cluster metrics without a token", async () => {
    const c = container(await record(build(args())));
    expect(c.livenessProbe.httpGet.path).toBe("/minio/health/live");
    expect(c.readinessProbe.httpGet.path).toBe("/minio/health/ready");
    expect(c.env).toContainEqual({ name: "MINIO_PROMETHEUS_AUTH_TYPE", value: "public" });
    expect(c.resources.requests && c.resources.limits).toBeTruthy();
  });

  it("runs restricted on the storage pool and protects the servers' volumes", async () => {
    const rs = await record(build(args()));
    const pod = server(rs).spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.nodeSelector).toEqual({ "platform/role": "storage" });
    expect(one(rs, STS).protect).toBe(true);
  });

  it("serves the API on 9000 and the console on 9001, with a headless Service for the servers", async () => {
    const services = ofType(await record(build(args())), "kubernetes:core/v1:Service").map(
      (s) => s.inputs,
    );
    const hl = services.find((s) => s.metadata.name === "minio-hl")!;
    expect(hl.spec.clusterIP).toBe("None");
    const api = services.find((s) => s.metadata.name === "minio")!;
    expect(api.spec.ports.map((p: any) => p.port)).toEqual([9000, 9001]);
  });

  it("generates the root credentials and keeps them in a Secret", async () => {
    const rs = await record(build(args()));
    const root = ofType(rs, "kubernetes:core/v1:Secret").find(
      (s) => s.inputs.metadata.name === "minio-root",
    )!;
    expect(root.inputs.stringData.MINIO_ROOT_PASSWORD).toHaveLength(40);
    const env = container(rs).env.find((e: any) => e.name === "MINIO_ROOT_PASSWORD");
    expect(env.valueFrom.secretKeyRef).toEqual({ name: "minio-root", key: "MINIO_ROOT_PASSWORD" });
    expect(ofType(rs, "random:index/randomPassword:RandomPassword").length).toBeGreaterThanOrEqual(
      3,
    );
  });

  it("enables versioning and expires noncurrent versions after the configured days in every bucket", () => {
    const script = bucketJobScript(production.objectStorage.buckets);
    for (const b of production.objectStorage.buckets) {
      expect(script).toContain(`mc mb --ignore-existing minio/${b.name}`);
      expect(script).toContain(`mc version enable minio/${b.name}`);
      expect(script).toContain(
        `mc ilm rule add --noncurrent-expire-days ${b.noncurrentVersionDays} minio/${b.name}`,
      );
    }
    // No colder tier to archive to: current objects are never expired or transitioned.
    expect(script).not.toMatch(/--expire-days|--transition/);
    const odd = [
      {
        name: "media",
        purpose: "media" as const,
        noncurrentVersionDays: 45,
        archiveAfterDays: 365,
      },
    ];
    expect(bucketJobScript(odd)).toContain("--noncurrent-expire-days 45 minio/media");
  });

  it("runs the bucket script from the Job, with the keys from Secrets, not from the spec", async () => {
    const rs = await record(build(args()));
    const job = one(rs, JOB).inputs.spec.template.spec;
    const setup = one(rs, "kubernetes:core/v1:ConfigMap").inputs.data;
    expect(setup["setup.sh"]).toBe(bucketJobScript(production.objectStorage.buckets));
    const env = job.containers[0].env;
    expect(env.find((e: any) => e.name === "MC_HOST_minio").value).toBe(
      "http://$(MINIO_ROOT_USER):$(MINIO_ROOT_PASSWORD)@minio.data.svc:9000",
    );
    expect(env.find((e: any) => e.name === "APP_SECRET_KEY").valueFrom.secretKeyRef.name).toBe(
      "minio-app",
    );
  });

  it("the bucket script runs every step against mc, and a second run repeats them safely", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mc-"));
    try {
      const log = path.join(dir, "calls");
      // A stand-in for mc that records its arguments; `admin user info` names the attached policy.
      fs.writeFileSync(
        path.join(dir, "mc"),
        `#!/bin/sh\necho "$*" >> "${log}"\ncase "$*" in "admin user info"*) echo "PolicyName: app-media backup-writer";; esac\nexit 0\n`,
        { mode: 0o755 },
      );
      const script = path.join(dir, "setup.sh");
      fs.writeFileSync(script, bucketJobScript(production.objectStorage.buckets));
      const env = {
        PATH: `${dir}:${process.env.PATH}`,
        APP_ACCESS_KEY: "APPKEY",
        APP_SECRET_KEY: "appsecret",
        BACKUP_ACCESS_KEY: "BACKUPKEY",
        BACKUP_SECRET_KEY: "backupsecret",
      };
      execFileSync("sh", [script], { env });
      execFileSync("sh", [script], { env });
      const calls = fs.readFileSync(log, "utf8").trim().split("\n");
      expect(calls[0]).toBe("ls minio");
      expect(calls.filter((c) => c.startsWith("version enable"))).toHaveLength(
        2 * production.objectStorage.buckets.length,
      );
      expect(calls).toContain("admin user add minio APPKEY appsecret");
      expect(calls).toContain("admin policy attach minio app-media --user APPKEY");
      expect(calls).toContain("admin policy create minio backup-writer /config/backup-writer.json");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives the apps a user limited to the media bucket and the backups one limited to the backup bucket", async () => {
    const rs = await record(build(args()));
    const data = one(rs, "kubernetes:core/v1:ConfigMap").inputs.data;
    expect(JSON.parse(data["app-media.json"])).toEqual(bucketPolicy(["media"]));
    const app = bucketPolicy(["media"]);
    expect(app.Statement.flatMap((s) => s.Resource)).toEqual([
      "arn:aws:s3:::media",
      "arn:aws:s3:::media/*",
    ]);
    expect(app.Statement[0].Action).not.toContain("s3:*");
    const backup = JSON.parse(data["backup-writer.json"]);
    expect(backup.Statement[0].Resource).toEqual(["arn:aws:s3:::backup", "arn:aws:s3:::backup/*"]);
    expect(backup.Statement[1].Action).toEqual([
      "s3:GetBucketLocation",
      "s3:ListBucket",
      "s3:GetObject",
    ]);
  });

  it("hands the apps the media bucket with the app user's keys, and the backups the backup bucket", async () => {
    let m!: MinIO;
    const rs = await record(build(args(), (x) => (m = x)));
    expect(await valueOf(appEnv({ objectStorage: m.objectStore }).S3_ENDPOINT)).toBe(
      "http://minio.data.svc:9000",
    );
    expect(await valueOf(appEnv({ objectStorage: m.objectStore }).S3_BUCKET)).toBe("media");
    const appSecret = ofType(rs, "kubernetes:core/v1:Secret").find(
      (s) => s.inputs.metadata.name === "minio-app",
    )!;
    expect(await valueOf(appEnv({ objectStorage: m.objectStore }).S3_ACCESS_KEY_ID)).toBe(
      appSecret.inputs.stringData.ACCESS_KEY_ID,
    );
    // The app user has keys of its own, generated apart from root's.
    const strings = ofType(rs, "random:index/randomString:RandomString").map((r) => r.name);
    expect(strings).toEqual(
      expect.arrayContaining(["objects-root-user", "objects-app-access-key"]),
    );
    expect(m.buckets).toEqual({ media: "media", backup: "backup" });
    expect(m.backupTarget.bucket).toBe("backup");
    expect(m.backupTarget.credentials.kind).toBe("keys");
    expect(await valueOf(m.backupCredentialsSecret)).toBe("minio-backup");
  });

  it("admits the S3 port from the apps, monitoring and its own namespace only", async () => {
    const np = one(await record(build(args())), "kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .inputs.spec;
    expect(np.ingress).toHaveLength(1);
    expect(np.ingress[0].ports).toEqual([{ protocol: "TCP", port: 9000 }]);
    const from = np.ingress[0].from.map(
      (f: any) =>
        f.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] ?? "same-namespace",
    );
    expect(from).toEqual(["platform", "monitoring", "same-namespace"]);
  });

  it("refuses a managed store and a bucket list without media or backup", () => {
    expect(() => new MinIO("x", args({ ...production.objectStorage, mode: "managed" }))).toThrow(
      /self-hosted/,
    );
    const onlyMedia = production.objectStorage.buckets.filter((b) => b.purpose === "media");
    expect(() => new MinIO("y", args({ ...production.objectStorage, buckets: onlyMedia }))).toThrow(
      /backup/,
    );
    expect(() => minioServerArgs(0, "data", "cluster.local")).toThrow();
  });

  it("takes a managed store's bucket and its IAM role or keys as a backup target", () => {
    const store = {
      endpoint: "https://s3.eu-west-1.amazonaws.com",
      region: "eu-west-1",
      buckets: { media: "stack-media", backup: "stack-backup" },
      credentials: {
        kind: "role" as const,
        roleArn: "arn:aws:iam::1:role/x",
        annotationKey: "eks.amazonaws.com/role-arn",
      },
    };
    expect(managedS3Target(store, "backup")).toEqual({
      endpoint: store.endpoint,
      region: "eu-west-1",
      bucket: "stack-backup",
      credentials: {
        kind: "role",
        roleArn: "arn:aws:iam::1:role/x",
        annotationKey: "eks.amazonaws.com/role-arn",
      },
    });
    const spaces = {
      ...store,
      credentials: { kind: "keys" as const, accessKeyId: "K", secretAccessKey: "S" },
    };
    expect(managedS3Target(spaces, "media").credentials).toEqual({
      kind: "keys",
      accessKeyId: "K",
      secretAccessKey: "S",
    });
    expect(() => managedS3Target(store, "logs")).toThrow(/no logs bucket/);
  });

  it("registers only objects valid against the Kubernetes schema", async () => {
    for (const store of [production.objectStorage, local.objectStorage]) {
      const rs = await record(build(args(store)));
      expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
    }
  });
});

describe("MinIO on the nodes a stack has", () => {
  it("runs one server with the whole disk on the self-hosted design's one storage node", async () => {
    const hetzner = stackConfig("production-hetzner");
    expect(hetzner.nodePools.storage).toMatchObject({ profile: "storage", desired: 1 });
    const store = hetzner.objectStorage;
    // Four servers on one disk would keep half of it for parity and survive nothing the node
    // does not; a single drive keeps no parity (MinIO, Single-Node Single-Drive).
    expect(store.servers).toBe(1);
    expect(minioUsableGb(store.storageGb, store.servers)).toBe(store.storageGb);
    const rs = await record(build(args(store, { pools: ["app", "storage"] })));
    const claim = server(rs).spec.volumeClaimTemplates[0].spec.resources.requests.storage;
    expect(claim).toBe(`${store.storageGb}Gi`);
    // The claim takes the storage node's volume (7,680 GB beside the cx53's own disk), less
    // about 2 % for LUKS and ext4, and leaves no more than a tenth of it unused.
    const volumeBytes = resolveNode("storage").extraDiskGb * 1e9;
    const claimBytes = store.storageGb * 2 ** 30;
    expect(claimBytes).toBeLessThanOrEqual(volumeBytes * 0.98);
    expect(claimBytes).toBeGreaterThanOrEqual(volumeBytes * 0.9);
    // A server with a storage node of its own gets the node's share, not a laptop's.
    expect(container(rs).resources).toEqual(minioResources(4));
    expect(minioResources(1)).not.toEqual(minioResources(1, true));
  });

  it("never runs more servers than the nodes that take them in any shipped stack", () => {
    for (const name of shippedStacks()) {
      const c = stackConfig(name);
      if (c.objectStorage.mode !== "self-hosted") continue;
      // Servers go to the storage pool when there is one, else to the app pool; an existing
      // cluster's nodes are not the stack's to count, and its single server needs one.
      const pool = c.nodePools.storage ?? c.nodePools.app;
      const nodes = c.provider === "existing" ? 1 : (pool?.min ?? 1);
      expect({ stack: name, servers: c.objectStorage.servers }).toEqual({
        stack: name,
        servers: Math.min(c.objectStorage.servers, nodes),
      });
    }
  });
});
