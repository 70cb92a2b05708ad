/**
 * The failover standby's refresh, against a real Postgres (Debian package postgresql): the real
 * dump script writes the primary's dump and manifest, the files are laid out as the primary's
 * off-site copy leaves them in the standby's backup bucket (`<bucket>/<primary's backup
 * bucket>/pg_dump/daily/`), a stand-in `mc` over that directory fetches them, and the refresh
 * restores them over a standby database that already holds older data, twice.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { dumpScript } from "../../components/backups";
import {
  standbyFetchScript,
  standbyMediaScript,
  standbyRefreshScript,
} from "../../components/backups/standby-refresh";
import {
  RunAs,
  ServerHandle,
  makeTempDir,
  postgresBinDir,
  removeDir,
  requireProgram,
  run,
  runAsUser,
  runOk,
  startServer,
} from "../helpers/real-programs";

const bin = postgresBinDir();
const program = (name: string) => requireProgram(name, "postgresql", [bin]);
const as: RunAs | undefined = runAsUser("postgres");
const TIMEOUT_MS = 60000;

let work = "";
let socket = "";
let server: ServerHandle | undefined;
let store = "";
let dumpName = "";
const PRIMARY_BUCKET = "platform-backup-primary";
const OWN_BUCKET = "platform-backup-nyc3";

const chown = (p: string) => {
  if (as) fs.chownSync(p, as.uid, as.gid);
};
const mkdir = (p: string) => {
  fs.mkdirSync(p, { recursive: true });
  chown(p);
  return p;
};
const pgEnv = () => ({ PGHOST: socket, PGPORT: "5432", PGUSER: "postgres" });

function sql(statement: string, database: string): Promise<string> {
  return runOk(
    program("psql"),
    ["-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", statement],
    { as, cwd: work, env: { ...pgEnv(), PGDATABASE: database }, timeoutMs: 20000 },
  ).then((s) => s.trim());
}

function sh(script: string, env: Record<string, string>) {
  return run("/bin/sh", ["-c", script], {
    as,
    cwd: work,
    env: { PATH: `${bin}:/usr/bin:/bin`, TMPDIR: work, HOME: work, ...env },
    timeoutMs: TIMEOUT_MS,
  });
}

const lastLine = (s: string) => s.trim().split("\n").pop();

/** A stand-in `mc` over `store`: `find` and `cp` of `target/<path>` as files under it. */
function stubMc(dir: string): string {
  const stubs = mkdir(path.join(dir, "bin"));
  const mc = path.join(stubs, "mc");
  fs.writeFileSync(
    mc,
    `#!/bin/sh
echo "$@" >> ${dir}/mc.log
at() { echo "${store}/\${1#target/}"; }
case "$1" in
  alias) exit 0 ;;
  find) find "$(at "$2")" -name "$4" | sed "s#^${store}/#target/#" ;;
  cp) cp "$(at "$3")" "$4" ;;
  *) exit 2 ;;
esac
`,
    { mode: 0o755 },
  );
  chown(mc);
  return stubs;
}

/** Fetch with the stand-in client, then refresh: the pod's two containers in order. */
async function refresh(name: string, env: Record<string, string> = {}) {
  const dir = mkdir(path.join(work, name));
  const stubs = stubMc(dir);
  // Kubernetes makes the termination message file before the container starts.
  fs.writeFileSync(path.join(dir, "termination"), "");
  chown(path.join(dir, "termination"));
  const fetched = await sh(standbyFetchScript(dir), {
    PATH: `${stubs}:/usr/bin:/bin`,
    TARGET_URL: "https://nyc3.digitaloceanspaces.com",
    BACKUP_BUCKET: `${OWN_BUCKET}/${PRIMARY_BUCKET}`,
    AWS_ACCESS_KEY_ID: "k",
    AWS_SECRET_ACCESS_KEY: "s",
  });
  if (fetched.code !== 0) return { ...fetched, dir };
  const r = await sh(standbyRefreshScript(dir), {
    ...pgEnv(),
    PGDATABASE: "standby",
    TERMINATION_LOG: path.join(dir, "termination"),
    ...env,
  });
  return { ...r, dir };
}

