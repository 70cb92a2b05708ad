import * as pulumi from "@pulumi/pulumi";
import * as fc from "fast-check";
import { PRESETS, parseStackConfig, type StackConfig } from "../../config";
import { PROFILES } from "../../catalog/profiles";
import {
  CNPG_CHART,
  CNPG_MANAGED_PARAMETERS,
  BARMAN_PLUGIN_CHART,
  POSTGRES_IMAGES,
  Postgres,
  PostgresArgs,
  backupRetentionDays,
  cnpgParameters,
  cnpgSchedule,
  databaseNodes,
  postgresInstanceShare,
  postgresMemoryMb,
  postgresResources,
} from "../../components/database";
import { sharedDatabaseNode } from "../../components/platform";
import { appEnv } from "../../components/platform/app-env";
import { POSTGRES_EXTENSIONS, postgresParameters } from "../../components/database/tuning";
import type { S3Target } from "../../components/storage/target";
import { record, ofType, one } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";
import { stackConfig } from "../helpers/stacks";
import type { Registered } from "../../plan/mocks";

const CLUSTER = "kubernetes:postgresql.cnpg.io/v1:Cluster";
const OBJECT_STORE = "kubernetes:barmancloud.cnpg.io/v1:ObjectStore";
const POOLER = "kubernetes:postgresql.cnpg.io/v1:Pooler";
const SCHEDULED = "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup";
const RELEASE = "kubernetes:helm.sh/v3:Release";

function stack(tier: string): StackConfig {
  return parseStackConfig({
    provider: "existing",
    tier,
    region: "x",
    domain: "example.test",
    apps: [],
  });
}
const medium = stack("medium");
type Database = StackConfig["database"];
const db = (over: Partial<Database> = {}): Database => ({ ...medium.database, ...over });

