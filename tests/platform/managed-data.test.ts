/**
 * The platform layer over managed data services, on the shipped stacks: the large tier's RDS gets
 * the in-cluster PgBouncer (tiers document, Large Deployments: PgBouncer, 2,000-5,000 connections),
 * and the apps get their connection URLs from whatever the cloud manages.
 */
import * as pulumi from "@pulumi/pulumi";
import { cloudLayer } from "../../components";
import { Platform } from "../../components/platform";
import { appEnv, behindPooler, postgresUrl, redisUrl } from "../../components/platform/app-env";
import type { StackConfig } from "../../config";
import { evaluatePolicies } from "../../plan/policy";
import { policyConfig } from "../../plan/policy-config";
import type { Registered } from "../../plan/mocks";
import { readStack } from "../../plan/stack";
import { policies } from "../../policies/list";
import { K8S, record, ofType, one } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";
import { stackConfig } from "../helpers/stacks";
import { resolved } from "../aws/helpers";

const PGBOUNCER = "platform:data:PgBouncer";
const T = K8S;

/**
 * The whole program of a stack (cloud layer and platform), as index.ts composes it, with the stack
 * file's config, whose `secure:` placeholders stand in for the secrets it reads (pager, off-site).
 */
function program(config: StackConfig, stack: string): Promise<Registered[]> {
  return record(() => {
    new Platform("platform", { config, cluster: cloudLayer(config) });
  }, readStack(stack).config);
}
const named = (rs: Registered[], type: string, name: string) =>
  ofType(rs, type).find((r) => r.inputs.metadata?.name === name);
const appSecret = (rs: Registered[], app: string) =>
  one(rs, T.secret, `platform-${app}-secret`).inputs.stringData as Record<string, string>;

describe("connection URLs for managed data services", () => {
  it("require TLS, escape credentials, and use rediss for the cache", () => {
    expect(
      postgresUrl({ host: "h", port: 5432, database: "app", user: "platform", password: "a/b@c" }),
    ).toBe("postgresql://platform:a%2Fb%40c@h:5432/app?sslmode=require");
    expect(redisUrl({ host: "cache", port: 6379, password: "p+q" })).toBe(
      "rediss://:p%2Bq@cache:6379",
    );
  });

  it("send writes through the pooler, reads to its read database over every replica (or the one replica, or the primary), and stay secrets", async () => {
    const database = { host: "rw", port: 5432, database: "app", user: "u", password: "p" };
    const pooled = appEnv({
      database: behindPooler(
        { ...database, readHosts: ["ro-1", "ro-2", "ro-3"] },
        { host: "pgbouncer.data.svc", port: 5432, readDatabase: "app_read" },
      ),
    });
    expect(await resolved(pooled.DATABASE_URL)).toBe(
      "postgresql://u:p@pgbouncer.data.svc:5432/app?sslmode=require",
    );
    expect(await resolved(pooled.DATABASE_READ_URL)).toBe(
      "postgresql://u:p@pgbouncer.data.svc:5432/app_read?sslmode=require",
    );
    const one = appEnv({ database: { ...database, readHosts: ["ro"] } });
    expect(await resolved(one.DATABASE_READ_URL)).toBe(
      "postgresql://u:p@ro:5432/app?sslmode=require",
    );
    // Several replicas and nothing to balance them: never name the first alone.
    expect(() => appEnv({ database: { ...database, readHosts: ["ro-1", "ro-2"] } })).toThrow(
      /one read endpoint/,
    );
    expect(await pulumi.isSecret(pooled.DATABASE_URL)).toBe(true);
    const direct = appEnv({ database });
    expect(await resolved(direct.DATABASE_URL)).toBe(
      "postgresql://u:p@rw:5432/app?sslmode=require",
    );
    expect(await resolved(direct.DATABASE_READ_URL)).toBe(
      "postgresql://u:p@rw:5432/app?sslmode=require",
    );
    expect(direct.REDIS_URL).toBeUndefined();
    expect(Object.keys(appEnv({}))).toEqual([]);
  });
});

