import * as k8s from "@pulumi/kubernetes";
import * as fc from "fast-check";
import { parseStackConfig, type StackConfig } from "../../config";
import {
  PGBOUNCER_EXPORTER_IMAGE,
  PGBOUNCER_FILES,
  PGBOUNCER_IMAGE,
  PGBOUNCER_PORT,
  PGBOUNCER_STATS_USER,
  PgBouncer,
  type PgBouncerArgs,
  pgbouncerIni,
  pgbouncerParameters,
  pgbouncerPool,
  pgbouncerSettings,
  pgbouncerUserlist,
  readDatabaseLine,
  serverHeadroom,
} from "../../components/database";
import { OWN_EGRESS_LABEL } from "../../components/k8s";
import { evaluatePolicies } from "../../plan/policy";
import type { Registered } from "../../plan/mocks";
import { policies } from "../../policies/list";
import { K8S, record, ofType, one } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";

const T = {
  ...K8S,
  certificate: "kubernetes:cert-manager.io/v1:Certificate",
  podMonitor: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
};

const large: StackConfig = parseStackConfig({
  provider: "aws",
  tier: "large",
  region: "us-east-1",
  domain: "example.test",
  adminCidrs: ["203.0.113.0/24"],
  database: { mode: "managed" },
  objectStorage: { mode: "managed" },
  apps: [],
});
const server = { host: "db.example.internal", port: 5432, database: "app" };
const iniArgs = (over: { maxConnections?: number; serverCaFile?: string } = {}) => ({
  server,
  pooler: large.database.pooler,
  maxConnections: over.maxConnections ?? large.database.maxConnections,
  serverCaFile: over.serverCaFile,
});
/** The `key = value` lines of the [pgbouncer] section. */
const settingsOf = (ini: string) =>
  Object.fromEntries(
    ini
      .split("[pgbouncer]")[1]
      .trim()
      .split("\n")
      .map((l) => l.split(/ = ?/, 2)),
  );

