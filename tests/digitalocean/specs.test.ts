import fc from "fast-check";
import { machineByName, PROFILES, resolveProfile } from "../../catalog";
import { retentionPlan } from "../../components/backups/retention";
import { bucketLifecycle, spacesBucketName } from "../../components/digitalocean/buckets";
import { doksVersion } from "../../components/digitalocean/doks";
import { gatewayAnnotations } from "../../components/digitalocean/load-balancer";
import {
  cacheNodes,
  cachePlan,
  databasePlan,
  workMemMb,
} from "../../components/digitalocean/managed-data-sizing";
import { nodeFirewallRules } from "../../components/digitalocean/node-firewall";
import { nodePoolSpecs, poolRoles } from "../../components/digitalocean/node-pools";
import { corsOrigins, uptimeTargets } from "../../components/digitalocean/public-hosts";
import { databaseStandbys, gatewaySizeUnits } from "../../components/digitalocean/redundancy";
import { dailyTime } from "../../components/kit/schedule";
import { smarthostPort } from "../../components/kit/smarthost";
import { stackConfig } from "../helpers/stacks";

const staging = stackConfig("staging");
const productionDo = stackConfig("production-do");

describe("names", () => {
  // The physical-name rule itself: tests/kit/naming.test.ts.
  it("gives Spaces buckets global names that start with the stack's own domain", () => {
    const name = spacesBucketName("staging.example.com", "staging", "media");
    expect(name).toBe("staging-example-com-staging-media");
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
  });
});

// The VPC range, the default pool and the managed cache size are config rules:
// tests/config/gate.test.ts.

describe("node firewall", () => {
  const internet = (a: string) => a === "0.0.0.0/0" || a === "::/0";
  const cidr = fc
    .tuple(
      fc.integer({ min: 1, max: 223 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 8, max: 32 }),
    )
    .map(([a, b, p]) => `${a}.${b}.0.0/${p}`);

  it("admits from the internet only TCP 80 and 443, and SSH only from the admin networks", () => {
    fc.assert(
      fc.property(fc.array(cidr, { maxLength: 4 }), (adminCidrs) => {
        const { inbound } = nodeFirewallRules("10.10.0.0/16", adminCidrs);
        for (const rule of inbound) {
          if (rule.addresses.some(internet)) {
            expect(rule.protocol).toBe("tcp");
            expect(["80", "443"]).toContain(rule.portRange);
          }
        }
        const ssh = inbound.filter((r) => r.portRange === "22");
        if (adminCidrs.length === 0) expect(ssh).toEqual([]);
        else expect(ssh).toEqual([{ protocol: "tcp", portRange: "22", addresses: adminCidrs }]);
        // Postgres, Redis and DigitalOcean's managed database ports stay inside the VPC.
        for (const port of [5432, 6379, 25060, 25061]) {
          const open = inbound.filter((r) => {
            const [from, to = from] = (r.portRange ?? "0").split("-").map(Number);
            return r.protocol !== "icmp" && from <= port && port <= to;
          });
          for (const r of open) expect(r.addresses).toEqual(["10.10.0.0/16"]);
        }
      }),
    );
  });

  it("lets traffic out only to the VPC, HTTP/HTTPS, DNS, NTP and the alert mail relay", () => {
    const { outbound } = nodeFirewallRules(
      "10.0.0.0/16",
      [],
      smarthostPort("smtp.example.com:587"),
    );
    const publicPorts = outbound
      .filter((r) => r.addresses.some(internet))
      .map((r) => `${r.protocol}/${r.portRange}`)
      .sort();
    expect(publicPorts).toEqual(["tcp/443", "tcp/53", "tcp/587", "tcp/80", "udp/123", "udp/53"]);
    expect(smarthostPort("smtp.example.com")).toBeUndefined();
  });
});

describe("node pools", () => {
  it("sizes staging to the documented 3 nodes of 2 vCPU / 4 GB (k8s-staging-node), autoscaling off", () => {
    const [app, ...others] = nodePoolSpecs(staging);
    expect(others).toEqual([]);
    expect(app).toMatchObject({ role: "app", size: "s-2vcpu-4gb", nodeCount: 3, autoScale: false });
    const type = machineByName("digitalocean", app.size)!;
    expect([type.vcpu, type.memoryGb]).toEqual([2, 4]);
    expect(app.labels).toEqual({ "platform/role": "app" });
    expect(app.taints).toEqual([]);
  });

  it("scales the medium app pool 3..10 on nodes of at least 4 vCPU / 16 GB", () => {
    const [app] = nodePoolSpecs(productionDo);
    expect(app).toMatchObject({ autoScale: true, minNodes: 3, maxNodes: 10, nodeCount: 3 });
    const type = machineByName("digitalocean", app.size)!;
    expect(type.vcpu).toBeGreaterThanOrEqual(PROFILES["medium-app"].vcpu);
    expect(type.memoryGb).toBeGreaterThanOrEqual(PROFILES["medium-app"].memoryGb);
  });

  it("gives the self-hosted database its own tainted pool of the documented 8 vCPU / 32 GB", () => {
    const selfHosted = stackConfig("production-do", {
      database: { mode: "self-hosted" },
      cache: { mode: "self-hosted" },
    });
    const db = nodePoolSpecs(selfHosted).find((p) => p.role === "db")!;
    expect(db.size).toBe(resolveProfile("digitalocean", "medium-db").type.name);
    expect(db.taints).toEqual([{ key: "platform/role", value: "db", effect: "NoSchedule" }]);
    expect(db.autoScale).toBe(false);
  });

  it("leaves out the database pool when Postgres and Valkey are both managed", () => {
    expect(productionDo.nodePools.db).toBeDefined();
    expect(poolRoles(productionDo)).toEqual(["app"]);
    const cacheInCluster = stackConfig("production-do", { cache: { mode: "self-hosted" } });
    expect(poolRoles(cacheInCluster)).toEqual(["app", "db"]);
  });
});