describe("stack production-large (RDS behind PgBouncer)", () => {
  const config = stackConfig("production-large");
  let rs: Registered[];
  beforeAll(async () => {
    rs = await program(config, "production-large");
  }, 120000);

  it("registers the PgBouncer Deployment, Service, PodDisruptionBudget and NetworkPolicies in the data namespace", () => {
    expect(config.database).toMatchObject({
      mode: "managed",
      pooler: { enabled: true, maxClientConnections: 2000 },
    });
    expect(ofType(rs, PGBOUNCER)).toHaveLength(1);
    const deployment = named(rs, T.deployment, "pgbouncer")!.inputs;
    expect(deployment.metadata.namespace).toBe("data");
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(named(rs, T.service, "pgbouncer")!.inputs.spec.ports[0].port).toBe(5432);
    expect(named(rs, T.pdb, "pgbouncer")!.inputs.spec.maxUnavailable).toBe(1);
    const egress = named(rs, T.networkPolicy, "pgbouncer-egress")!.inputs.spec.egress;
    expect(egress[1].to).toEqual([{ ipBlock: { cidr: config.network.cidr } }]);
    expect(named(rs, T.networkPolicy, "pgbouncer-ingress")).toBeDefined();
  });

  it("configures the documented 2,000 client connections, in transaction mode, over the RDS database", () => {
    const ini: string = named(rs, T.configMap, "pgbouncer-config")!.inputs.data["pgbouncer.ini"];
    expect(ini).toMatch(/^max_client_conn = 2000$/m);
    expect(ini).toMatch(/^pool_mode = transaction$/m);
    expect(ini).toMatch(/^app = host=\S+\.rds\.amazonaws\.com port=5432 dbname=app$/m);
    // RDS max_connections 500, less 50 headroom, over 2 pods and one surge pod.
    expect(ini).toMatch(/^max_db_connections = 150$/m);
  });

  it("hands every app a DATABASE_URL through the pooler, and a DATABASE_READ_URL that balances the region's replicas", () => {
    for (const app of config.apps.map((a) => a.name)) {
      const env = appSecret(rs, app);
      expect(env.DATABASE_URL).toMatch(
        /^postgresql:\/\/platform:[^@]+@pgbouncer\.data\.svc:5432\/app\?sslmode=require$/,
      );
      expect(env.DATABASE_READ_URL).toMatch(
        /^postgresql:\/\/platform:[^@]+@pgbouncer\.data\.svc:5432\/app_read\?sslmode=require$/,
      );
    }
    const replicas = ofType(rs, "aws:rds/instance:Instance").filter(
      (r) => r.inputs.replicateSourceDb,
    );
    // Pulumi.production-large.yaml: two here, the third in production-large-ap.
    expect(replicas).toHaveLength(2);
    const ini: string = named(rs, T.configMap, "pgbouncer-config")!.inputs.data["pgbouncer.ini"];
    const read = /^app_read = host=(\S+) /m.exec(ini)![1].split(",");
    expect(read.sort()).toEqual(
      replicas.map((r) => `${r.inputs.identifier}.mock.rds.amazonaws.com`).sort(),
    );
  });

  it("registers only schema-valid Kubernetes objects and passes the policy pack", async () => {
    expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
    const violations = await evaluatePolicies(policies, rs, {
      config: policyConfig(config),
      enforcement: "mandatory",
      overrides: {},
      stackTags: { environment: "production", tier: "large" },
    });
    expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  });
});

