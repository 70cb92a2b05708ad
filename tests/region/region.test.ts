import { ConfigError, parseStackConfig, deepMerge } from "../../config";
import { groupReport, groupStacks, type GroupMember } from "../../plan/group";
import { ROOT } from "../../plan/stack";
import { recordVariants, type RecordedResource } from "../helpers/recorded";
import { rawStack } from "../helpers/stacks";

// Several regions, one stack each (README, "Several regions"): production-large is the primary,
// production-large-ap its secondary; "promoted" is the secondary after `multiRegion.role: primary`.
let recorded: Map<string, RecordedResource[]>;
beforeAll(async () => {
  recorded = await recordVariants([
    { label: "primary", stack: "production-large" },
    { label: "secondary", stack: "production-large-ap" },
    {
      label: "promoted",
      stack: "production-large-ap",
      overrides: { multiRegion: { role: "primary" } },
    },
  ]);
}, 180_000);

const of = (label: string) => recorded.get(label)!;
const find = (label: string, type: string, name: string) =>
  of(label).find((r) => r.type === type && r.name === name);
const RDS = "aws:rds/instance:Instance";
const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";

describe("a secondary region replicates its primary", () => {
  test("its database is a cross-region replica of the primary's instance, by ARN", () => {
    const primary = find("primary", RDS, "database-primary")!;
    const replica = find("secondary", RDS, "database-primary")!;
    // The primary hands over its instance's ARN (offline: the mock ARN of its database-primary).
    expect(replica.inputs.replicateSourceDb).toMatch(/^arn:aws:.*:instance\/database-primary$/);
    expect(primary.inputs.replicateSourceDb).toBeUndefined();
    // Engine, database and master user come from the source; a replica keeps no backups.
    for (const key of ["engine", "dbName", "username", "password"])
      expect(replica.inputs[key]).toBeUndefined();
    expect(replica.inputs.backupRetentionPeriod).toBe(0);
    // An encrypted source needs a key of the replica's own region.
    expect(replica.inputs.kmsKeyId).toBeTruthy();
    expect(replica.inputs.storageEncrypted).toBe(true);
    expect(replica.protect).toBe(true);
    // The region's own master password is not generated: it is the primary's.
    expect(
      find("secondary", "random:index/randomPassword:RandomPassword", "database-password"),
    ).toBeUndefined();
    // Its lag pages like any replica's (RPO 5 minutes).
    expect(
      find("secondary", "aws:cloudwatch/metricAlarm:MetricAlarm", "database-primary-lag"),
    ).toBeDefined();
  });

  test("the primary's media and backup buckets replicate into the secondary's, encrypted, within 15 minutes", () => {
    const rules = of("secondary").filter((r) => r.type === REPLICATION);
    expect(rules.map((r) => r.name).sort()).toEqual(["replication-backup", "replication-media"]);
    const provider = of("secondary").find(
      (r) => r.type === "pulumi:providers:aws" && r.name === "aws-primary-region",
    )!;
    // The configuration belongs to the source bucket, in the primary's region.
    expect(provider.inputs.region).toBe("us-east-1");
    for (const rule of rules) {
      const purpose = rule.name.replace("replication-", "");
      // The primary's bucket of that purpose (S3 names: <domain>-<stack>-<bucket>).
      expect(rule.inputs.bucket).toMatch(
        new RegExp(`production-large-${purpose === "media" ? "media" : "backup"}`),
      );
      expect(rule.inputs.bucket).not.toMatch(/production-large-ap/);
      const [r] = rule.inputs.rules;
      expect(r.status).toBe("Enabled");
      expect(r.deleteMarkerReplication.status).toBe("Enabled");
      expect(r.sourceSelectionCriteria.sseKmsEncryptedObjects.status).toBe("Enabled");
      expect(r.destination.bucket).toMatch(new RegExp(`storage-.*${purpose}`));
      expect(r.destination.encryptionConfiguration.replicaKmsKeyId).toBeTruthy();
      expect(r.destination.replicationTime).toEqual({ status: "Enabled", time: { minutes: 15 } });
    }
    // The primary replicates nothing itself.
    expect(of("primary").some((r) => r.type === REPLICATION)).toBe(false);
  });

  test("a secondary backs up nothing of its own: the primary's backups replicate to it", () => {
    expect(of("secondary").some((r) => r.type === "aws:backup/plan:Plan")).toBe(false);
    expect(of("primary").some((r) => r.type === "aws:backup/plan:Plan")).toBe(true);
  });
});