beforeAll(async () => {
  work = makeTempDir("standby-refresh-", as);
  socket = mkdir(path.join(work, "socket"));
  store = mkdir(path.join(work, "store"));
  const data = path.join(work, "data");
  await runOk(
    program("initdb"),
    ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "--no-instructions"],
    { as, cwd: work, timeoutMs: TIMEOUT_MS },
  );
  server = await startServer(
    program("postgres"),
    ["-D", data, "-c", "listen_addresses=", "-c", `unix_socket_directories=${socket}`],
    async () =>
      (await run(program("pg_isready"), ["-h", socket], { as, cwd: work, timeoutMs: 5000 }))
        .code === 0,
    { as, cwd: work, timeoutMs: TIMEOUT_MS },
  );
  // The primary's database (one server stands in for both clouds: two databases).
  await sql("CREATE DATABASE app", "postgres");
  await sql(
    [
      "CREATE EXTENSION pgcrypto",
      "CREATE TABLE users (id bigserial PRIMARY KEY, email text UNIQUE NOT NULL)",
      "CREATE SCHEMA billing",
      "CREATE TABLE billing.invoices (id bigserial PRIMARY KEY, user_id bigint REFERENCES users, total numeric)",
      "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 500) g",
      "INSERT INTO billing.invoices (user_id, total) SELECT 1 + g % 500, g FROM generate_series(1, 2000) g",
    ].join("; "),
    "app",
  );
  const dumpDir = mkdir(path.join(work, "dump"));
  const dump = await sh(dumpScript(dumpDir), { ...pgEnv(), PGDATABASE: "app" });
  if (dump.code !== 0) throw new Error(`dump script failed:\n${dump.stdout}\n${dump.stderr}`);
  dumpName = fs.readFileSync(path.join(dumpDir, "NAME"), "utf8").trim();
  // The off-site copy's layout in the standby's bucket, an older dump beside the newest.
  const daily = mkdir(path.join(store, OWN_BUCKET, PRIMARY_BUCKET, "pg_dump", "daily"));
  const counts = dumpName.replace(/\.dump\.gz$/, ".counts");
  for (const f of [dumpName, counts]) {
    fs.copyFileSync(path.join(dumpDir, f), path.join(daily, f));
    chown(path.join(daily, f));
  }
  fs.writeFileSync(path.join(daily, "app_20000101_020000.dump.gz"), "not the newest");
  fs.writeFileSync(path.join(daily, "app_20000101_020000.counts"), "public.users\t1\n");
  // The standby's database, refreshed yesterday: the same schema, older rows, an older row count.
  await sql("CREATE DATABASE standby", "postgres");
  await sql(
    [
      "CREATE EXTENSION pgcrypto",
      "CREATE TABLE users (id bigserial PRIMARY KEY, email text UNIQUE NOT NULL)",
      "CREATE SCHEMA billing",
      "CREATE TABLE billing.invoices (id bigserial PRIMARY KEY, user_id bigint REFERENCES users, total numeric)",
      "INSERT INTO users (email) SELECT 'old' || g || '@example.com' FROM generate_series(1, 120) g",
      "INSERT INTO billing.invoices (user_id, total) SELECT 1 + g % 120, g FROM generate_series(1, 300) g",
    ].join("; "),
    "standby",
  );
}, 120000);

afterAll(async () => {
  await server?.stop("SIGINT", 10000);
  removeDir(work);
}, 30000);

