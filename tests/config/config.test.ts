import {
  applyPreset,
  ConfigError,
  environmentOf,
  parseStackConfig,
  PRESETS,
  isPinnedImage,
  TIERS,
} from "../../config";

const base = { provider: "existing", tier: "local", region: "local", domain: "example.test" };
const api = { name: "api", image: "registry.example.com/api:1.0.0", port: 3000 };

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("stack config", () => {
  it("reports exactly one line per problem, naming the key path: bad tier, negative replicas, malformed CIDR", () => {
    const lines = problems({
      ...base,
      tier: "huge",
      adminCidrs: ["10.0.0.300/24"],
      apps: [{ ...api, replicas: -1 }],
    });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^platform:tier: must be one of .*"medium".*\(got "huge"\)$/);
    expect(lines.some((l) => l.startsWith("platform:adminCidrs[0]: "))).toBe(true);
    expect(
      lines.some((l) => /^platform:apps\[0\]\.replicas: must be at least 1 \(got -1\)$/.test(l)),
    ).toBe(true);
  });

  it("refuses 0.0.0.0/0 as an admin network: SSH and admin endpoints are never open to the internet", () => {
    expect(problems({ ...base, adminCidrs: ["0.0.0.0/0"] })[0]).toMatch(
      /^platform:adminCidrs\[0\]: admits the whole internet/,
    );
    expect(problems({ ...base, adminCidrs: ["::/0"] })).toHaveLength(1);
    expect(problems({ ...base, adminCidrs: ["198.51.100.7/32", "2001:db8::/48"] })).toEqual([]);
  });

  it("refuses unpinned images (latest or no tag) and accepts versions and digests", () => {
    expect(isPinnedImage("nginx")).toBe(false);
    expect(isPinnedImage("nginx:latest")).toBe(false);
    expect(isPinnedImage("registry:5000/team/app")).toBe(false);
    expect(isPinnedImage("registry:5000/team/app:1.2.3")).toBe(true);
    expect(isPinnedImage(`app@sha256:${"a".repeat(64)}`)).toBe(true);
    expect(problems({ ...base, apps: [{ ...api, image: "api:latest" }] })[0]).toMatch(
      /^platform:apps\[0\]\.image: must be pinned/,
    );
  });

  it("names unknown keys instead of ignoring them", () => {
    expect(problems({ ...base, databse: { mode: "managed" } })).toEqual([
      "platform:databse: is not a known key (see README, Stack config)",
    ]);
  });

  it("refuses managed data services where the provider sells none", () => {
    expect(problems({ ...base, database: { mode: "managed" } })).toEqual([
      'platform:database.mode: managed is not offered on existing; use self-hosted or none (got "managed")',
    ]);
  });

  it("keeps policy enforcement mandatory on production tiers", () => {
    const prod = { ...base, provider: "aws", tier: "medium", region: "us-east-1" };
    expect(problems({ ...prod, policies: { enforcement: "advisory" } })[0]).toMatch(
      /^platform:policies\.enforcement: must be "mandatory"/,
    );
    expect(problems({ ...base, policies: { enforcement: "advisory" } })).toEqual([]);
  });

  it("requires an off-site backup bucket on Hetzner production tiers, and checks its address", () => {
    const hetzner = { ...base, provider: "hetzner", tier: "small", region: "fsn1" };
    expect(problems(hetzner)).toEqual([
      "platform:backups.offsite: is required for a hetzner production tier: every other copy lives on the cluster's own servers (docs/hetzner.md)",
    ]);
    const offsite = {
      endpoint: "https://hel1.your-objectstorage.com",
      region: "hel1",
      bucket: "offsite",
    };
    expect(problems({ ...hetzner, backups: { offsite } })).toEqual([]);
    const onePool = { app: { profile: "small-vps", min: 1, max: 1, desired: 1 } };
    expect(problems({ ...hetzner, tier: "local", nodePools: onePool })).toEqual([]);
    const plain = problems({
      ...hetzner,
      backups: { offsite: { ...offsite, endpoint: "http://x.example" } },
    });
    expect(plain).toEqual([
      'platform:backups.offsite.endpoint: must be an https:// URL such as https://hel1.your-objectstorage.com (got "http://x.example")',
    ]);
    expect(parseStackConfig({ ...hetzner, backups: { offsite } }).backups.offsite?.schedule).toBe(
      "30 * * * *",
    );
  });

  it("takes an off-site copy on aws and digitalocean, but not one in the stack's own store and region", () => {
    const aws = { ...base, provider: "aws", tier: "medium", region: "us-east-1" };
    const otherProvider = {
      endpoint: "https://sfo3.digitaloceanspaces.com",
      region: "sfo3",
      bucket: "offsite",
    };
    const managed = { objectStorage: { mode: "managed" } };
    expect(problems({ ...aws, ...managed, backups: { offsite: otherProvider } })).toEqual([]);
    const sameSite = {
      endpoint: "https://s3.us-east-1.amazonaws.com",
      region: "us-east-1",
      bucket: "offsite",
    };
    expect(problems({ ...aws, ...managed, backups: { offsite: sameSite } })).toEqual([
      'platform:backups.offsite.region: must differ from the stack\'s region us-east-1 on aws, or the bucket be at another provider: an off-site copy sits at another site (got "us-east-1")',
    ]);
    const otherRegion = {
      ...sameSite,
      endpoint: "https://s3.us-west-2.amazonaws.com",
      region: "us-west-2",
    };
    expect(problems({ ...aws, ...managed, backups: { offsite: otherRegion } })).toEqual([]);
  });

  it("fills apps from the tier: the documented container 1 CPU / 2 GB request, 2 CPU / 4 GB limit, HPA 3..50 at 70 %", () => {
    const c = parseStackConfig({
      ...base,
      provider: "aws",
      tier: "medium",
      region: "us-east-1",
      apps: [api],
    });
    expect(c.apps[0].resources).toEqual({
      requests: { cpu: "1", memory: "2Gi" },
      limits: { cpu: "2", memory: "4Gi" },
    });
    expect(c.apps[0].autoscaling).toEqual({ minReplicas: 3, maxReplicas: 50, cpuPercent: 70 });
  });

  it("carries the tiers document's node pools: medium apps 3..10 of 4 vCPU / 16 GB, one 8 vCPU / 32 GB database node", () => {
    expect(PRESETS.medium.nodePools).toEqual({
      app: { profile: "medium-app", min: 3, max: 10, desired: 3 },
      db: { profile: "medium-db", min: 1, max: 1, desired: 1 },
    });
    expect(PRESETS.large.nodePools.app).toMatchObject({ profile: "large-app", min: 10, max: 20 });
    expect(PRESETS.large.nodePools.db).toMatchObject({ profile: "large-db", min: 3, max: 3 });
    expect(PRESETS.staging.nodePools.app).toMatchObject({
      profile: "k8s-staging-node",
      min: 3,
      max: 3,
    });
  });

  it("carries the documents' backup retention: 7 daily, 4 weekly, 12 monthly at 2 AM UTC; database dumps 30 days", () => {
    for (const tier of ["small", "medium", "large", "enterprise"] as const) {
      expect(PRESETS[tier].backups).toMatchObject({
        schedule: "0 2 * * *",
        daily: 7,
        weekly: 4,
        monthly: 12,
        databaseRetentionDays: 30,
      });
    }
  });

  it("turns on what production needs in the production tiers (small and up) and only there", () => {
    for (const tier of TIERS) {
      const p = PRESETS[tier];
      const production = environmentOf(tier) === "production";
      expect(p.kubernetes.highAvailability).toBe(production);
      expect(p.kubernetes.controlPlaneServers).toBe(production ? 3 : 1);
      expect(p.network.natPerZone).toBe(production);
      expect(p.gateway.loadBalancerSizeUnits).toBe(production ? 2 : 1);
      expect(p.database.standbys).toBe(production ? 1 : 0);
      expect(p.database.backupRetentionFloorDays).toBe(production ? 30 : 1);
      expect(p.database.crossRegionBackupCopy).toBe(production ? true : false);
      // Only a laptop cluster keeps Let's Encrypt's staging CA.
      expect(p.tls.issuer).toBe(tier === "local" ? "staging" : "production");
    }
  });

  it("sizes monitoring and logging for a cluster of their own from the medium tier up", () => {
    for (const tier of TIERS) {
      const p = PRESETS[tier];
      const own = ["medium", "large", "enterprise"].includes(tier);
      expect(p.monitoring.alertmanagerReplicas).toBe(own ? 2 : 1);
      expect(p.monitoring.resources.prometheus.requests).toEqual(
        own ? { cpu: "1", memory: "3Gi" } : { cpu: "200m", memory: "512Mi" },
      );
      expect(p.logging.loki.mode).toBe(own ? "SimpleScalable" : "SingleBinary");
      expect(p.logging.elasticsearch.nodes).toBe(own ? 3 : 1);
    }
  });

  it("refuses an even number of control-plane servers: etcd counts an odd quorum", () => {
    expect(() =>
      parseStackConfig({ ...base, tier: "medium", kubernetes: { controlPlaneServers: 2 } }),
    ).toThrow(/platform:kubernetes\.controlPlaneServers/);
  });

  it("lets any key override the preset while keeping the rest", () => {
    const merged = applyPreset({ ...base, tier: "large", database: { replicas: 5 } }) as any;
    expect(merged.database.replicas).toBe(5);
    expect(merged.database.pooler.enabled).toBe(true);
  });

  it("checks that node pool bounds are consistent", () => {
    const raw = {
      ...base,
      provider: "aws",
      tier: "medium",
      region: "us-east-1",
      nodePools: { app: { min: 5, max: 4, desired: 4 } },
    };
    expect(problems(raw)).toContain("platform:nodePools.app.min: must not exceed max (4) (got 5)");
  });
});
