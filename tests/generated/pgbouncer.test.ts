/**
 * The generated pgbouncer.ini, run by the real Debian `pgbouncer` in front of a real `postgres`
 * that, like RDS with rds.force_ssl=1, accepts only TLS and SCRAM. Only where to listen and where
 * the files are is rewritten (to 127.0.0.1 and a temp dir); every pooling, auth and TLS setting is
 * the one the cluster gets. Settings newer than the installed PgBouncer are named and dropped.
 * The server also listens on a second loopback address, which stands in for a second read replica.
 */
import * as fs from "fs";
import * as path from "path";
import {
  PGBOUNCER_STATS_USER,
  pgbouncerIni,
  pgbouncerUserlist,
} from "../../components/database/pgbouncer-sizing";
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
  writeFileAs,
} from "../helpers/real-programs";

const bin = postgresBinDir();
const program = (name: string) => requireProgram(name, "postgresql", [bin]);
const pgbouncer = requireProgram("pgbouncer", "pgbouncer");
// Postgres and PgBouncer both refuse to run as root.
const as: RunAs | undefined = runAsUser("postgres");

/** The large tier's pooler (tiers document: PgBouncer, 2,000 connections) over max_connections 500. */
const POOLER = { maxClientConnections: 2000, defaultPoolSize: 50 };
const MAX_CONNECTIONS = 500;
const PASSWORD = "app-secret-Zq8";
const STATS_PASSWORD = "stats-secret-Xy3";
/** Two "replicas": the one server on two loopback addresses, told apart by inet_server_addr(). */
const REPLICAS = [LOOPBACK, "127.0.0.2"];
/** PgBouncer release that introduced a setting the renderer writes. */
const SINCE: Record<string, [number, number]> = { max_prepared_statements: [1, 21] };

let work: string | undefined;
let postgres: ServerHandle | undefined;
let bouncer: ServerHandle | undefined;
let pgPort = 0;
let bouncerPort = 0;
let installed: [number, number] = [0, 0];
let dropped: string[] = [];

/** Replaces `key = ...` lines; every key must be in the rendered file already. */
function rewrite(ini: string, values: Record<string, string>): string {
  let out = ini;
  for (const [key, value] of Object.entries(values)) {
    const line = new RegExp(`^${key} =.*$`, "m");
    if (!line.test(out)) throw new Error(`${key} is not in the rendered pgbouncer.ini`);
    out = out.replace(line, `${key} = ${value}`);
  }
  return out;
}

function psql(conninfo: string, sql: string, password: string) {
  return run(
    program("psql"),
    ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql],
    {
      as,
      cwd: work,
      env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: "5" },
      timeoutMs: 10000,
    },
  );
}

const through = (extra = "sslmode=require", user = "platform", db = "app") =>
  `host=${LOOPBACK} port=${bouncerPort} dbname=${db} user=${user} ${extra}`;

async function query(conninfo: string, sql: string, password = PASSWORD): Promise<string> {
  const r = await psql(conninfo, sql, password);
  if (r.code !== 0) throw new Error(`${sql}: ${r.stderr}\n${bouncer?.output() ?? ""}`);
  return r.stdout.trim();
}

beforeAll(async () => {
  work = makeTempDir("pgbouncer-generated-", as);
  const file = (name: string) => path.join(work!, name);
  // One self-signed certificate serves the database server and PgBouncer's client side.
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
      file("tls.key"),
      "-out",
      file("tls.crt"),
    ],
    { cwd: work },
  );
  fs.chmodSync(file("tls.key"), 0o600);
  if (as) for (const f of ["tls.key", "tls.crt"]) fs.chownSync(file(f), as.uid, as.gid);

  // The server: TLS only, SCRAM only, as RDS with rds.force_ssl=1.
  const data = file("data");
  await runOk(
    program("initdb"),
    ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "--no-instructions"],
    { as, cwd: work, timeoutMs: 30000 },
  );
  writeFileAs(
    path.join(data, "pg_hba.conf"),
    [
      "local all postgres trust",
      ...REPLICAS.map((a) => `hostssl all all ${a}/32 scram-sha-256`),
      ...REPLICAS.map((a) => `hostnossl all all ${a}/32 reject`),
      "",
    ].join("\n"),
    as,
    0o600,
  );
  pgPort = await freePort();
  postgres = await startServer(
    program("postgres"),
    [
      "-D",
      data,
      "-c",
      `port=${pgPort}`,
      "-c",
      `listen_addresses=${REPLICAS.join(",")}`,
      "-c",
      `unix_socket_directories=${work}`,
      "-c",
      "ssl=on",
      "-c",
      `ssl_cert_file=${file("tls.crt")}`,
      "-c",
      `ssl_key_file=${file("tls.key")}`,
      "-c",
      "ssl_min_protocol_version=TLSv1.2",
      "-c",
      `max_connections=${MAX_CONNECTIONS}`,
      "-c",
      "shared_buffers=16MB",
    ],
    async () =>
      (await run(program("pg_isready"), ["-h", work!, "-p", String(pgPort)], { as, cwd: work }))
        .code === 0,
    { as, cwd: work, timeoutMs: 30000 },
  );
  await runOk(
    program("psql"),
    [
      "-X",
      "-v",
      "ON_ERROR_STOP=1",
      "-h",
      work,
      "-p",
      String(pgPort),
      "-U",
      "postgres",
      "-d",
      "postgres",
      "-c",
      `CREATE ROLE platform LOGIN PASSWORD '${PASSWORD}'`,
      "-c",
      "CREATE DATABASE app OWNER platform",
    ],
    { as, cwd: work },
  );

  // The pooler: the rendered file, listening on loopback with its files in the temp dir.
  const version = /PgBouncer (\d+)\.(\d+)/.exec(await runOk(pgbouncer, ["--version"]));
  if (!version) throw new Error("cannot read the PgBouncer version");
  installed = [Number(version[1]), Number(version[2])];
  const newer = ([major, minor]: [number, number]) =>
    major > installed[0] || (major === installed[0] && minor > installed[1]);
  dropped = Object.keys(SINCE).filter((key) => newer(SINCE[key]));
  bouncerPort = await freePort();
  let ini = rewrite(
    pgbouncerIni({
      server: { host: LOOPBACK, port: pgPort, database: "app" },
      readHosts: REPLICAS,
      pooler: POOLER,
      maxConnections: MAX_CONNECTIONS,
    }),
    {
      listen_addr: LOOPBACK,
      listen_port: String(bouncerPort),
      auth_file: file("userlist.txt"),
      client_tls_cert_file: file("tls.crt"),
      client_tls_key_file: file("tls.key"),
    },
  );
  for (const key of dropped) ini = ini.replace(new RegExp(`^${key} =.*\\n`, "m"), "");
  writeFileAs(file("pgbouncer.ini"), ini, as, 0o600);
  writeFileAs(
    file("userlist.txt"),
    pgbouncerUserlist([
      { name: "platform", password: PASSWORD },
      { name: PGBOUNCER_STATS_USER, password: STATS_PASSWORD },
    ]),
    as,
    0o600,
  );
  bouncer = await startServer(
    pgbouncer,
    [file("pgbouncer.ini")],
    async () =>
      (await run(program("pg_isready"), ["-h", LOOPBACK, "-p", String(bouncerPort)], { as }))
        .code === 0,
    { as, cwd: work, timeoutMs: 20000 },
  );
}, 90000);