describe("a secondary sends its writes to the primary over a VPC peering", () => {
  const PCX = "aws:ec2/vpcPeeringConnection:VpcPeeringConnection";
  test("it requests a peering with the primary's VPC, accepted and routed in the primary's region", () => {
    const pcx = find("secondary", PCX, "network-peering")!;
    expect(pcx.inputs).toMatchObject({ peerRegion: "us-east-1", autoAccept: false });
    expect(pcx.inputs.peerVpcId).toBeTruthy();
    const primaryRegion = find("secondary", "pulumi:providers:aws", "aws-primary-region")!;
    const accepter = find(
      "secondary",
      "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
      "peering-accepter",
    )!;
    expect(accepter.inputs.autoAccept).toBe(true);
    const route = find("secondary", "aws:ec2/route:Route", "peering-route")!;
    expect(route.inputs.destinationCidrBlock).toBe("10.1.0.0/16");
    const ingress = find(
      "secondary",
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "peering-database",
    )!;
    expect(ingress.inputs).toMatchObject({ cidrIpv4: "10.1.0.0/16", fromPort: 5432, toPort: 5432 });
    // The primary's side is made in the primary's region.
    for (const r of [accepter, route, ingress]) expect(r.provider).toContain(primaryRegion.urn);
    // This region routes the primary's range through the peering from its app and data subnets.
    for (const table of of("secondary").filter((r) => r.type === "aws:ec2/routeTable:RouteTable"))
      if (/private-routes|data-routes/.test(table.name))
        expect(table.inputs.routes).toContainEqual({
          cidrBlock: "10.0.0.0/16",
          vpcPeeringConnectionId: "network-peering-id",
        });
    expect(of("primary").some((r) => r.type === PCX)).toBe(false);
  });

  test("PgBouncer writes to the primary's instance and reads this region's replica", () => {
    const ini = (label: string) =>
      find(label, "kubernetes:core/v1:ConfigMap", "platform-pgbouncer-config")!.inputs.data[
        "pgbouncer.ini"
      ] as string;
    const host = (label: string, db: string) =>
      new RegExp(`^${db} = host=(\\S+) `, "m").exec(ini(label))![1];
    expect(host("secondary", "app")).toBe(
      "platform-production-large-postgres.mock.rds.amazonaws.com",
    );
    expect(host("secondary", "app_read")).toBe(
      "platform-production-large-ap-postgres.mock.rds.amazonaws.com",
    );
    // Its pods may reach both VPCs on 5432, and nothing else but DNS.
    const egress = find(
      "secondary",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "platform-pgbouncer-egress",
    )!.inputs.spec.egress[1];
    expect(egress.to.map((t: { ipBlock: { cidr: string } }) => t.ipBlock.cidr).sort()).toEqual([
      "10.0.0.0/16",
      "10.1.0.0/16",
    ]);
    // Promoted, the region writes to its own instance, and the peering is gone.
    expect(host("promoted", "app")).toBe(
      "platform-production-large-ap-postgres.mock.rds.amazonaws.com",
    );
    expect(of("promoted").some((r) => r.type === PCX)).toBe(false);
  });

  test("peered ranges must not overlap", async () => {
    await expect(
      recordVariants([
        {
          label: "overlap",
          stack: "production-large-ap",
          overrides: { network: { cidr: "10.0.0.0/16" } },
        },
      ]),
    ).rejects.toThrow(
      /platform:network\.cidr: 10\.0\.0\.0\/16 overlaps the primary's 10\.0\.0\.0\/16/,
    );
  }, 120_000);
});

describe("promotion is configuration", () => {
  test("role primary promotes the same instance in place: no replacement of protected data", () => {
    const before = find("secondary", RDS, "database-primary")!;
    const after = find("promoted", RDS, "database-primary")!;
    expect(after.urn).toBe(before.urn);
    expect(after.protect).toBe(true);
    expect(after.inputs.identifier).toBe(before.inputs.identifier);
    // Removing replicate_source_db is the provider's promotion (PromoteReadReplica with the
    // backup retention); db_name and username, which would replace it, stay absent.
    expect(after.inputs.replicateSourceDb).toBeUndefined();
    expect(after.inputs.backupRetentionPeriod).toBeGreaterThanOrEqual(30);
    for (const key of ["engine", "dbName", "username"]) expect(after.inputs[key]).toBeUndefined();
    const changed = Object.keys({ ...before.inputs, ...after.inputs }).filter(
      (k) => JSON.stringify(before.inputs[k]) !== JSON.stringify(after.inputs[k]),
    );
    expect(changed.sort()).toEqual(["backupRetentionPeriod", "replicateSourceDb"]);
    // Every protected resource of the secondary is still there, under the same URN.
    const kept = new Set(of("promoted").map((r) => r.urn));
    for (const r of of("secondary").filter((x) => x.protect)) expect(kept.has(r.urn)).toBe(true);
  });

  test("the promoted region stops replicating the old primary's buckets and starts its own backups", () => {
    expect(of("promoted").some((r) => r.type === REPLICATION)).toBe(false);
    expect(of("promoted").some((r) => r.type === "aws:backup/plan:Plan")).toBe(true);
  });
});

