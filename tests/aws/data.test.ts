import { resolveManagedDatabase } from "../../catalog";
import { PRESETS } from "../../config";
import { backupRules, drRegionFor } from "../../components/aws/backups";
import { CACHE_ALARMS } from "../../components/aws/cache";
import {
  backupRetention,
  databaseAlarms,
  replicaZones,
  REPLICA_LAG_ALARM,
} from "../../components/aws/database";
import { rdsParameters } from "../../components/aws/rds-parameters";
import { lifecycleRules } from "../../components/aws/storage";
import { postgresParameters } from "../../components/database/tuning";
import { cadenceOf } from "../../policies/aws/aws-backup-require-retention";
import type { Registered } from "../../plan/mocks";
import { ofType, one } from "../helpers/mocks";
import type { ClusterFacts } from "../../components/contract";
import { inputsOf, recordAws, recordAwsFacts, resolved, stackConfig } from "./helpers";

describe("rdsParameters", () => {
  const params = rdsParameters(postgresParameters(8, { maxConnections: 200 }));
  const value = (name: string) => params.find((p) => p.name === name)?.value;

  it("gives memory in RDS units: 8 kB pages for shared_buffers, kB for work_mem", () => {
    // 2GB of shared buffers is 262144 pages of 8 kB; 16MB of work_mem is 16384 kB.
    expect(value("shared_buffers")).toBe(String((2 * 1024 * 1024) / 8));
    expect(value("work_mem")).toBe(String(16 * 1024));
    expect(value("max_connections")).toBe("200");
  });

  it("forces TLS 1.2 or newer and drops what RDS manages itself", () => {
    expect(value("rds.force_ssl")).toBe("1");
    expect(value("ssl_min_protocol_version")).toBe("TLSv1.2");
    for (const managed of ["ssl", "wal_level", "hot_standby"])
      expect(value(managed)).toBeUndefined();
    expect(value("shared_preload_libraries")).toBe("pg_stat_statements");
    expect(value("log_connections")).toBe("1");
  });

  it("applies static parameters at the next reboot and the others at once", () => {
    expect(params.find((p) => p.name === "shared_buffers")!.applyMethod).toBe("pending-reboot");
    expect(params.find((p) => p.name === "work_mem")!.applyMethod).toBe("immediate");
  });
});

describe("backupRetention", () => {
  it("keeps production backups 30 to 35 days and lets other tiers keep fewer", () => {
    const production = PRESETS.medium.database.backupRetentionFloorDays;
    const staging = PRESETS.staging.database.backupRetentionFloorDays;
    expect(backupRetention(7, production)).toBe(30);
    expect(backupRetention(30, production)).toBe(30);
    expect(backupRetention(35, production)).toBe(35);
    expect(backupRetention(7, staging)).toBe(7);
  });
});