describe("stack production (medium: RDS without pooler, ElastiCache)", () => {
  const config = stackConfig("production");
  let rs: Registered[];
  beforeAll(async () => {
    rs = await program(config, "production");
  }, 120000);

  it("runs no PgBouncer and sends DATABASE_URL straight to RDS", () => {
    expect(config.database.pooler.enabled).toBe(false);
    expect(ofType(rs, PGBOUNCER)).toEqual([]);
    expect(named(rs, T.deployment, "pgbouncer")).toBeUndefined();
    const env = appSecret(rs, "web");
    expect(env.DATABASE_URL).toMatch(
      /^postgresql:\/\/platform:[^@]+@\S+\.rds\.amazonaws\.com:5432\/app\?sslmode=require$/,
    );
    expect(env.DATABASE_URL).not.toContain("pgbouncer");
  });

  it("lets the apps reach the media bucket, and only it, through an IAM role on their service account", () => {
    const role = one(rs, "aws:iam/role:Role", "storage-media-writer");
    expect(role.inputs.assumeRolePolicy).toContain(
      `system:serviceaccount:${config.kubernetes.namespace}:*`,
    );
    const arnOf = (purpose: string) =>
      ofType(rs, "aws:s3/bucket:Bucket").find((b) => b.name.endsWith(`-${purpose}`))!;
    const policy = one(rs, "aws:iam/rolePolicy:RolePolicy", "storage-media-writer").inputs.policy;
    expect(policy).toContain(`bucket/${arnOf("media").name}`);
    expect(policy).not.toContain(`bucket/${arnOf("backup").name}`);
    for (const app of config.apps) {
      const account = ofType(rs, T.serviceAccount).find(
        (a) => a.inputs.metadata.name === app.name,
      )!;
      expect(account.inputs.metadata.annotations["eks.amazonaws.com/role-arn"]).toContain(
        "storage-media-writer",
      );
      const env = appSecret(rs, app.name);
      expect(env.S3_ENDPOINT).toBe(`https://s3.${config.region}.amazonaws.com`);
      expect(env.S3_BUCKET).toMatch(/media/);
      // No static keys exist on AWS: the role is the credential.
      expect(env.S3_ACCESS_KEY_ID).toBeUndefined();
    }
  });

  it("opens the managed database and cache ports from the apps, inside the VPC only", () => {
    const egress = named(rs, T.networkPolicy, "managed-data-egress")!.inputs;
    expect(egress.metadata.namespace).toBe(config.kubernetes.namespace);
    expect(egress.spec.egress).toEqual([
      {
        to: [{ ipBlock: { cidr: config.network.cidr } }],
        ports: [
          { protocol: "TCP", port: 5432 },
          { protocol: "TCP", port: 6379 },
        ],
      },
    ]);
  });

  it("hands the apps REDIS_URL to ElastiCache over TLS", () => {
    expect(config.cache.mode).toBe("managed");
    expect(appSecret(rs, "web").REDIS_URL).toMatch(
      /^rediss:\/\/:[^@]+@\S+\.cache\.amazonaws\.com:6379$/,
    );
  });
});

describe("stack production-do with the pooler on", () => {
  it("uses DigitalOcean's own PgBouncer pool instead of a second one in the cluster", async () => {
    const config = stackConfig("production-do", { database: { pooler: { enabled: true } } });
    const rs = await program(config, "production-do");
    expect(ofType(rs, PGBOUNCER)).toEqual([]);
    expect(
      ofType(rs, "digitalocean:index/databaseConnectionPool:DatabaseConnectionPool"),
    ).toHaveLength(1);
    const env = appSecret(rs, "web");
    expect(env.DATABASE_URL).toMatch(/sslmode=require$/);
    // Spaces: the apps' own key, the one granted the media bucket alone.
    expect(env.S3_ENDPOINT).toMatch(/^https:\/\/\w+\.digitaloceanspaces\.com$/);
    expect(env.S3_ACCESS_KEY_ID).toBeDefined();
    const appKey = one(rs, "digitalocean:index/spacesKey:SpacesKey", "storage-app-key");
    expect(appKey.inputs.grants.map((g: any) => g.bucket)).toEqual([env.S3_BUCKET]);
  }, 120000);
});
