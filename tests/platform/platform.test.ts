import * as k8s from "@pulumi/kubernetes";
import { parseStackConfig } from "../../config";
import { Platform, sharedDatabaseNode } from "../../components/platform";
import { dataPlacement } from "../../components/platform/data";
import { record, ofType } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";

const local = parseStackConfig({
  provider: "existing",
  tier: "local",
  region: "local",
  domain: "example.test",
  apps: [{ name: "api", image: "registry.example.com/api:1.0.0", port: 3000 }],
});

const build = () => {
  const provider = new k8s.Provider("cluster", {});
  return new Platform("platform", {
    config: local,
    cluster: { provider, pools: [], storageClass: "" },
  });
};

describe("Platform", () => {
  it("stands up every documented part: gateway, Postgres, Valkey, MinIO, monitoring, logs, backups, apps", async () => {
    const rs = await record(build);
    const components = new Set(rs.filter((r) => !r.custom).map((r) => r.type));
    for (const type of [
      "platform:gateway:Gateway",
      "platform:data:Postgres",
      "platform:data:Valkey",
      "platform:data:MinIO",
      "platform:observability:Monitoring",
      "platform:observability:Logging",
      "platform:data:Backups",
      "platform:apps:App",
    ])
      expect(components).toContain(type);
  });

  it("hands the apps their database, cache and object storage connections as secrets", async () => {
    const rs = await record(build);
    const secret = ofType(rs, "kubernetes:core/v1:Secret").find(
      (s) => s.name === "platform-api-secret",
    )!;
    expect(Object.keys(secret.inputs.stringData)).toEqual(
      expect.arrayContaining([
        "JWT_SECRET",
        "DATABASE_URL",
        "REDIS_URL",
        "S3_ENDPOINT",
        "S3_SECRET_ACCESS_KEY",
      ]),
    );
  });

  it("registers only built-in Kubernetes objects that are valid against the Kubernetes schema", async () => {
    const rs = await record(build);
    expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
    expect(rs.filter((r) => r.type.startsWith("kubernetes:apps/v1")).length).toBeGreaterThanOrEqual(
      3,
    );
  });

  it("denies traffic by default in every namespace it creates, and never lets pods reach the metadata service", async () => {
    const rs = await record(build);
    const namespaces = ofType(rs, "kubernetes:core/v1:Namespace").map(
      (n) => n.inputs.metadata.name,
    );
    const denies = ofType(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter(
      (p) => p.inputs.metadata.name === "default-deny",
    );
    expect(denies.map((d) => d.inputs.metadata.namespace).sort()).toEqual([...namespaces].sort());
    const baseline = ofType(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find(
      (p) => p.inputs.metadata.name === "egress-baseline",
    )!;
    const external = baseline.inputs.spec.egress.find((e: any) => e.to[0].ipBlock);
    expect(external.to[0].ipBlock.except).toEqual(["169.254.169.254/32"]);
  });

  it("splits a shared database node between primary and replica so both can be scheduled", () => {
    const medium = parseStackConfig({
      provider: "aws",
      tier: "medium",
      region: "us-east-1",
      domain: "example.test",
    });
    expect(medium.nodePools.db?.desired).toBe(1);
    expect(sharedDatabaseNode(medium)).toMatchObject({ memoryGb: 16, vcpu: 4 }); // 32 GB / 8 vCPU for two
    const large = parseStackConfig({
      provider: "aws",
      tier: "large",
      region: "us-east-1",
      domain: "example.test",
    });
    expect(sharedDatabaseNode(large)).toMatchObject({ memoryGb: 32, vcpu: 8 }); // 4 instances on 3 nodes
    expect(sharedDatabaseNode(local)).toBe(local.database); // no database pool: nothing to share
  });

  it("reads each data service's mode once: self-hosted from the config, managed where the cloud handed the service over, else none", () => {
    const provider = new k8s.Provider("placement", {});
    const cluster = { provider, pools: [], storageClass: "" };
    expect(dataPlacement(local, cluster)).toEqual({
      database: { mode: "self-hosted" },
      cache: { mode: "self-hosted" },
      objectStorage: { mode: "self-hosted" },
    });
    const server = { host: "rw", port: 5432, database: "app", user: "u", password: "p" };
    const managed = { ...local, database: { ...local.database, mode: "managed" as const } };
    expect(dataPlacement(managed, { ...cluster, managed: { database: server } }).database).toEqual({
      mode: "managed",
      server,
    });
    expect(dataPlacement(managed, cluster).database).toEqual({ mode: "none" });
    const none = { ...local, database: { ...local.database, mode: "none" as const } };
    expect(dataPlacement(none, cluster).database).toEqual({ mode: "none" });
  });
});
