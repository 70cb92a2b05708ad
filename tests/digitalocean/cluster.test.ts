import * as pulumi from "@pulumi/pulumi";
import { policies } from "../../policies/list";
import { machineByName } from "../../catalog";
import type { StackConfig } from "../../config";
import type { ClusterFacts } from "../../components/contract";
import { digitaloceanCluster, STORAGE_CLASS } from "../../components/digitalocean";
import { databasePlan } from "../../components/digitalocean/managed-data-sizing";
import { evaluatePolicies } from "../../plan/policy";
import { policyConfig } from "../../plan/policy-config";
import type { Registered } from "../../plan/mocks";
import { one, ofType, record } from "../helpers/mocks";
import { stackConfig } from "../helpers/stacks";

const T = {
  vpc: "digitalocean:index/vpc:Vpc",
  tag: "digitalocean:index/tag:Tag",
  firewall: "digitalocean:index/firewall:Firewall",
  cluster: "digitalocean:index/kubernetesCluster:KubernetesCluster",
  pool: "digitalocean:index/kubernetesNodePool:KubernetesNodePool",
  db: "digitalocean:index/databaseCluster:DatabaseCluster",
  dbFirewall: "digitalocean:index/databaseFirewall:DatabaseFirewall",
  replica: "digitalocean:index/databaseReplica:DatabaseReplica",
  connectionPool: "digitalocean:index/databaseConnectionPool:DatabaseConnectionPool",
  valkeyConfig: "digitalocean:index/databaseValkeyConfig:DatabaseValkeyConfig",
  bucket: "digitalocean:index/spacesBucket:SpacesBucket",
  cors: "digitalocean:index/spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration",
  key: "digitalocean:index/spacesKey:SpacesKey",
  cdn: "digitalocean:index/cdn:Cdn",
  certificate: "digitalocean:index/certificate:Certificate",
  check: "digitalocean:index/uptimeCheck:UptimeCheck",
  uptimeAlert: "digitalocean:index/uptimeAlert:UptimeAlert",
  monitorAlert: "digitalocean:index/monitorAlert:MonitorAlert",
};

/** The layer's registrations and the facts it hands the platform layer. */
async function build(config: StackConfig, secrets: Record<string, string> = {}) {
  let facts: ClusterFacts | undefined;
  const resources = await record(() => {
    facts = digitaloceanCluster(config);
  }, secrets);
  return { resources, facts: facts! };
}

/** The resolved value of an output (mocks echo inputs as outputs). */
function value(input: pulumi.Input<string> | undefined): Promise<string> {
  return new Promise((resolve) => pulumi.output(input).apply((v) => resolve(v as string)));
}

const staging = stackConfig("staging");
// The shipped stack puts Cloudflare in front and so has no Spaces CDN (its certificate needs the
// domain's DNS on DigitalOcean); the layer's CDN is tested as a stack without that edge builds it.
const productionDo = stackConfig("production-do", {
  cdn: { enabled: true },
  edge: { provider: "none", loadBalancing: false },
});