describe("multiRegion config", () => {
  const problems = (overrides: Record<string, unknown>, stack = "production-large-ap") => {
    try {
      parseStackConfig(deepMerge(rawStack(stack), overrides));
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
  };
  test("the shipped group is valid", () => {
    expect(problems({})).toEqual([]);
    expect(problems({}, "production-large")).toEqual([]);
  });
  test.each([
    [{ database: { replicas: 1 } }, "database.replicas"],
    [{ database: { mode: "self-hosted" } }, "database.mode"],
    [{ objectStorage: { mode: "self-hosted" } }, "objectStorage.mode"],
  ])("refuses %j", (overrides, path) => {
    expect(problems(overrides).some((p) => p.includes(`${path}:`))).toBe(true);
  });
  test("max 0 takes away the tier preset's pool: the secondary's PgBouncer and cache share its app nodes", () => {
    const ap = parseStackConfig(rawStack("production-large-ap"));
    expect(ap.nodePools.db).toBeUndefined();
    expect(ap.nodePools.app?.min).toBe(4);
    expect(parseStackConfig(rawStack("production-large")).nodePools.db?.min).toBe(3);
  });
  test("a secondary names its primary", () => {
    const raw = rawStack("production-large-ap");
    delete raw.multiRegion.primaryStack;
    expect(() => parseStackConfig(raw)).toThrow(
      /multiRegion\.primaryStack: is required with role secondary/,
    );
  });
  describe("a secondary on another cloud is a failover standby", () => {
    const failover = { multiRegion: { group: "g", role: "secondary", primaryStack: "production" } };
    test("is accepted on DigitalOcean with managed Postgres and Spaces", () => {
      expect(problems(failover, "production-do")).toEqual([]);
    });
    test.each([
      [{ database: { mode: "none" } }, "database.mode: must be managed or self-hosted"],
      [{ objectStorage: { mode: "self-hosted" } }, "objectStorage.mode: must be managed on Spaces"],
      [
        { objectStorage: { mode: "managed", provider: "r2" } },
        "objectStorage.mode: must be managed on Spaces",
      ],
    ])("refuses %j with one line", (overrides, line) => {
      const found = problems(deepMerge(failover, overrides), "production-do");
      expect(found.filter((p) => p.includes(line))).toHaveLength(1);
    });
    test("a Hetzner standby keeps its backup bucket in MinIO", () => {
      expect(
        problems(
          deepMerge(failover, { objectStorage: { mode: "managed" } }),
          "production-hetzner",
        ).some((p) => p.includes("objectStorage.mode: must be self-hosted on a hetzner")),
      ).toBe(true);
    });
    test("keeps the group rules: a standby without a group is refused", () => {
      expect(
        problems(
          { multiRegion: { role: "secondary", primaryStack: "production" } },
          "production-do",
        ),
      ).toEqual([expect.stringContaining("multiRegion.group: is required")]);
    });
    test("an existing cluster is no secondary", () => {
      expect(problems(failover, "local").some((p) => p.includes("multiRegion.role:"))).toBe(true);
    });
  });
  test("a role without a group is refused", () => {
    const raw = rawStack("production-large");
    raw.multiRegion = { role: "primary" };
    expect(() => parseStackConfig(raw)).toThrow(/multiRegion\.group/);
  });
});

describe("a group is priced against the tier's documented total", () => {
  test("the group's stacks are found by multiRegion.group, primary first", () => {
    expect(groupStacks("production-large", ROOT)).toEqual([
      "production-large",
      "production-large-ap",
    ]);
    expect(groupStacks("no-such-group", ROOT)).toEqual([]);
  });
  const member = (monthlyUsd: number): GroupMember => ({
    stack: "s",
    status: "clean",
    tier: "large",
    role: "primary",
    region: "r",
    monthlyUsd,
    floorUsd: monthlyUsd,
    ceilingUsd: monthlyUsd,
  });
  test("the sum is set beside Large Production's $5,000-10,000", () => {
    expect(groupReport("g", [member(7000), member(2000)]).position).toBe("inside");
    expect(groupReport("g", [member(9000), member(2000)]).position).toBe("above");
    expect(groupReport("g", [member(9000), member(2000)]).monthlyUsd).toBe(11000);
    expect(groupReport("g", [member(9000), member(2000)]).budget?.max).toBe(10000);
  });
});
