/**
 * The generated postgresql.conf, run by the real Debian `postgres`: a primary with TLS and the
 * documented extensions, and a streaming replica made with `pg_basebackup -R` (self-hosted §6.2).
 * Memory is scaled down to 2 GB so two servers start on a test machine; the documented 32 GB and
 * 8 GB values are parsed by the same binary with `postgres -C`, which reads and checks a
 * configuration without starting a server.
 */
import * as fs from "fs";
import * as path from "path";
import {
  POSTGRES_EXTENSIONS,
  postgresParameters,
  renderPostgresConf,
} from "../../components/database/tuning";
import {
  LOOPBACK,
  RunAs,
  ServerHandle,
  freePort,
  makeTempDir,
  postgresBinDir,
  removeDir,
  requireProgram,
  run,
  runAsUser,
  runOk,
  startServer,
  waitFor,
  writeFileAs,
} from "../helpers/real-programs";
import { stackConfig } from "../helpers/stacks";
import { sharedDatabaseNode } from "../../components/platform";

const bin = postgresBinDir();
const program = (name: string) => requireProgram(name, "postgresql", [bin]);
const as: RunAs | undefined = runAsUser("postgres");
const PG_TIMEOUT_MS = 20000;

let work: string | undefined;
let primary: ServerHandle | undefined;
let replica: ServerHandle | undefined;
let primaryPort = 0;
let replicaPort = 0;
let params: Record<string, string> = {};

function psql(port: number, sql: string, extra: string[] = []) {
  return run(
    program("psql"),
    [
      "-X",
      "-A",
      "-t",
      "-v",
      "ON_ERROR_STOP=1",
      "-h",
      LOOPBACK,
      "-p",
      String(port),
      "-U",
      "postgres",
      "-d",
      "postgres",
      ...extra,
      "-c",
      sql,
    ],
    { as, cwd: work, timeoutMs: 10000 },
  );
}

async function query(port: number, sql: string): Promise<string> {
  const result = await psql(port, sql);
  if (result.code !== 0) throw new Error(`${sql}: ${result.stderr}`);
  return result.stdout.trim();
}

function serverArgs(dataDir: string, port: number, socketDir: string): string[] {
  // Only where to listen is given on the command line; every tuned parameter comes from the file.
  return [
    "-D",
    dataDir,
    "-c",
    `port=${port}`,
    "-c",
    `listen_addresses=${LOOPBACK}`,
    "-c",
    `unix_socket_directories=${socketDir}`,
  ];
}

async function startPostgres(
  dataDir: string,
  port: number,
  socketDir: string,
): Promise<ServerHandle> {
  return startServer(
    program("postgres"),
    serverArgs(dataDir, port, socketDir),
    async () =>
      (
        await run(program("pg_isready"), ["-h", LOOPBACK, "-p", String(port)], {
          as,
          cwd: work,
          timeoutMs: 5000,
        })
      ).code === 0,
    { as, cwd: work, timeoutMs: PG_TIMEOUT_MS },
  );
}