describe("DigitalOcean layer, staging", () => {
  let rs: Registered[];
  let facts: ClusterFacts;
  beforeAll(async () => ({ resources: rs, facts } = await build(staging)));

  it("runs DOKS in the stack's VPC with auto and surge upgrades in a Sunday window, no registry", () => {
    const vpc = one(rs, T.vpc).inputs;
    expect(vpc).toMatchObject({ ipRange: "10.10.0.0/16", region: "nyc3" });
    const cluster = one(rs, T.cluster).inputs;
    expect(cluster.vpcUuid).toBe("network-vpc-id");
    expect(cluster).toMatchObject({
      region: "nyc3",
      autoUpgrade: true,
      surgeUpgrade: true,
      registryIntegration: false,
      destroyAllAssociatedResources: false,
      maintenancePolicy: { day: "sunday", startTime: "04:00" },
    });
    // The offline lookup echoes its inputs, so the minor itself stands in for the DOKS slug.
    expect(cluster.version).toBe(staging.kubernetes.version);
    // Its Secrets, operators' state and volume claims go with it.
    expect(one(rs, T.cluster).protect).toBe(true);
  });

  it("sizes the default pool to the documented staging nodes: 3 × s-2vcpu-4gb, no autoscaler", () => {
    const pool = one(rs, T.cluster).inputs.nodePool;
    expect(pool).toMatchObject({
      name: "app",
      size: "s-2vcpu-4gb",
      nodeCount: 3,
      autoScale: false,
    });
    expect(pool.labels).toEqual({ "platform/role": "app" });
    const type = machineByName("digitalocean", pool.size)!;
    expect([type.vcpu, type.memoryGb]).toEqual([2, 4]);
    expect(ofType(rs, T.pool)).toEqual([]);
  });

  it("applies the node firewall by the tag every node carries, with only 80/443 public", () => {
    const tag = one(rs, T.tag).inputs.name;
    const firewall = one(rs, T.firewall).inputs;
    expect(firewall.tags).toEqual([tag]);
    expect(one(rs, T.cluster).inputs.nodePool.tags).toEqual([tag]);
    const publicRules = firewall.inboundRules.filter((r: any) =>
      r.sourceAddresses.some((a: string) => a === "0.0.0.0/0" || a === "::/0"),
    );
    expect(publicRules.map((r: any) => `${r.protocol}/${r.portRange}`).sort()).toEqual([
      "tcp/443",
      "tcp/80",
    ]);
    const ssh = firewall.inboundRules.filter((r: any) => r.portRange === "22");
    expect(ssh.map((r: any) => r.sourceAddresses)).toEqual([staging.adminCidrs]);
  });

  it("limits the Kubernetes API to the admin networks", () => {
    expect(one(rs, T.cluster).inputs.controlPlaneFirewall).toEqual({
      enabled: true,
      allowedAddresses: staging.adminCidrs,
    });
  });

  it("keeps Postgres and Valkey in the cluster: no managed database, no database pool", () => {
    expect(ofType(rs, T.db)).toEqual([]);
    expect(facts.managed?.database).toBeUndefined();
    expect(facts.managed?.cache).toBeUndefined();
  });

  it("makes every bucket private, versioned, expiring old versions, protected and kept when not empty", () => {
    const buckets = ofType(rs, T.bucket);
    expect(buckets.map((b) => b.name).sort()).toEqual(["storage-backup", "storage-media"]);
    for (const b of buckets) {
      expect(b.protect).toBe(true);
      expect(b.inputs).toMatchObject({
        acl: "private",
        versioning: { enabled: true },
        forceDestroy: false,
      });
      expect(b.inputs.lifecycleRules[0].noncurrentVersionExpiration).toEqual({ days: 30 });
    }
  });

  it("gives the platform one Spaces key limited to the stack's buckets, and the apps one to media only", async () => {
    const names = ofType(rs, T.bucket)
      .map((b) => b.inputs.name)
      .sort();
    const media = one(rs, T.bucket, "storage-media").inputs.name;
    expect(one(rs, T.key, "storage-app-key").inputs.grants).toEqual([
      { bucket: media, permission: "readwrite" },
    ]);
    expect(facts.managed!.objectStorage!.appCredentials!.kind).toBe("keys");
    const grants = one(rs, T.key, "storage-key").inputs.grants;
    expect(grants.map((g: any) => g.bucket).sort()).toEqual(names);
    expect(grants.every((g: any) => g.permission === "readwrite")).toBe(true);
    const storage = facts.managed!.objectStorage!;
    expect(storage.credentials.kind).toBe("keys");
    expect(storage.endpoint).toBe("https://nyc3.digitaloceanspaces.com");
    expect(await value(storage.buckets.media)).toBe(one(rs, T.bucket, "storage-media").inputs.name);
  });

  it("allows CORS on the media bucket only, from the stack's https origins", () => {
    const cors = one(rs, T.cors).inputs;
    expect(cors.bucket).toBe(one(rs, T.bucket, "storage-media").inputs.name);
    expect(cors.corsRules[0].allowedOrigins.every((o: string) => o.startsWith("https://"))).toBe(
      true,
    );
    expect(ofType(rs, T.cdn)).toEqual([]);
  });

  it("hands the platform layer the provider, the app pool, the retaining storage class and LB annotations", () => {
    expect(facts.pools).toEqual(["app"]);
    expect(facts.storageClass).toBe(STORAGE_CLASS);
    expect(facts.provider).toBeDefined();
    expect(
      facts.gatewayServiceAnnotations?.["service.beta.kubernetes.io/do-loadbalancer-size-unit"],
    ).toBe("1");
  });

  it("checks every public host from outside; without a receiver it adds no alert policy", () => {
    expect(
      ofType(rs, T.check)
        .map((c) => c.inputs.target)
        .sort(),
    ).toEqual([
      "https://auth.staging.example.com",
      "https://graphql.staging.example.com",
      "https://staging.example.com",
    ]);
    expect(ofType(rs, T.uptimeAlert)).toEqual([]);
    expect(ofType(rs, T.monitorAlert)).toEqual([]);
  });
});