describe("the standby refresh, against a real Postgres", () => {
  it("restores the primary's newest dump over older data and matches the manifest, twice", async () => {
    for (const run of ["first", "second"]) {
      const r = await refresh(`refresh-${run}`);
      expect(r.code === 0 ? "" : `${r.stdout}\n${r.stderr}`).toBe("");
      expect(r.stderr).toContain("rows: 2500 in 2 tables match the manifest");
      expect(lastLine(r.stdout)).toMatch(
        new RegExp(
          `^standby-refresh result=ok seconds=\\d+ dump=${dumpName.replace(/\./g, "\\.")}$`,
        ),
      );
      expect(fs.readFileSync(path.join(r.dir, "termination"), "utf8")).toContain("result=ok");
      // The newest dump, from the primary's folder of the standby's bucket.
      expect(fs.readFileSync(path.join(r.dir, "mc.log"), "utf8")).toContain(
        `cp --quiet target/${OWN_BUCKET}/${PRIMARY_BUCKET}/pg_dump/daily/${dumpName}`,
      );
    }
    expect(await sql("SELECT count(*) FROM users", "standby")).toBe("500");
    expect(await sql("SELECT count(*) FROM users WHERE email LIKE 'old%'", "standby")).toBe("0");
  });

  it("refuses a dump older than the limit and leaves the standby's data as it was", async () => {
    await sql("INSERT INTO users (email) VALUES ('written-after@example.com')", "standby");
    const r = await refresh("refresh-stale", { MAX_DUMP_AGE_HOURS: "-1" });
    expect(r.code).not.toBe(0);
    expect(lastLine(r.stdout)).toMatch(/^standby-refresh result=stale /);
    expect(await sql("SELECT count(*) FROM users", "standby")).toBe("501");
  });

  it("fails on a truncated dump without touching the standby's data", async () => {
    const daily = path.join(store, OWN_BUCKET, PRIMARY_BUCKET, "pg_dump", "daily");
    const whole = fs.readFileSync(path.join(daily, dumpName));
    const newer = "app_29991231_020000";
    fs.writeFileSync(path.join(daily, `${newer}.dump.gz`), whole.subarray(0, whole.length / 2));
    fs.copyFileSync(
      path.join(daily, dumpName.replace(/\.dump\.gz$/, ".counts")),
      path.join(daily, `${newer}.counts`),
    );
    try {
      const r = await refresh("refresh-truncated");
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("not a whole gzip file");
      expect(lastLine(r.stdout)).toMatch(/^standby-refresh result=failed .* dump=app_29991231/);
      expect(await sql("SELECT count(*) FROM users", "standby")).toBe("501");
    } finally {
      fs.rmSync(path.join(daily, `${newer}.dump.gz`));
      fs.rmSync(path.join(daily, `${newer}.counts`));
    }
  });
});

describe("the standby's media mirror", () => {
  it("mirrors the primary's media copy from the standby's backup bucket into its media bucket", () => {
    const dir = makeTempDir("standby-media-");
    try {
      const stubs = path.join(dir, "bin");
      fs.mkdirSync(stubs);
      fs.writeFileSync(path.join(stubs, "mc"), `#!/bin/sh\necho "$@" >> ${dir}/mc.log\n`, {
        mode: 0o755,
      });
      const r = spawnSync("/bin/sh", ["-c", standbyMediaScript()], {
        env: {
          PATH: `${stubs}:/usr/bin:/bin`,
          TARGET_URL: "https://nyc3.digitaloceanspaces.com",
          BACKUP_BUCKET: `${OWN_BUCKET}/${PRIMARY_BUCKET}`,
          PRIMARY_MEDIA_BUCKET: "platform-media-primary",
          MEDIA_URL: "https://nyc3.digitaloceanspaces.com",
          MEDIA_BUCKET: "platform-media-nyc3",
          AWS_ACCESS_KEY_ID: "k",
          AWS_SECRET_ACCESS_KEY: "s",
          SOURCE_ACCESS_KEY_ID: "k2",
          SOURCE_SECRET_ACCESS_KEY: "s2",
        },
        encoding: "utf8",
      });
      expect(r.status).toBe(0);
      const log = fs.readFileSync(path.join(dir, "mc.log"), "utf8").trim().split("\n");
      expect(log.pop()).toBe(
        `mirror --overwrite --remove --quiet target/${OWN_BUCKET}/${PRIMARY_BUCKET}/files/platform-media-primary media/platform-media-nyc3`,
      );
    } finally {
      removeDir(dir);
    }
  });
});