describe("pgbouncer.ini for a managed server", () => {
  it("pools in transaction mode with the documented 2,000 client connections of the large tier", () => {
    expect(large.database.pooler).toMatchObject({ enabled: true, maxClientConnections: 2000 });
    const s = settingsOf(pgbouncerIni(iniArgs()));
    expect(s).toMatchObject({
      pool_mode: "transaction",
      max_client_conn: "2000",
      default_pool_size: "50",
      auth_type: "scram-sha-256",
      listen_port: String(PGBOUNCER_PORT),
      stats_users: PGBOUNCER_STATS_USER,
    });
  });

  it("takes the client limit, pool size and prepared statements from the Pooler's own parameters", () => {
    const s = pgbouncerSettings(iniArgs());
    for (const [key, value] of Object.entries(pgbouncerParameters(large.database.pooler)))
      expect({ key, value: s[key] }).toEqual({ key, value });
  });

  it("points its one database at the managed server, under the server's database name", () => {
    const ini = pgbouncerIni(iniArgs());
    expect(ini.split("\n").slice(0, 2)).toEqual([
      "[databases]",
      "app = host=db.example.internal port=5432 dbname=app",
    ]);
    expect(() => pgbouncerIni({ ...iniArgs(), server: { ...server, host: "a b" } })).toThrow(
      /plain name/,
    );
  });

  it("keeps the large tier's pods within RDS max_connections 500 less the headroom", () => {
    // 500 - 50 headroom over 3 pods (2 replicas and the rolling update's surge).
    expect(serverHeadroom(500)).toBe(50);
    expect(pgbouncerPool({ maxConnections: 500, replicas: 2, defaultPoolSize: 50 })).toEqual({
      maxDbConnections: 150,
      defaultPoolSize: 50,
      pods: 3,
    });
    expect(settingsOf(pgbouncerIni(iniArgs()))).toMatchObject({
      max_db_connections: "150",
      reserve_pool_size: "0",
    });
  });

  it("shrinks the pool when the configured size would not fit, and refuses an impossible budget", () => {
    expect(pgbouncerPool({ maxConnections: 100, replicas: 2, defaultPoolSize: 1000 })).toEqual({
      maxDbConnections: 30,
      defaultPoolSize: 30,
      pods: 3,
    });
    expect(() => pgbouncerPool({ maxConnections: 20, replicas: 10, defaultPoolSize: 5 })).toThrow(
      /raise database.maxConnections/,
    );
  });

  it("never lets every pod together open more server connections than max_connections less the headroom", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 5000 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 1000 }),
        (maxConnections, replicas, defaultPoolSize) => {
          const pool = pgbouncerPool({ maxConnections, replicas, defaultPoolSize });
          expect(pool.pods * pool.maxDbConnections).toBeLessThanOrEqual(
            maxConnections - serverHeadroom(maxConnections),
          );
          expect(pool.defaultPoolSize).toBeGreaterThanOrEqual(1);
          expect(pool.defaultPoolSize).toBeLessThanOrEqual(
            Math.min(defaultPoolSize, pool.maxDbConnections),
          );
        },
      ),
    );
  });

  it("holds for every schema-valid database section: max_connections from 20, two replicas", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 5000 }),
        fc.integer({ min: 10, max: 10000 }),
        fc.integer({ min: 1, max: 1000 }),
        (maxConnections, maxClientConnections, defaultPoolSize) => {
          const s = pgbouncerSettings({
            server,
            pooler: { maxClientConnections, defaultPoolSize },
            maxConnections,
          });
          expect(3 * Number(s.max_db_connections)).toBeLessThanOrEqual(
            maxConnections - serverHeadroom(maxConnections),
          );
          expect(Number(s.default_pool_size)).toBeLessThanOrEqual(Number(s.max_db_connections));
          expect(s.max_client_conn).toBe(String(maxClientConnections));
        },
      ),
    );
  });

  it("encrypts both legs with TLS 1.2+: clients required, server require or verify-full with a CA", () => {
    const plain = pgbouncerSettings(iniArgs());
    expect(plain).toMatchObject({
      client_tls_sslmode: "require",
      client_tls_cert_file: PGBOUNCER_FILES.tlsCert,
      client_tls_key_file: PGBOUNCER_FILES.tlsKey,
      client_tls_protocols: "secure",
      server_tls_sslmode: "require",
      server_tls_protocols: "secure",
    });
    expect(plain.server_tls_ca_file).toBeUndefined();
    const verified = pgbouncerSettings(iniArgs({ serverCaFile: "/etc/ssl/rds/global-bundle.pem" }));
    expect(verified).toMatchObject({
      server_tls_sslmode: "verify-full",
      server_tls_ca_file: "/etc/ssl/rds/global-bundle.pem",
    });
  });

  it("serves every read replica as one more database, <name>_read, each replica getting the primary's share", () => {
    const hosts = ["r1.example.internal", "r2.example.internal", "r3.example.internal"];
    const ini = pgbouncerIni({ ...iniArgs(), readHosts: hosts });
    const pool = pgbouncerPool({
      maxConnections: large.database.maxConnections,
      replicas: 2,
      defaultPoolSize: large.database.pooler.defaultPoolSize,
    });
    expect(readDatabaseLine({ ...iniArgs(), readHosts: hosts })).toBe(
      `app_read = host=${hosts.join(",")} port=5432 dbname=app ` +
        `pool_size=${pool.defaultPoolSize * 3} max_db_connections=${pool.maxDbConnections * 3}`,
    );
    expect(ini.split("[pgbouncer]")[0]).toContain("app_read = host=r1.example.internal,r2");
    // Idle server connections handed out in turn, and a refused login retried on the next host soon.
    expect(settingsOf(ini)).toMatchObject({ server_round_robin: "1", server_login_retry: "3" });
    // Without replicas: no read database, and the defaults stay.
    const plain = pgbouncerIni(iniArgs());
    expect(plain).not.toContain("_read");
    expect(settingsOf(plain).server_round_robin).toBeUndefined();
    expect(() => pgbouncerIni({ ...iniArgs(), readHosts: ["r1 evil=1"] })).toThrow(/read host/);
  });

  it("writes the user list with PgBouncer's quoting", () => {
    expect(
      pgbouncerUserlist([
        { name: "platform", password: "p4ss" },
        { name: 'we"ird', password: 'a"b' },
      ]),
    ).toBe('"platform" "p4ss"\n"we""ird" "a""b"\n');
  });
});