describe("DigitalOcean layer, medium production with managed services", () => {
  let rs: Registered[];
  let facts: ClusterFacts;
  beforeAll(async () => ({ resources: rs, facts } = await build(productionDo)));

  it("runs the HA control plane and autoscales the app pool 3..10 without pinning its count", () => {
    const cluster = one(rs, T.cluster).inputs;
    expect(cluster.ha).toBe(true);
    expect(cluster.nodePool).toMatchObject({ autoScale: true, minNodes: 3, maxNodes: 10 });
    expect(cluster.nodePool.nodeCount).toBeUndefined();
    expect(facts.pools).toEqual(["app"]);
  });

  it("runs Postgres with a standby and the read-only nodes, in the VPC, protected", () => {
    const pg = ofType(rs, T.db).find((d) => d.inputs.engine === "pg")!;
    expect(pg.protect).toBe(true);
    expect(pg.inputs).toMatchObject({
      nodeCount: 2,
      version: productionDo.database.version,
      size: databasePlan(productionDo).type.name,
      privateNetworkUuid: "network-vpc-id",
    });
    const replicas = ofType(rs, T.replica);
    expect(replicas).toHaveLength(productionDo.database.replicas);
    for (const r of replicas) {
      expect(r.inputs).toMatchObject({ size: pg.inputs.size, clusterId: "database-cluster-id" });
      expect(r.protect).toBe(true);
    }
  });

  it("tunes Postgres as documented: shared_buffers 25 %, slow queries logged, backup at 2 AM UTC", () => {
    const pgConfig = one(
      rs,
      "digitalocean:index/databasePostgresqlConfig:DatabasePostgresqlConfig",
    );
    expect(pgConfig.inputs).toMatchObject({
      clusterId: "database-cluster-id",
      sharedBuffersPercentage: 25,
      logMinDurationStatement: 1000,
      backupHour: 2,
      backupMinute: 0,
    });
    expect(pgConfig.inputs.workMem).toBeGreaterThanOrEqual(16);
  });

  it("admits only the Kubernetes cluster to Postgres and Valkey", () => {
    const firewalls = ofType(rs, T.dbFirewall);
    expect(firewalls.map((f) => f.inputs.clusterId).sort()).toEqual([
      "cache-cluster-id",
      "database-cluster-id",
    ]);
    for (const f of firewalls)
      expect(f.inputs.rules).toEqual([{ type: "k8s", value: "cluster-cluster-id" }]);
  });

  it("runs Valkey with allkeys-lru eviction, TLS and RDB persistence, protected", () => {
    const valkey = ofType(rs, T.db).find((d) => d.inputs.engine === "valkey")!;
    expect(valkey.protect).toBe(true);
    expect(valkey.inputs.nodeCount).toBe(1 + productionDo.cache.replicas);
    expect(one(rs, T.valkeyConfig).inputs).toMatchObject({
      clusterId: "cache-cluster-id",
      valkeyMaxmemoryPolicy: "allkeys-lru",
      ssl: true,
      persistence: "rdb",
    });
  });

  it("puts the Spaces CDN in front of the media bucket with a Let's Encrypt certificate for media.<domain>", () => {
    const cert = one(rs, T.certificate).inputs;
    expect(cert).toMatchObject({ type: "lets_encrypt", domains: ["media.example.com"] });
    const cdn = one(rs, T.cdn).inputs;
    const media = one(rs, T.bucket, "storage-media").inputs.name;
    expect(cdn.origin).toBe(`${media}.nyc3.digitaloceanspaces.com`);
    expect(cdn).toMatchObject({ customDomain: "media.example.com", certificateName: cert.name });
  });

  it("hands over the database, the cache and the object store as managed facts", async () => {
    expect(await value(facts.managed!.database!.database)).toBe("app");
    expect(facts.managed!.cache).toBeDefined();
    expect(facts.managed!.objectStorage!.buckets).toHaveProperty("backup");
  });

  it("passes every policy of the pack with no violation", async () => {
    const violations = await evaluatePolicies(policies, rs, {
      config: policyConfig(productionDo),
      enforcement: "mandatory",
      overrides: {},
    });
    expect(violations).toEqual([]);
  });
});