beforeAll(async () => {
  work = makeTempDir("pg-generated-", as);
  const tls = path.join(work, "tls");
  fs.mkdirSync(tls, { mode: 0o700 });
  // A self-signed certificate for 127.0.0.1, so the generated `ssl = on` is exercised for real.
  await runOk(
    requireProgram("openssl", "openssl"),
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-keyout",
      path.join(tls, "server.key"),
      "-out",
      path.join(tls, "server.crt"),
    ],
    { cwd: tls },
  );
  fs.chmodSync(path.join(tls, "server.key"), 0o600);
  if (as)
    for (const f of ["", "server.key", "server.crt"])
      fs.chownSync(path.join(tls, f), as.uid, as.gid);

  params = postgresParameters(2, {
    maxConnections: 100,
    ssl: { certFile: path.join(tls, "server.crt"), keyFile: path.join(tls, "server.key") },
  });
  const conf = renderPostgresConf(params);

  const primaryDir = path.join(work, "primary");
  await runOk(
    program("initdb"),
    [
      "-D",
      primaryDir,
      "-U",
      "postgres",
      "--auth=trust",
      "--encoding=UTF8",
      "--no-sync",
      "--no-instructions",
    ],
    {
      as,
      cwd: work,
      timeoutMs: PG_TIMEOUT_MS,
    },
  );
  writeFileAs(path.join(primaryDir, "postgresql.conf"), conf, as, 0o600);
  primaryPort = await freePort();
  primary = await startPostgres(primaryDir, primaryPort, work);

  // Streaming replica as in self-hosted §6.2: base backup with -R (standby.signal and
  // primary_conninfo) through a replication slot, then the same generated parameters.
  const replicaDir = path.join(work, "replica");
  await runOk(
    program("pg_basebackup"),
    [
      "-h",
      LOOPBACK,
      "-p",
      String(primaryPort),
      "-U",
      "postgres",
      "-D",
      replicaDir,
      "-R",
      "-X",
      "stream",
      "-C",
      "-S",
      "replica_1",
      "--checkpoint=fast",
      "--no-sync",
    ],
    { as, cwd: work, timeoutMs: PG_TIMEOUT_MS },
  );
  writeFileAs(path.join(replicaDir, "postgresql.conf"), conf, as, 0o600);
  replicaPort = await freePort();
  replica = await startPostgres(replicaDir, replicaPort, work);
}, 60000);

afterAll(async () => {
  // SIGINT is Postgres' fast shutdown; stop() falls back to SIGKILL after the bound.
  await replica?.stop("SIGINT", 10000);
  await primary?.stop("SIGINT", 10000);
  removeDir(work);
}, 30000);

function inUnit(value: string, unit: string | null): number {
  const m = /^(\d+(?:\.\d+)?)(kB|MB|GB|TB|ms|s|min|h|d)?$/.exec(value);
  if (!m) throw new Error(`cannot read ${value}`);
  const scale: Record<string, number> = {
    kB: 1,
    MB: 1024,
    GB: 1024 ** 2,
    TB: 1024 ** 3,
    ms: 1,
    s: 1000,
    min: 60000,
    h: 3600000,
    d: 86400000,
  };
  const base = unit === "8kB" ? 8 : unit ? scale[unit] : 1;
  return (Number(m[1]) * (m[2] ? scale[m[2]] : base)) / base;
}