const facts = {
  host: "db.example.internal",
  readHosts: ["db-replica-1.example.internal", "db-replica-2.example.internal"],
  port: 5432,
  database: "app",
  user: "platform",
  password: "server-password",
};
const args = (over: Partial<PgBouncerArgs> = {}): PgBouncerArgs => ({
  database: large.database,
  server: facts,
  namespace: "data",
  appsNamespace: "platform",
  monitoringNamespace: "monitoring",
  pools: ["app", "db"],
  serverNetworks: ["10.0.0.0/16"],
  certManager: [],
  ...over,
});
const build = (a: PgBouncerArgs) => () => {
  new PgBouncer("pgbouncer", a, { provider: new k8s.Provider("cluster", {}) });
};

describe("PgBouncer component", () => {
  let rs: Registered[];
  beforeAll(async () => {
    rs = await record(build(args()));
  });

  it("runs two pinned PgBouncer pods with an exporter, spread across the db pool's nodes", () => {
    const d = one(rs, T.deployment).inputs;
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    const pod = d.spec.template.spec;
    expect(pod.containers.map((c: any) => c.image)).toEqual([
      PGBOUNCER_IMAGE,
      PGBOUNCER_EXPORTER_IMAGE,
    ]);
    for (const image of [PGBOUNCER_IMAGE, PGBOUNCER_EXPORTER_IMAGE])
      expect(image).toMatch(/:v?\d+\.\d+\.\d+$/);
    expect(pod.nodeSelector).toEqual({ "platform/role": "db" });
    expect(pod.topologySpreadConstraints.map((t: any) => t.topologyKey)).toContain(
      "kubernetes.io/hostname",
    );
    expect(pod.containers[0].command).toEqual(["pgbouncer", PGBOUNCER_FILES.ini]);
  });

  it("runs restricted: non-root, read-only root, no capabilities, RuntimeDefault seccomp, limits and tcp probes", () => {
    const pod = one(rs, T.deployment).inputs.spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      });
      expect(Object.keys(c.resources.requests).sort()).toEqual(["cpu", "memory"]);
      expect(Object.keys(c.resources.limits).sort()).toEqual(["cpu", "memory"]);
      expect(c.readinessProbe.tcpSocket).toBeDefined();
      expect(c.livenessProbe.tcpSocket).toBeDefined();
    }
    expect(pod.containers[0].readinessProbe.tcpSocket.port).toBe("pgbouncer");
  });

  it("renders pgbouncer.ini into a ConfigMap and keeps the credentials in a Secret only", () => {
    const ini = one(rs, T.configMap).inputs.data["pgbouncer.ini"];
    expect(ini).toBe(
      pgbouncerIni({
        server,
        readHosts: facts.readHosts,
        pooler: large.database.pooler,
        maxConnections: large.database.maxConnections,
      }),
    );
    expect(ini).not.toContain("server-password");
    const secret = one(rs, T.secret).inputs.stringData;
    expect(secret["userlist.txt"]).toMatch(/^"platform" "server-password"\n"pgbouncer_exporter" /);
    expect(secret["exporter-dsn"]).toMatch(
      /^postgres:\/\/pgbouncer_exporter:x+@localhost:6432\/pgbouncer\?sslmode=require$/,
    );
    const volumes = one(rs, T.deployment).inputs.spec.template.spec.volumes;
    expect(volumes.find((v: any) => v.name === "auth").secret.defaultMode).toBe(0o440);
  });

  it("serves clients on 5432 through a Service and keeps one pod up in a drain", () => {
    const svc = one(rs, T.service).inputs;
    expect(svc.spec.type).toBe("ClusterIP");
    expect(svc.spec.ports[0]).toMatchObject({ port: 5432, targetPort: "pgbouncer" });
    const pdb = one(rs, T.pdb).inputs;
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(
      one(rs, T.deployment).inputs.spec.selector.matchLabels,
    );
  });

  it("admits only the apps (PgBouncer) and monitoring (exporter), and reaches only DNS and the database port", () => {
    const policies = ofType(rs, T.networkPolicy).map((p) => p.inputs);
    const ingress = policies.find((p) => p.spec.policyTypes[0] === "Ingress")!;
    expect(ingress.spec.ingress).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "platform" } } },
        ],
        ports: [{ protocol: "TCP", port: PGBOUNCER_PORT }],
      },
      {
        from: [
          { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
        ],
        ports: [{ protocol: "TCP", port: 9127 }],
      },
    ]);
    const egress = policies.find((p) => p.spec.policyTypes[0] === "Egress")!;
    expect(egress.spec.egress.flatMap((e: any) => e.ports.map((p: any) => p.port))).toEqual([
      53, 53, 5432,
    ]);
    expect(egress.spec.egress[1].to).toEqual([{ ipBlock: { cidr: "10.0.0.0/16" } }]);
    // The namespace baseline (HTTPS anywhere) skips pods with their own egress policy.
    const labels = one(rs, T.deployment).inputs.spec.template.metadata.labels;
    expect(labels[OWN_EGRESS_LABEL]).toBe("own");
  });

  it("gets its client certificate from cert-manager, renewed a month before expiry", () => {
    const cert = one(rs, T.certificate).inputs.spec;
    expect(cert).toMatchObject({ secretName: "pgbouncer-tls", renewBefore: "720h" });
    expect(cert.dnsNames).toContain("pgbouncer.data.svc");
  });

  it("registers only schema-valid Kubernetes objects that pass every policy of the pack", async () => {
    expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
    const violations = await evaluatePolicies(policies, rs, {
      config: {},
      enforcement: "mandatory",
      overrides: {},
      stackTags: { environment: "production", tier: "large" },
    });
    // Alone, the component installs no monitoring stack; the stack tests plan the whole program.
    expect(violations.filter((v) => v.policy !== "stack-monitoring-require-alerting")).toEqual([]);
  });

  it("adds a PodMonitor only when the monitoring stack is there to own its CRD", async () => {
    expect(ofType(rs, T.podMonitor)).toEqual([]);
    const monitored = await record(() => {
      const provider = new k8s.Provider("cluster", {});
      const monitoring = new k8s.core.v1.Namespace("monitoring", {}, { provider });
      new PgBouncer("pgbouncer", args({ monitoring: [monitoring] }), { provider });
    });
    expect(one(monitored, T.podMonitor).inputs.spec.podMetricsEndpoints).toEqual([
      { port: "metrics" },
    ]);
  });

  it("refuses a self-hosted database, a disabled pooler, a single pod or too few server connections, naming the key", () => {
    const pathOf = (a: PgBouncerArgs) => {
      try {
        new PgBouncer("p", a);
      } catch (e) {
        return (e as { propertyPath?: string }).propertyPath;
      }
      return undefined;
    };
    const selfHosted = { ...large.database, mode: "self-hosted" as const };
    expect(pathOf(args({ database: selfHosted }))).toBe("database");
    const off = { ...large.database, pooler: { ...large.database.pooler, enabled: false } };
    expect(pathOf(args({ database: off }))).toBe("database");
    expect(pathOf(args({ replicas: 1 }))).toBe("replicas");
    expect(
      pathOf(args({ database: { ...large.database, maxConnections: 20 }, replicas: 10 })),
    ).toBe("database.maxConnections");
  });
});