describe("backupRules", () => {
  it("keeps 7 daily, 4 weekly and 12 monthly recovery points, taken at 2 AM UTC", () => {
    const rules = backupRules({ hour: 2, minute: 0 }, { daily: 7, weekly: 4, monthly: 12 });
    expect(rules.map((r) => [cadenceOf(r.schedule), r.deleteAfterDays])).toEqual([
      ["daily", 7],
      ["weekly", 28],
      ["monthly", 365],
    ]);
    for (const r of rules) expect(r.schedule).toMatch(/^cron\(0 2 /);
  });

  it("copies to a second region of the same geography", () => {
    expect(drRegionFor("us-east-1")).toBe("us-west-2");
    expect(drRegionFor("eu-central-1")!.startsWith("eu-")).toBe(true);
  });
});

describe("alarms", () => {
  it("alarm at the documents' thresholds: CPU 80 %, disk 90 % used, connections 80 %, replica lag 5 minutes", () => {
    const [cpu, storage, connections] = databaseAlarms(200, 200);
    expect(cpu.threshold).toBe(80);
    expect(storage).toMatchObject({ metric: "FreeStorageSpace", comparison: "LessThanThreshold" });
    expect(storage.threshold).toBe(200 * 1024 ** 3 * 0.1);
    expect(connections.threshold).toBe(160);
    expect(REPLICA_LAG_ALARM.threshold).toBe(300);
    expect(CACHE_ALARMS.map((a) => [a.metric, a.threshold])).toEqual([
      ["EngineCPUUtilization", 80],
      ["DatabaseMemoryUsagePercentage", 80],
      ["Evictions", 0],
    ]);
  });
});

describe("lifecycleRules", () => {
  it("expires previous versions, archives after the configured days and aborts stale uploads", () => {
    const [media] = lifecycleRules({ noncurrentVersionDays: 30, archiveAfterDays: 365 });
    expect(media).toMatchObject({
      status: "Enabled",
      noncurrentVersionExpiration: { noncurrentDays: 30 },
      transitions: [{ days: 365, storageClass: "GLACIER" }],
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    });
    expect(
      lifecycleRules({ noncurrentVersionDays: 30, archiveAfterDays: 0 })[0].transitions,
    ).toBeUndefined();
  });
});

describe("managed data services", () => {
  let medium: Registered[];
  let facts: ClusterFacts;
  let large: Registered[];
  beforeAll(async () => {
    ({ rs: medium, facts } = await recordAwsFacts(stackConfig("production")));
    large = await recordAws(stackConfig("production-large"));
  });

  const primaryOf = (rs: Registered[]) => one(rs, "aws:rds/instance:Instance", "database-primary");
  const replicasOf = (rs: Registered[]) =>
    ofType(rs, "aws:rds/instance:Instance").filter((r) => r.inputs.replicateSourceDb);

  it("runs RDS Multi-AZ, encrypted with its key, private, with 30 days of backups and deletion protection", () => {
    for (const rs of [medium, large]) {
      const db = primaryOf(rs);
      expect(db.inputs).toMatchObject({
        engine: "postgres",
        engineVersion: "16",
        multiAz: true,
        storageEncrypted: true,
        publiclyAccessible: false,
        deletionProtection: true,
        backupRetentionPeriod: 30,
        skipFinalSnapshot: false,
        performanceInsightsEnabled: true,
        monitoringInterval: 60,
      });
      expect(db.inputs.kmsKeyId).toContain("database-key");
      expect(db.protect).toBe(true);
    }
  });

  it("protects every KMS key and gives it KMS's longest deletion window: what it encrypts is lost with it", () => {
    for (const [rs, managed] of [
      [medium, ["database-key", "cache-key", "alerts-key", "cluster-secrets-key"]],
      [large, ["database-key", "alerts-key", "cluster-secrets-key"]],
    ] as const) {
      const keys = ofType(rs, "aws:kms/key:Key");
      expect(keys.map((k) => k.name)).toEqual(expect.arrayContaining([...managed]));
      for (const key of keys) {
        expect([key.name, key.protect]).toEqual([key.name, true]);
        expect(key.inputs.deletionWindowInDays).toBe(30);
      }
    }
  });

  it("sizes RDS through the catalog: the medium stack's 8 GB server, the large tier's 16 vCPU / 64 GB", () => {
    expect(primaryOf(medium).inputs.instanceClass).toBe(
      resolveManagedDatabase("aws", "small-db").type.name,
    );
    expect(primaryOf(large).inputs.instanceClass).toBe(
      resolveManagedDatabase("aws", "large-managed-db").type.name,
    );
  });

  it("spreads the read replicas over the data subnets' zones in turn, at least two zones", () => {
    const names = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"];
    expect(replicaZones(names, 3, 3)).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(replicaZones(names, 3, 5)).toEqual([
      "us-east-1a",
      "us-east-1b",
      "us-east-1c",
      "us-east-1a",
      "us-east-1b",
    ]);
    expect(replicaZones(names, 1, 2)).toEqual(["us-east-1a", "us-east-1b"]);
    expect(replicaZones([], 3, 2)).toEqual([]);
  });

  it("adds the tier's read replicas: one for medium, two in the large primary's region (the third in production-large-ap), each protected and watched for lag", () => {
    expect(replicasOf(medium)).toHaveLength(1);
    expect(replicasOf(large)).toHaveLength(2);
    for (const replica of replicasOf(large)) {
      expect(replica.inputs).toMatchObject({
        storageEncrypted: true,
        deletionProtection: true,
        publiclyAccessible: false,
      });
      expect(replica.protect).toBe(true);
    }
    const lag = inputsOf(large, "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
      (a) => a.metricName === "ReplicaLag",
    );
    expect(lag).toHaveLength(2);
  });

  it("gives replicas of their own class parameters for their own memory, with the primary's hot-standby settings", () => {
    // Pulumi.production-large.yaml: database.replicaProfile medium-db.
    const groups = inputsOf(large, "aws:rds/parameterGroup:ParameterGroup");
    expect(groups).toHaveLength(2);
    const param = (g: Record<string, any>, name: string) =>
      g.parameters.find((p: { name: string }) => p.name === name)?.value;
    const [primary, replica] = [
      groups.find((g) => !/replicas/.test(g.description))!,
      groups.find((g) => /replicas/.test(g.description))!,
    ];
    for (const name of ["max_connections", "max_wal_senders"])
      expect(param(replica, name)).toBe(param(primary, name));
    expect(param(replica, "shared_buffers")).not.toBe(param(primary, "shared_buffers"));
    const classes = new Set(replicasOf(large).map((r) => r.inputs.instanceClass));
    expect([...classes]).toEqual([resolveManagedDatabase("aws", "medium-db").type.name]);
    expect(primaryOf(large).inputs.instanceClass).not.toBe([...classes][0]);
  });

  it("tunes Postgres in a parameter group of the version's family, forcing TLS", () => {
    const group = one(medium, "aws:rds/parameterGroup:ParameterGroup").inputs;
    expect(group.family).toBe("postgres16");
    expect(group.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "rds.force_ssl", value: "1" })]),
    );
  });

  it("backs up with AWS Backup into a KMS vault and copies every recovery point to a second region (medium and large)", () => {
    // Tiers document, Backup Strategy: "Primary: Same cloud provider (different region)".
    for (const rs of [medium, large]) {
      const plan = one(rs, "aws:backup/plan:Plan").inputs;
      expect(plan.rules.every((r: any) => r.copyActions.length === 1)).toBe(true);
      const copy = one(rs, "aws:backup/vault:Vault", "backups-copy-vault").inputs;
      expect(copy.region).toBe("us-west-2");
      expect(copy.kmsKeyArn).toBeTruthy();
    }
  });

  it("runs ElastiCache Valkey encrypted in transit and at rest with an auth token, across zones", () => {
    const group = one(medium, "aws:elasticache/replicationGroup:ReplicationGroup");
    expect(group.inputs).toMatchObject({
      engine: "valkey",
      numCacheClusters: 3,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      snapshotRetentionLimit: 7,
    });
    expect(group.inputs.authToken.length).toBeGreaterThanOrEqual(32);
    expect(group.protect).toBe(true);
    const params = one(medium, "aws:elasticache/parameterGroup:ParameterGroup").inputs.parameters;
    expect(params).toEqual([{ name: "maxmemory-policy", value: "allkeys-lru" }]);
  });

  it("keeps every bucket versioned, encrypted, private, TLS-only and under lifecycle rules, and protected", () => {
    const buckets = ofType(medium, "aws:s3/bucket:Bucket");
    expect(buckets.map((b) => b.name).sort()).toEqual([
      "storage-access-logs",
      "storage-backup",
      "storage-media",
    ]);
    const byBucket = (type: string) => new Map(inputsOf(medium, type).map((c) => [c.bucket, c]));
    const versioning = byBucket("aws:s3/bucketVersioning:BucketVersioning");
    const encryption = byBucket(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    );
    const blocks = byBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
    const lifecycle = byBucket("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    const ownership = byBucket("aws:s3/bucketOwnershipControls:BucketOwnershipControls");
    const policies = byBucket("aws:s3/bucketPolicy:BucketPolicy");
    for (const bucket of buckets) {
      const name = bucket.inputs.bucket;
      expect(bucket.protect).toBe(true);
      expect(versioning.get(name)?.versioningConfiguration.status).toBe("Enabled");
      const sse = encryption.get(name)?.rules[0];
      expect(["aws:kms", "AES256"]).toContain(sse.applyServerSideEncryptionByDefault.sseAlgorithm);
      if (bucket.name !== "storage-access-logs")
        expect(sse).toMatchObject({ bucketKeyEnabled: true });
      expect(blocks.get(name)).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(ownership.get(name)?.rule.objectOwnership).toBe("BucketOwnerEnforced");
      expect(lifecycle.get(name)?.rules[0].status).toBe("Enabled");
      const statements = JSON.parse(policies.get(name)!.policy).Statement;
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: "Deny",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      );
    }
  });

  it("expires each dump tier of the backup bucket at its lifetime (7/4/12, 30 days at least), and nothing of the media bucket", () => {
    const lifecycle = (bucket: string) =>
      inputsOf(medium, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find(
        (c) => c.bucket === one(medium, "aws:s3/bucket:Bucket", bucket).inputs.bucket,
      )!.rules;
    const expiring = (rules: any[]) =>
      rules
        .filter((r) => r.expiration?.days !== undefined)
        .map((r) => [r.filter.prefix, r.expiration.days]);
    // The backup job reaches S3 through an IAM role and prunes nothing: these rules are all that
    // ever deletes a dump (docs/restore.md promises 7 daily, 4 weekly, 12 monthly).
    expect(expiring(lifecycle("storage-backup"))).toEqual([
      ["pg_dump/daily/", 30],
      ["pg_dump/weekly/", 30],
      ["pg_dump/monthly/", 372],
    ]);
    expect(expiring(lifecycle("storage-media"))).toEqual([]);
    // An expired dump is a noncurrent version, removed by the bucket-wide rule 30 days later.
    expect(lifecycle("storage-backup")[0]).toMatchObject({
      filter: { prefix: "" },
      noncurrentVersionExpiration: { noncurrentDays: 30 },
    });
  });

  it("hands the platform the RDS, Valkey and S3 facts, passwords generated, S3 through an IRSA role", async () => {
    const db = facts.managed!.database!;
    expect(await resolved(db.port)).toBe(5432);
    expect((await resolved(db.password)).length).toBe(32);
    expect(db.readHosts).toHaveLength(1); // the replica's address, known once it exists
    expect(await resolved(facts.managed!.cache!.port)).toBe(6379);
    const s3 = facts.managed!.objectStorage!;
    expect(s3.endpoint).toBe("https://s3.us-east-1.amazonaws.com");
    expect(Object.keys(s3.buckets).sort()).toEqual(["backup", "media"]);
    expect(s3.credentials).toMatchObject({
      kind: "role",
      annotationKey: "eks.amazonaws.com/role-arn",
    });

    const role = one(medium, "aws:iam/role:Role", "storage-backup-writer").inputs;
    const sub = JSON.parse(role.assumeRolePolicy).Statement[0].Condition.StringLike;
    expect(Object.values(sub)[0]).toEqual(["system:serviceaccount:data:*"]);
    const grant = JSON.parse(
      one(medium, "aws:iam/rolePolicy:RolePolicy", "storage-backup-writer").inputs.policy,
    );
    const resources: string[] = grant.Statement.flatMap((s: any) => [].concat(s.Resource));
    expect(
      resources.every((r) => r.includes("/storage-backup") || r.includes("/storage-key")),
    ).toBe(true);
  });
});