describe("generated postgresql.conf on the real postgres", () => {
  it("loads every generated parameter from the file with the generated value", async () => {
    for (const [name, value] of Object.entries(params)) {
      const row = await query(
        primaryPort,
        `SELECT setting || '|' || COALESCE(unit, '') || '|' || source FROM pg_settings WHERE name = '${name}'`,
      );
      const [setting, unit, source] = row.split("|");
      expect({ name, source }).toEqual({ name, source: "configuration file" });
      if (unit)
        expect({ name, setting: Number(setting) }).toEqual({ name, setting: inUnit(value, unit) });
      else expect({ name, setting }).toEqual({ name, setting: value });
    }
  });

  it("shows the memory settings exactly as generated", async () => {
    for (const name of [
      "shared_buffers",
      "effective_cache_size",
      "work_mem",
      "maintenance_work_mem",
      "wal_buffers",
    ])
      expect({ name, shown: await query(primaryPort, `SHOW ${name}`) }).toEqual({
        name,
        shown: params[name],
      });
    expect(params.shared_buffers).toBe("512MB");
  });

  it("creates every documented extension, with pg_stat_statements collecting (preloaded)", async () => {
    for (const ext of POSTGRES_EXTENSIONS)
      await query(primaryPort, `CREATE EXTENSION IF NOT EXISTS "${ext}"`);
    const installed = (
      await query(primaryPort, "SELECT extname FROM pg_extension ORDER BY extname")
    ).split("\n");
    expect(installed).toEqual(expect.arrayContaining([...POSTGRES_EXTENSIONS]));
    expect(
      Number(await query(primaryPort, "SELECT count(*) FROM pg_stat_statements")),
    ).toBeGreaterThan(0);
    expect(
      await query(
        primaryPort,
        "SELECT length(gen_random_uuid()::text) + length(uuid_generate_v4()::text)",
      ),
    ).toBe("72");
  });

  it("serves clients over TLS 1.2 or newer with the generated certificate settings", async () => {
    const viaTls = await run(
      program("psql"),
      [
        "-X",
        "-A",
        "-t",
        "-F",
        " ",
        "-c",
        "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        `host=${LOOPBACK} port=${primaryPort} user=postgres dbname=postgres sslmode=require`,
      ],
      { as, cwd: work, timeoutMs: 10000 },
    );
    expect(viaTls.stderr).toBe("");
    expect(viaTls.stdout.trim()).toMatch(/^t TLSv1\.[23]$/);
  });

  it("streams a row written on the primary to the replica, which refuses writes", async () => {
    expect(await query(replicaPort, "SELECT pg_is_in_recovery()")).toBe("t");
    expect(await query(replicaPort, "SHOW shared_buffers")).toBe(params.shared_buffers);
    // The replica's WAL receiver attaches to the slot shortly after it starts.
    const slot = await waitFor("the replica on its slot", async () => {
      const row = await query(
        primaryPort,
        "SELECT slot_name || ':' || active FROM pg_replication_slots",
      );
      return row === "replica_1:true" ? row : undefined;
    });
    expect(slot).toBe("replica_1:true");

    const token = `row-${process.pid}-${Date.now()}`;
    await query(
      primaryPort,
      "CREATE TABLE IF NOT EXISTS replication_check (token text PRIMARY KEY)",
    );
    await query(primaryPort, `INSERT INTO replication_check VALUES ('${token}')`);
    const seen = await waitFor(
      "the row on the replica",
      async () => {
        const r = await psql(
          replicaPort,
          `SELECT token FROM replication_check WHERE token = '${token}'`,
        );
        return r.code === 0 && r.stdout.trim() === token ? token : undefined;
      },
      15000,
    );
    expect(seen).toBe(token);

    const write = await psql(replicaPort, "INSERT INTO replication_check VALUES ('from-replica')");
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/cannot execute INSERT in a read-only transaction/);
  });
});

describe("documented configurations parsed by the real postgres", () => {
  let confDir: string | undefined;
  beforeAll(() => {
    confDir = makeTempDir("pg-conf-", as);
  });
  afterAll(() => removeDir(confDir));

  async function configured(conf: string, name: string): Promise<string> {
    writeFileAs(path.join(confDir!, "postgresql.conf"), conf, as, 0o600);
    const result = await run(program("postgres"), ["-D", confDir!, "-C", name], {
      as,
      cwd: confDir,
      timeoutMs: 10000,
    });
    if (result.code !== 0) throw new Error(`postgres -C ${name}: ${result.stderr}`);
    return result.stdout.trim();
  }

  // What production-hetzner's instances get: their share of the design's 64 GB database node.
  const hetzner = sharedDatabaseNode(stackConfig("production-hetzner"));

  it.each([
    ["self-hosted §5.1, 32 GB", 32, 200],
    ["production-hetzner instance", hetzner.memoryGb, hetzner.maxConnections],
    ["tiers document small/medium, 8 GB with 200 connections", 8, 200],
    ["large tier, 64 GB with 500 connections", 64, 500],
  ])("accepts every value of the %s configuration", async (_label, memoryGb, maxConnections) => {
    const p = postgresParameters(memoryGb, { maxConnections });
    const conf = renderPostgresConf(p);
    const mismatches: string[] = [];
    for (const [name, value] of Object.entries(p)) {
      const shown = await configured(conf, name);
      // `postgres -C` prints memory as a plain number in the parameter's own unit (kB or 8kB pages).
      const accepted = /^\d+(MB|GB)$/.test(value)
        ? [inUnit(value, "kB"), inUnit(value, "8kB")].map(String)
        : [value];
      if (!accepted.includes(shown))
        mismatches.push(`${name}: generated ${value}, postgres read ${shown}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("reads back quoted values with quotes and backslashes unchanged", async () => {
    const tricky = "it's a \\ path, with spaces";
    const conf = renderPostgresConf({ ...postgresParameters(2), "platform.check": tricky });
    expect(await configured(conf, "platform.check")).toBe(tricky);
  });
});