describe("DigitalOcean layer, variants", () => {
  it("passes every policy of the pack for staging too", async () => {
    const { resources } = await build(staging);
    const violations = await evaluatePolicies(policies, resources, {
      config: policyConfig(staging),
      enforcement: "mandatory",
      overrides: {},
    });
    expect(violations).toEqual([]);
  });

  it("opens SSH to nobody and leaves the API firewall off when no admin network is listed", async () => {
    const { resources } = await build(stackConfig("staging", { adminCidrs: [] }));
    const firewall = one(resources, T.firewall).inputs;
    expect(firewall.inboundRules.filter((r: any) => r.portRange === "22")).toEqual([]);
    expect(one(resources, T.cluster).inputs.controlPlaneFirewall).toBeUndefined();
  });

  it("routes apps through a PgBouncer pool in transaction mode when the pooler is on", async () => {
    const config = stackConfig("production-do", {
      database: { pooler: { enabled: true, defaultPoolSize: 40 } },
    });
    const { resources, facts } = await build(config);
    const pool = one(resources, T.connectionPool).inputs;
    expect(pool).toMatchObject({ mode: "transaction", size: 40, dbName: "app" });
    expect(await value(facts.managed!.database!.database)).toBe(pool.name);
  });

  it("alerts the chat receiver: down 5 min and certificate < 7 days critical, > 2 s warning, node CPU/memory/disk", async () => {
    const config = stackConfig("production-do", {
      monitoring: { receivers: { chat: { channel: "#platform-alerts" } } },
    });
    const { resources } = await build(config, {
      "platform:chatWebhookUrl": "https://hooks.example.com/services/T0/B0/x",
    });
    const alerts = ofType(resources, T.uptimeAlert).filter((a) =>
      a.name.startsWith("alerts-uptime-example-com-"),
    );
    const byType = Object.fromEntries(alerts.map((a) => [a.inputs.type, a.inputs]));
    expect(byType.down).toMatchObject({ period: "5m", name: expect.stringMatching(/^critical/) });
    expect(byType.latency).toMatchObject({
      comparison: "greater_than",
      threshold: 2000,
      name: expect.stringMatching(/^warning/),
    });
    expect(byType.ssl_expiry).toMatchObject({
      comparison: "less_than",
      threshold: 7,
      name: expect.stringMatching(/^critical/),
    });
    expect(byType.down.notifications[0].slacks).toEqual([
      { channel: "#platform-alerts", url: "https://hooks.example.com/services/T0/B0/x" },
    ]);
    const tag = one(resources, T.tag).inputs.name;
    const nodes = ofType(resources, T.monitorAlert).filter((a) => a.inputs.tags);
    expect(nodes.map((a) => `${a.inputs.type.split("/").pop()}>${a.inputs.value}`).sort()).toEqual([
      "cpu>80",
      "disk_utilization_percent>80",
      "disk_utilization_percent>90",
      "memory_utilization_percent>80",
    ]);
    for (const a of nodes) expect(a.inputs.tags).toEqual([tag]);
    const databases = ofType(resources, T.monitorAlert).filter((a) => a.inputs.entities);
    expect(databases).toHaveLength(4);
  });

  it("never sees an address plan DigitalOcean cannot build: the config gate refuses it first", () => {
    expect(() => stackConfig("staging", { network: { cidr: "10.244.0.0/16" } })).toThrow(
      /platform:network\.cidr: must not overlap 10\.244\.0\.0\/16, which DOKS reserves/,
    );
  });
});