const keys: S3Target = {
  endpoint: "http://minio.data.svc:9000",
  region: "us-east-1",
  bucket: "backup",
  credentials: { kind: "keys", accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret-example" },
};

const args = (over: Partial<PostgresArgs> = {}): PostgresArgs => ({
  database: db(),
  namespace: "data",
  appsNamespace: "platform",
  monitoringNamespace: "monitoring",
  pools: ["app", "db"],
  storageClass: "fast-ssd",
  backup: keys,
  ...over,
});
const build = (a: PostgresArgs, into?: (p: Postgres) => void) => () => {
  const p = new Postgres("db", a);
  into?.(p);
};
const spec = (rs: Registered[], type = CLUSTER) => one(rs, type).inputs.spec;

/** Resolves an Output under the mocks (never assert inside an unawaited apply). */
function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

describe("Postgres", () => {
  it("runs the primary plus one instance per configured replica", async () => {
    for (const replicas of [0, 1, 3]) {
      const rs = await record(build(args({ database: db({ replicas }) })));
      expect(spec(rs).instances).toBe(1 + replicas);
    }
  });

  it("sizes each instance's volume from database.storageGb on the cluster's storage class", async () => {
    const rs = await record(build(args({ database: db({ storageGb: 250 }) })));
    expect(spec(rs).storage).toEqual({ size: "250Gi", storageClass: "fast-ssd" });
    const noClass = await record(build(args({ storageClass: "" })));
    expect(spec(noClass).storage.storageClass).toBeUndefined();
  });

  it("pins a full minor image of the configured major version", async () => {
    for (const version of ["15", "16", "17"] as const) {
      const image = spec(await record(build(args({ database: db({ version }) })))).imageName;
      expect(image).toBe(POSTGRES_IMAGES[version]);
      expect(image).toMatch(new RegExp(`:${version}\\.\\d+-`));
    }
  });

  it("tunes Postgres with postgresParameters of the profile's memory when memoryGb is 0", async () => {
    const d = db({ memoryGb: 0, profile: "medium-db", maxConnections: 300, replicas: 1 });
    const params = spec(await record(build(args({ database: d })))).postgresql.parameters;
    const tuned = postgresParameters(PROFILES["medium-db"].memoryGb, {
      maxConnections: 300,
      replicas: 1,
    });
    expect(params).toEqual(cnpgParameters(tuned));
    for (const [key, value] of Object.entries(tuned))
      if (!CNPG_MANAGED_PARAMETERS.includes(key)) expect(params[key]).toBe(value);
  });

  it("tunes Postgres from database.memoryGb when it is set", async () => {
    const d = db({ memoryGb: 4 });
    const params = spec(await record(build(args({ database: d })))).postgresql.parameters;
    expect(params.shared_buffers).toBe(
      postgresParameters(4, { maxConnections: d.maxConnections, replicas: d.replicas })
        .shared_buffers,
    );
  });

  it("leaves the parameters CloudNativePG owns to it and enables pg_stat_statements its way", async () => {
    const params = spec(await record(build(args()))).postgresql.parameters;
    for (const fixed of ["shared_preload_libraries", "ssl", "hot_standby", "wal_level"])
      expect(params[fixed]).toBeUndefined();
    expect(Object.keys(params).some((k) => k.startsWith("pg_stat_statements."))).toBe(true);
    expect(params.max_connections).toBe(String(medium.database.maxConnections));
  });

  it("creates the four documented extensions after initdb, in the app database owned by its user", async () => {
    const initdb = spec(await record(build(args()))).bootstrap.initdb;
    for (const ext of POSTGRES_EXTENSIONS)
      expect(initdb.postInitApplicationSQL.some((sql: string) => sql.includes(ext))).toBe(true);
    expect(initdb.secret.name).toBe("postgres-app");
  });

  it("requests and limits memory so shared buffers, maintenance and WAL buffers fit in the request", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 256, noNaN: true }),
        fc.integer({ min: 1, max: 64 }),
        (memoryGb, vcpu) => {
          const params = postgresParameters(memoryGb);
          const r = postgresResources(memoryGb, vcpu, params);
          const request = Number(r.requests.memory.replace("Mi", ""));
          const limit = Number(r.limits.memory.replace("Mi", ""));
          expect(request).toBeLessThanOrEqual(limit);
          const held = ["shared_buffers", "maintenance_work_mem", "wal_buffers"].reduce(
            (s, k) => s + postgresMemoryMb(params[k]),
            0,
          );
          expect(held).toBeLessThanOrEqual(request);
        },
      ),
    );
  });

  it("gives each instance the profile's memory and vCPU as limits (self-hosted §9.1: half of it reserved)", async () => {
    const r = spec(
      await record(build(args({ database: db({ memoryGb: 0, profile: "medium-db" }) }))),
    ).resources;
    expect(r.limits).toEqual({
      cpu: String(PROFILES["medium-db"].vcpu),
      memory: `${PROFILES["medium-db"].memoryGb * 1024}Mi`,
    });
    expect(r.requests.memory).toBe(`${(PROFILES["medium-db"].memoryGb * 1024) / 2}Mi`);
  });

  it("places instances on the db pool, one per host (anti-affinity required)", async () => {
    const affinity = spec(await record(build(args()))).affinity;
    expect(affinity).toMatchObject({
      enablePodAntiAffinity: true,
      podAntiAffinityType: "required",
      topologyKey: "kubernetes.io/hostname",
      nodeSelector: { "platform/role": "db" },
    });
    expect(affinity.tolerations[0]).toMatchObject({
      key: "platform/role",
      value: "db",
      effect: "NoSchedule",
    });
    const shared = spec(await record(build(args({ pools: ["app"] })))).affinity;
    expect(shared.nodeSelector).toBeUndefined();
  });

  it("accepts TLS with SCRAM only: no plain host line admits anyone", async () => {
    const hba: string[] = spec(await record(build(args()))).postgresql.pg_hba;
    expect(hba).toContain("hostssl all all all scram-sha-256");
    for (const line of hba) {
      const [type] = line.split(/\s+/);
      expect(type === "hostssl" || (type === "hostnossl" && line.endsWith("reject"))).toBe(true);
    }
  });

  it("archives WAL and base backups to the backup bucket with the Barman Cloud plugin", async () => {
    const rs = await record(build(args()));
    const store = spec(rs, OBJECT_STORE);
    expect(store.configuration.destinationPath).toBe("s3://backup/postgres/");
    expect(store.configuration.endpointURL).toBe("http://minio.data.svc:9000");
    const plugin = spec(rs).plugins[0];
    expect(plugin).toMatchObject({
      isWALArchiver: true,
      parameters: { barmanObjectName: "postgres-backup" },
    });
    const secret = ofType(rs, "kubernetes:core/v1:Secret").find(
      (s) => s.inputs.metadata.name === store.configuration.s3Credentials.accessKeyId.name,
    );
    expect(secret?.inputs.stringData.ACCESS_KEY_ID).toBe("AKIAEXAMPLE");
  });

  it("keeps backups at least 30 days, the configured days when more", async () => {
    const retention = async (days: number) =>
      spec(await record(build(args({ database: db({ backupRetentionDays: days }) }))), OBJECT_STORE)
        .retentionPolicy;
    expect(await retention(30)).toBe("30d");
    expect(await retention(35)).toBe("35d");
    // Staging asks for 7-day snapshots; the 30-day floor of the policy pack wins.
    expect(await retention(PRESETS.staging.database.backupRetentionDays)).toBe("30d");
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 35 }),
        (d) => backupRetentionDays(d) >= Math.max(30, d),
      ),
    );
  });

  it("takes a base backup daily at 2 AM UTC in CloudNativePG's six-field cron", async () => {
    const s = spec(await record(build(args())), SCHEDULED);
    expect(s.schedule).toBe("0 0 2 * * *");
    expect(s).toMatchObject({ method: "plugin", cluster: { name: "postgres" } });
    expect(cnpgSchedule(medium.backups.schedule)).toBe("0 0 2 * * *");
    expect(() => cnpgSchedule("0 0 2 * * *")).toThrow(/five-field/);
  });

  it("uses the service account's IAM role instead of keys when the store grants one", async () => {
    const role: S3Target = {
      ...keys,
      credentials: {
        kind: "role",
        roleArn: "arn:aws:iam::1:role/pg",
        annotationKey: "eks.amazonaws.com/role-arn",
      },
    };
    const rs = await record(build(args({ backup: role })));
    expect(spec(rs, OBJECT_STORE).configuration.s3Credentials).toEqual({
      inheritFromIAMRole: true,
    });
    expect(spec(rs).serviceAccountTemplate.metadata.annotations).toEqual({
      "eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/pg",
    });
    expect(
      ofType(rs, "kubernetes:core/v1:Secret").map((s) => s.inputs.metadata.name),
    ).not.toContain("postgres-backup-s3");
  });

  it("adds a PgBouncer pooler (rw, 2 instances, configured limits) only when enabled", async () => {
    expect(ofType(await record(build(args())), POOLER)).toHaveLength(0);
    const pooler = { enabled: true, maxClientConnections: 3000, defaultPoolSize: 60 };
    const rs = await record(build(args({ database: db({ pooler }) })));
    const p = spec(rs, POOLER);
    expect(p).toMatchObject({ type: "rw", instances: 2, cluster: { name: "postgres" } });
    expect(p.pgbouncer.parameters).toMatchObject({
      max_client_conn: "3000",
      default_pool_size: "60",
    });
    expect(
      one(rs, "kubernetes:policy/v1:PodDisruptionBudget").inputs.spec.selector.matchLabels,
    ).toEqual({ "cnpg.io/poolerName": "postgres-pooler-rw" });
  });

  it("hands the apps TLS connection URLs, through the pooler when there is one", async () => {
    let p!: Postgres;
    await record(build(args({ database: db({ replicas: 1 }) }), (x) => (p = x)));
    expect(await valueOf(appEnv({ database: p.endpoint }).DATABASE_URL)).toMatch(
      /^postgresql:\/\/app:[^@]+@postgres-rw\.data\.svc:5432\/app\?sslmode=require$/,
    );
    expect(await valueOf(appEnv({ database: p.endpoint }).DATABASE_READ_URL)).toContain(
      "@postgres-ro.data.svc:5432/",
    );
    const pooled = { enabled: true, maxClientConnections: 2000, defaultPoolSize: 50 };
    await record(build(args({ database: db({ pooler: pooled, replicas: 0 }) }), (x) => (p = x)));
    expect(await valueOf(appEnv({ database: p.endpoint }).DATABASE_URL)).toContain(
      "@postgres-pooler-rw.data.svc:5432/",
    );
    // No replica: the read URL goes to the primary rather than to a Service without endpoints.
    expect(await valueOf(appEnv({ database: p.endpoint }).DATABASE_READ_URL)).toContain(
      "@postgres-rw.data.svc:5432/",
    );
  });

  it("protects the Cluster and the app credentials Secret", async () => {
    const rs = await record(build(args()));
    expect(one(rs, CLUSTER).protect).toBe(true);
    const creds = ofType(rs, "kubernetes:core/v1:Secret").find(
      (s) => s.inputs.metadata.name === "postgres-app",
    );
    expect(creds?.protect).toBe(true);
    expect(creds?.inputs.type).toBe("kubernetes.io/basic-auth");
  });

  it("installs the operator and the Barman Cloud plugin from pinned charts in cnpg-system", async () => {
    const rs = await record(build(args()));
    const releases = ofType(rs, RELEASE).map((r) => r.inputs);
    expect(releases.map((r) => [r.chart, r.version, r.repositoryOpts.repo])).toEqual([
      [CNPG_CHART.chart, CNPG_CHART.version, CNPG_CHART.repo],
      [BARMAN_PLUGIN_CHART.chart, BARMAN_PLUGIN_CHART.version, BARMAN_PLUGIN_CHART.repo],
    ]);
    for (const r of releases) {
      expect(r.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(r.namespace).toBe("cnpg-system");
      expect(r.skipAwait).toBe(false);
    }
    const cluster = one(rs, CLUSTER);
    const releaseUrns = ofType(rs, RELEASE).map((r) => r.urn);
    expect(releaseUrns.every((u) => cluster.dependencies.includes(u))).toBe(true);
  });

  it("admits 5432 from the apps and the pooler, metrics from monitoring, status from the operator", async () => {
    const pooler = { enabled: true, maxClientConnections: 2000, defaultPoolSize: 50 };
    const rs = await record(build(args({ database: db({ pooler }) })));
    const np = ofType(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find(
      (r) => r.inputs.metadata.name === "postgres-instances-ingress",
    )!.inputs.spec;
    const rule = (port: number) => np.ingress.find((i: any) => i.ports[0].port === port);
    const namespaces = (port: number) =>
      rule(port)
        .from.map((f: any) => f.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"])
        .filter(Boolean);
    expect(namespaces(5432)).toEqual(["platform"]);
    expect(rule(5432).from).toContainEqual({
      podSelector: { matchLabels: { "cnpg.io/poolerName": "postgres-pooler-rw" } },
    });
    expect(namespaces(9187)).toEqual(["monitoring"]);
    expect(namespaces(8000)).toEqual(["cnpg-system"]);
  });

  it("refuses to build when the database is not self-hosted", () => {
    expect(() => new Postgres("db", args({ database: db({ mode: "managed" }) }))).toThrow(
      /self-hosted/,
    );
  });

  it("registers only objects valid against the Kubernetes schema", async () => {
    const pooler = { enabled: true, maxClientConnections: 2000, defaultPoolSize: 50 };
    const rs = await record(build(args({ database: db({ pooler }) })));
    expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
  });
});

describe("Postgres on the self-hosted design's database node", () => {
  const hetzner = stackConfig("production-hetzner");

  it("sizes each instance from the db pool's node, split evenly among the instances it holds", () => {
    const pools = { db: { profile: "db" as const, min: 1, max: 1, desired: 1 } };
    const medium = { ...db(), profile: "medium-db" as const, memoryGb: 0, vcpu: 0 };
    // The pool's node is the server, whatever database.profile says.
    expect(postgresInstanceShare({ ...medium, replicas: 1 }, pools)).toEqual({
      memoryGb: 32,
      vcpu: 8,
      perNode: 2,
    });
    expect(postgresInstanceShare({ ...medium, replicas: 0 }, pools).memoryGb).toBe(64);
    const three = { db: { ...pools.db, min: 3, max: 3, desired: 3 } };
    expect(postgresInstanceShare({ ...medium, replicas: 3 }, three).perNode).toBe(2);
    // Without a pool, database.profile; memoryGb and vcpu replace the server's when set.
    expect(postgresInstanceShare(medium, {})).toEqual({ memoryGb: 32, vcpu: 8, perNode: 1 });
    expect(postgresInstanceShare({ ...medium, memoryGb: 48, vcpu: 12 }, pools)).toEqual({
      memoryGb: 24,
      vcpu: 6,
      perNode: 2,
    });
  });

  it("runs the primary and its replica side by side on the one 64 GB node with §5.1's values", async () => {
    expect(hetzner.nodePools.db).toMatchObject({ profile: "db", desired: 1 });
    expect(PROFILES.db).toMatchObject({ vcpu: 16, memoryGb: 64 });
    const rs = await record(
      build(
        args({
          database: sharedDatabaseNode(hetzner),
          dbNodes: databaseNodes(hetzner.nodePools, ["app", "db"]),
        }),
      ),
    );
    const cluster = spec(rs);
    expect(cluster.instances).toBe(2);
    // Self-hosted §5.1, postgresql.conf, written for a 32 GB server: half of the 64 GB node.
    expect(cluster.postgresql.parameters).toMatchObject({
      shared_buffers: "8GB",
      effective_cache_size: "24GB",
      work_mem: "256MB",
      maintenance_work_mem: "2GB",
      wal_buffers: "64MB",
      checkpoint_completion_target: "0.9",
      random_page_cost: "1.1",
      effective_io_concurrency: "200",
      log_min_duration_statement: "1000",
      log_checkpoints: "on",
      log_connections: "on",
      log_disconnections: "on",
    });
    // Both on the database node (§1.1 has one): spread preferred, never required.
    expect(cluster.affinity).toMatchObject({
      podAntiAffinityType: "preferred",
      nodeSelector: { "platform/role": "db" },
    });
    // Each instance's limit is its half of the node; two requests fit the node together.
    expect(cluster.resources).toEqual({
      requests: { cpu: "4", memory: `${16 * 1024}Mi` },
      limits: { cpu: "8", memory: `${32 * 1024}Mi` },
    });
  });
});