afterAll(async () => {
  await bouncer?.stop("SIGINT", 10000);
  await postgres?.stop("SIGINT", 10000);
  removeDir(work);
}, 30000);

describe("generated pgbouncer.ini on the real pgbouncer and postgres", () => {
  it("drops only settings newer than the installed PgBouncer", () => {
    expect(installed[0]).toBeGreaterThanOrEqual(1);
    for (const key of dropped) expect(SINCE[key]).toBeDefined();
    if (installed[0] > 1 || installed[1] >= 21) expect(dropped).toEqual([]);
  });

  it("lets a client in with TLS and SCRAM and runs its query on the server", async () => {
    expect(
      await query(through(), "SELECT current_user || '|' || current_database() || '|' || 40 + 2"),
    ).toBe("platform|app|42");
  });

  it("logs into the server over TLS 1.2 or later, which the server insists on", async () => {
    const [ssl, version] = (
      await query(through(), "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
    ).split("|");
    expect(ssl).toBe("t");
    expect(version).toMatch(/^TLSv1\.[23]$/);
  });

  it("refuses clients without TLS and clients with a wrong password", async () => {
    const plain = await psql(through("sslmode=disable"), "SELECT 1", PASSWORD);
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/SSL required/i);
    const wrong = await psql(through(), "SELECT 1", "not-the-password");
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/authentication failed/i);
  });

  it("runs with the rendered pool: transaction mode, 2,000 clients, server connections capped", async () => {
    const rows = await query(
      through("sslmode=require", PGBOUNCER_STATS_USER, "pgbouncer"),
      "SHOW CONFIG",
      STATS_PASSWORD,
    );
    const config = Object.fromEntries(
      rows.split("\n").map((row) => {
        const [key, value] = row.split("|");
        return [key, value];
      }),
    );
    expect(config).toMatchObject({
      pool_mode: "transaction",
      max_client_conn: "2000",
      default_pool_size: "50",
      max_db_connections: "150",
      auth_type: "scram-sha-256",
      client_tls_sslmode: "require",
      server_tls_sslmode: "require",
    });
  });

  it("balances the read database over every replica: new server connections take turns", async () => {
    // Four clients at once, each holding a server connection for a moment: four new connections.
    const reads = await Promise.all(
      [0, 1, 2, 3].map(() =>
        query(
          through("sslmode=require", "platform", "app_read"),
          "SELECT host(inet_server_addr()) || '|' || (pg_sleep(0.5) IS NULL)",
        ),
      ),
    );
    const servers = new Set(reads.map((r) => r.split("|")[0]));
    expect([...servers].sort()).toEqual([...REPLICAS].sort());
    const rows = await query(
      through("sslmode=require", PGBOUNCER_STATS_USER, "pgbouncer"),
      "SHOW DATABASES",
      STATS_PASSWORD,
    );
    const read = rows
      .split("\n")
      .find((row) => row.startsWith("app_read|"))!
      .split("|");
    // name, host, port, database, force_user, pool_size, ...: the pool spans both replicas.
    expect(read.slice(1, 4)).toEqual([REPLICAS.join(","), String(pgPort), "app"]);
    expect(Number(read[5])).toBe(2 * POOLER.defaultPoolSize);
  });

  it("shows the exporter's user the pools and nothing it may change", async () => {
    const stats = through("sslmode=require", PGBOUNCER_STATS_USER, "pgbouncer");
    expect(await query(stats, "SHOW POOLS", STATS_PASSWORD)).toMatch(/^app\|platform\|/m);
    const pause = await psql(stats, "PAUSE", STATS_PASSWORD);
    expect(pause.code).not.toBe(0);
  });
});