describe("DOKS version", () => {
  it("uses the newest DOKS release of the configured minor", () => {
    const found = { latestVersion: "1.33.4-do.1", validVersions: ["1.33.4-do.1", "1.33.1-do.0"] };
    expect(doksVersion("1.33", found)).toBe("1.33.4-do.1");
  });

  it("falls back to the minor when the lookup only echoes its inputs (offline plan)", () => {
    expect(doksVersion("1.33", { versionPrefix: "1.33." } as never)).toBe("1.33");
  });

  it("stops when DigitalOcean no longer offers the minor", () => {
    expect(() => doksVersion("1.28", { latestVersion: "", validVersions: [] })).toThrow(
      /no 1\.28\.x/,
    );
  });
});

describe("gateway load balancer", () => {
  it("passes TLS through to the gateway with the client's address in PROXY protocol, and sizes 1 unit (staging) or 2", () => {
    const a = gatewayAnnotations("lb", gatewaySizeUnits(staging));
    const p = "service.beta.kubernetes.io/do-loadbalancer";
    expect(a[`${p}-tls-passthrough`]).toBe("true");
    expect(a[`${p}-tls-ports`]).toBe("443");
    expect(a[`${p}-enable-proxy-protocol`]).toBe("true");
    expect(a[`${p}-certificate-id`]).toBeUndefined();
    expect(a[`${p}-size-unit`]).toBe("1");
    expect(gatewayAnnotations("lb", gatewaySizeUnits(productionDo))[`${p}-size-unit`]).toBe("2");
    // The gateway's HTTP listener redirects, so cert-manager's HTTP-01 challenge still reaches it.
    expect(a[`${p}-redirect-http-to-https`]).toBe("false");
    expect(a[`${p}-protocol`]).toBe("tcp");
  });
});

describe("managed data services", () => {
  it("runs a standby in production only", () => {
    expect(databaseStandbys(productionDo)).toBe(1);
    expect(databaseStandbys(stackConfig("staging", { database: { mode: "managed" } }))).toBe(0);
  });

  it("picks a Postgres plan with the profile's memory and the configured storage included", () => {
    const plan = databasePlan(productionDo);
    expect(plan.type.memoryGb).toBeGreaterThanOrEqual(PROFILES["small-db"].memoryGb);
    expect(plan.type.diskGb).toBeGreaterThanOrEqual(productionDo.database.storageGb);
    expect([plan.standbys, plan.readReplicas]).toEqual([1, productionDo.database.replicas]);
  });

  it("runs Valkey with the configured memory on the primary and its standbys, at most two", () => {
    const plan = cachePlan(productionDo);
    expect(plan.type.memoryGb * 1024).toBeGreaterThanOrEqual(productionDo.cache.memoryMb);
    expect(cacheNodes(productionDo)).toBe(1 + productionDo.cache.replicas);
  });

  it("takes DigitalOcean's daily backup at the documented 2 AM UTC, and only from a daily schedule", () => {
    expect(dailyTime(productionDo.backups.schedule)).toEqual({ hour: 2, minute: 0 });
    expect(dailyTime("30 3 * * 0")).toBeUndefined();
    expect(dailyTime("0 */6 * * *")).toBeUndefined();
  });

  it("tunes work_mem like the self-hosted server: 16 MB for an 8 GB server at 200 connections", () => {
    expect(workMemMb(8, 200)).toBe(16);
  });
});

describe("buckets", () => {
  const [media, backup] = staging.objectStorage.buckets;

  it("keeps previous versions 30 days and drops unfinished uploads after 7 on every bucket", () => {
    for (const bucket of [media, backup]) {
      const [versions] = bucketLifecycle(bucket, staging.backups);
      expect(versions).toMatchObject({
        enabled: true,
        noncurrentVersionExpiration: { days: 30 },
        abortIncompleteMultipartUploadDays: 7,
      });
      expect(versions.prefix).toBeUndefined();
    }
  });

  it("expires each database dump tier of the backup bucket at its lifetime", () => {
    const tiers = retentionPlan(productionDo.backups).filter((t) => t.keep > 0);
    const rules = bucketLifecycle(backup, productionDo.backups).slice(1);
    expect(rules.map((r) => [r.prefix, r.expiration?.days])).toEqual(
      tiers.map((t) => [t.prefix, t.expireDays]),
    );
    expect(bucketLifecycle(media, productionDo.backups)).toHaveLength(1);
  });

  it("allows browsers from the stack's public hosts only", () => {
    expect(corsOrigins(staging).sort()).toEqual([
      "https://auth.staging.example.com",
      "https://graphql.staging.example.com",
      "https://staging.example.com",
    ]);
  });
});

describe("uptime checks", () => {
  it("probe https://<domain> and each public app host once, not internal apps", () => {
    const config = stackConfig("staging", {
      apps: [
        { name: "web", image: "r/web:1.0.0", port: 3000 },
        { name: "api", image: "r/api:1.0.0", port: 8080, host: "api" },
        { name: "worker", image: "r/worker:1.0.0", port: 9000, host: "worker", public: false },
      ],
    });
    expect(uptimeTargets(config)).toEqual([
      "https://staging.example.com",
      "https://api.staging.example.com",
    ]);
  });
});
