/**
 * The monthly restore check's scripts, run against a real Postgres (Debian package postgresql):
 * a source cluster with WAL archiving, the real dump script writing a dump and its row-count
 * manifest in one snapshot, and the restore script restoring that dump, and a base backup with
 * the archived WAL, into scratch clusters. The object store is replaced by laying out the scratch
 * directory as the fetch containers leave it; those are checked apart, against stand-in clients.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  dumpScript,
  fetchBaseBackupScript,
  fetchDumpScript,
  restoreCheckScript,
  PICK_BACKUP_PY,
} from "../../components/backups";
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
let archive = "";
let socket = "";
let source: ServerHandle | undefined;
let backup = "";
let dumpDir = "";
let dumpName = "";

const chown = (p: string) => {
  if (as) fs.chownSync(p, as.uid, as.gid);
};
const mkdir = (p: string) => {
  fs.mkdirSync(p, { recursive: true });
  chown(p);
  return p;
};
const pgEnv = { PGHOST: "", PGPORT: "5432", PGUSER: "postgres", PGDATABASE: "app" };

function sql(statement: string, database = "app"): Promise<string> {
  return runOk(
    program("psql"),
    ["-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", statement],
    {
      as,
      cwd: work,
      env: { ...pgEnv, PGHOST: socket, PGDATABASE: database },
      timeoutMs: 20000,
    },
  ).then((s) => s.trim());
}

/** Runs a generated script with /bin/sh as the Postgres user, Postgres' programs first on PATH. */
function sh(script: string, env: Record<string, string>, timeoutMs = TIMEOUT_MS) {
  return run("/bin/sh", ["-c", script], {
    as,
    cwd: work,
    env: { PATH: `${bin}:/usr/bin:/bin`, TMPDIR: work, HOME: work, ...env },
    timeoutMs,
  });
}

/** A scratch directory laid out as the fetch containers leave it. */
function scratch(name: string, files: Record<string, string>, startedSecondsAgo = 0): string {
  const dir = mkdir(path.join(work, name));
  for (const [file, from] of Object.entries(files)) {
    fs.copyFileSync(from, path.join(dir, file));
    chown(path.join(dir, file));
  }
  fs.writeFileSync(
    path.join(dir, "STARTED"),
    `${Math.floor(Date.now() / 1000) - startedSecondsAgo}\n`,
  );
  chown(path.join(dir, "STARTED"));
  return dir;
}

const lastLine = (s: string) => s.trim().split("\n").pop();

beforeAll(async () => {
  work = makeTempDir("restore-check-", as);
  archive = mkdir(path.join(work, "archive"));
  socket = mkdir(path.join(work, "socket"));
  const data = path.join(work, "source");
  await runOk(
    program("initdb"),
    ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "--no-instructions"],
    { as, cwd: work, timeoutMs: TIMEOUT_MS },
  );
  // Continuous archiving as CloudNativePG does it, into a directory instead of the bucket.
  source = await startServer(
    program("postgres"),
    [
      "-D",
      data,
      "-c",
      "listen_addresses=",
      "-c",
      `unix_socket_directories=${socket}`,
      "-c",
      "wal_level=replica",
      "-c",
      "archive_mode=on",
      "-c",
      `archive_command=cp %p ${archive}/%f`,
      "-c",
      "fsync=off",
    ],
    async () =>
      (await run(program("pg_isready"), ["-h", socket], { as, cwd: work, timeoutMs: 5000 }))
        .code === 0,
    { as, cwd: work, timeoutMs: TIMEOUT_MS },
  );
  await sql("CREATE DATABASE app", "postgres");
  await sql(
    [
      "CREATE EXTENSION pgcrypto",
      "CREATE TABLE users (id bigserial PRIMARY KEY, email text UNIQUE NOT NULL)",
      "CREATE SCHEMA billing",
      "CREATE TABLE billing.invoices (id bigserial PRIMARY KEY, user_id bigint REFERENCES users, total numeric)",
      "CREATE TABLE empty_table (id int)",
      "CREATE UNLOGGED TABLE sessions (id int)",
      "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, 500) g",
      "INSERT INTO billing.invoices (user_id, total) SELECT 1 + g % 500, g FROM generate_series(1, 2000) g",
      "INSERT INTO sessions SELECT generate_series(1, 10)",
    ].join("; "),
  );

  // The base backup the point-in-time check starts from, WAL left to the archive.
  backup = path.join(work, "base");
  await runOk(
    program("pg_basebackup"),
    ["-h", socket, "-U", "postgres", "-D", backup, "-X", "none", "--checkpoint=fast", "--no-sync"],
    { as, cwd: work, timeoutMs: TIMEOUT_MS },
  );
  // Writes after the base backup and before the dump, which only WAL replay brings back.
  await sql(
    "INSERT INTO users (email) SELECT 'late' || g || '@example.com' FROM generate_series(1, 70) g",
  );

  dumpDir = mkdir(path.join(work, "dump"));
  const dump = await sh(dumpScript(dumpDir), { ...pgEnv, PGHOST: socket });
  if (dump.code !== 0) throw new Error(`dump script failed:\n${dump.stdout}\n${dump.stderr}`);
  dumpName = fs.readFileSync(path.join(dumpDir, "NAME"), "utf8").trim();

  // Writes after the dump's snapshot: a restore to the dump's position must not hold them.
  await sql(
    "INSERT INTO users (email) SELECT 'after' || g || '@example.com' FROM generate_series(1, 30) g",
  );
  await sql("SELECT pg_switch_wal()");
  await sql("INSERT INTO empty_table VALUES (1)");
  await sql("SELECT pg_switch_wal()");
  await sql("CHECKPOINT");
}, 120000);

afterAll(async () => {
  await source?.stop("SIGINT", 10000);
  removeDir(work);
}, 30000);

const manifestOf = () => path.join(dumpDir, dumpName.replace(/\.dump\.gz$/, ".counts"));

describe("the dump job's row-count manifest", () => {
  it("counts every permanent table in the dump's own snapshot, headed by the WAL position", () => {
    const lines = fs.readFileSync(manifestOf(), "utf8").trim().split("\n");
    expect(lines[0]).toMatch(/^#lsn\t[0-9A-F]+\/[0-9A-F]+$/);
    expect(lines[1]).toMatch(/^#time\t\d{4}-\d\d-\d\d /);
    // 570 users: the 30 written after the dump are not in it; the unlogged table is left out.
    expect(lines.slice(2)).toEqual([
      "billing.invoices\t2000",
      "public.empty_table\t0",
      "public.users\t570",
    ]);
  });
});

describe("restore check of the newest dump, against a real Postgres", () => {
  it("restores the dump into a scratch cluster, checks the indexes and matches every table's rows", async () => {
    const dir = scratch("dump-ok", {
      "dump.gz": path.join(dumpDir, dumpName),
      "dump.counts": manifestOf(),
    });
    const r = await sh(restoreCheckScript("dump", { dir }), { RTO_SECONDS: "1800" });
    expect(r.stderr).toContain("rows: 2570 in 3 tables match the manifest");
    expect(r.stdout).toMatch(/amcheck: [1-9]\d* B-tree indexes intact/);
    expect(lastLine(r.stdout)).toMatch(
      /^restore-check kind=dump result=ok seconds=\d+ rto_seconds=1800$/,
    );
    expect(r.code).toBe(0);
  });

  it("fails on a truncated dump", async () => {
    const whole = fs.readFileSync(path.join(dumpDir, dumpName));
    const cut = path.join(work, "truncated.dump.gz");
    fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const dir = scratch("dump-truncated", { "dump.gz": cut, "dump.counts": manifestOf() });
    const r = await sh(restoreCheckScript("dump", { dir }), { RTO_SECONDS: "1800" });
    expect(r.code).not.toBe(0);
    expect(lastLine(r.stdout)).toMatch(/^restore-check kind=dump result=failed /);
  });

  it("fails when a table's rows differ from the manifest", async () => {
    const tampered = path.join(work, "tampered.counts");
    fs.writeFileSync(
      tampered,
      fs.readFileSync(manifestOf(), "utf8").replace("public.users\t570", "public.users\t571"),
    );
    const dir = scratch("dump-tampered", {
      "dump.gz": path.join(dumpDir, dumpName),
      "dump.counts": tampered,
    });
    const r = await sh(restoreCheckScript("dump", { dir }), { RTO_SECONDS: "1800" });
    expect(r.stderr).toContain("public.users: restored 570 rows, manifest 571");
    expect(r.code).not.toBe(0);
    expect(lastLine(r.stdout)).toMatch(/result=failed/);
  });

  it("fails when the restore, fetch included, took longer than the RTO", async () => {
    // The fetch started 120 s ago; the RTO is one minute.
    const dir = scratch(
      "dump-slow",
      { "dump.gz": path.join(dumpDir, dumpName), "dump.counts": manifestOf() },
      120,
    );
    const r = await sh(restoreCheckScript("dump", { dir }), { RTO_SECONDS: "60" });
    expect(r.code).not.toBe(0);
    expect(lastLine(r.stdout)).toMatch(
      /^restore-check kind=dump result=rto-exceeded seconds=1[2-9]\d rto_seconds=60$/,
    );
  });
});

describe("point-in-time restore check of a base backup with archived WAL, against a real Postgres", () => {
  const walTo = (dir: string, except: (f: string) => boolean = () => false) => {
    const wal = mkdir(path.join(dir, "wal"));
    for (const f of fs.readdirSync(archive).filter((f) => !except(f))) {
      fs.copyFileSync(path.join(archive, f), path.join(wal, f));
      chown(path.join(wal, f));
    }
  };
  const baseTo = (dir: string) => {
    execFileSync("cp", ["-a", backup, path.join(dir, "pgdata")]);
  };

  it("replays to the dump's WAL position, promotes, and matches the manifest's rows", async () => {
    const dir = scratch("pitr-ok", { "dump.counts": manifestOf() });
    baseTo(dir);
    walTo(dir);
    const r = await sh(restoreCheckScript("pitr", { dir }), {
      RTO_SECONDS: "1800",
      PGDATABASE: "app",
      PITR_TOLERANCE_PCT: "0",
    });
    const log = fs.readFileSync(path.join(dir, "postgres.log"), "utf8");
    expect(r.code === 0 ? "" : `${r.stdout}\n${r.stderr}\n${log}`).toBe("");
    expect(r.stdout).toContain("replayed to");
    // 570 users: the 70 from WAL after the base backup are back, the 30 after the dump are not.
    expect(r.stderr).toContain("rows: 2570 in 3 tables match the manifest");
    expect(lastLine(r.stdout)).toMatch(
      /^restore-check kind=pitr result=ok seconds=\d+ rto_seconds=1800$/,
    );
  });

  it("fails when WAL needed to reach the position is missing from the archive", async () => {
    const dir = scratch("pitr-gap", { "dump.counts": manifestOf() });
    baseTo(dir);
    // Every segment after the one the base backup starts in.
    const first = fs
      .readFileSync(path.join(backup, "backup_label"), "utf8")
      .match(/file (\w{24})/)![1];
    walTo(dir, (f) => /^[0-9A-F]{24}$/.test(f) && f > first);
    const r = await sh(restoreCheckScript("pitr", { dir }), {
      RTO_SECONDS: "1800",
      PGDATABASE: "app",
      START_TIMEOUT_SECONDS: "60",
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("recovery did not reach");
    expect(lastLine(r.stdout)).toMatch(/^restore-check kind=pitr result=failed /);
  });
});

describe("the fetch containers, against stand-in store clients", () => {
  let dir: string;
  let stubs: string;
  const stub = (name: string, body: string) =>
    fs.writeFileSync(path.join(stubs, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  const shell = (script: string, env: Record<string, string> = {}) =>
    spawnSync("/bin/sh", ["-c", script], {
      env: {
        PATH: `${stubs}:/usr/bin:/bin`,
        TARGET_URL: "http://minio:9000",
        BACKUP_BUCKET: "backup",
        AWS_ACCESS_KEY_ID: "k",
        AWS_SECRET_ACCESS_KEY: "s",
        SERVER_NAME: "postgres",
        ...env,
      },
      encoding: "utf8",
    });
  beforeEach(() => {
    dir = makeTempDir("restore-fetch-");
    stubs = path.join(dir, "bin");
    fs.mkdirSync(stubs);
  });
  afterEach(() => removeDir(dir));

  it("fetches the newest daily dump and its manifest with mc", () => {
    stub(
      "mc",
      `echo "$@" >> ${dir}/mc.log
case "$1" in find) printf '%s\\n' target/backup/pg_dump/daily/app_20261130_020000.dump.gz target/backup/pg_dump/daily/app_20261201_020000.dump.gz target/backup/pg_dump/daily/app_20261129_020000.dump.gz ;; esac`,
    );
    const r = shell(fetchDumpScript("mc", "dump", dir));
    expect(r.status).toBe(0);
    const cps = fs
      .readFileSync(path.join(dir, "mc.log"), "utf8")
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("cp"));
    expect(cps).toEqual([
      `cp --quiet target/backup/pg_dump/daily/app_20261201_020000.dump.gz ${dir}/dump.gz`,
      `cp --quiet target/backup/pg_dump/daily/app_20261201_020000.counts ${dir}/dump.counts`,
    ]);
    expect(Number(fs.readFileSync(path.join(dir, "STARTED"), "utf8"))).toBeGreaterThan(0);
  });

  it("fetches only the manifest for a point-in-time check, and fails when there is no dump, with the AWS CLI", () => {
    stub(
      "aws",
      `echo "$@" >> ${dir}/aws.log
case "$2" in ls) printf '%s\\n' '2026-12-01 02:00:09  1234 app_20261201_020000.counts' '2026-12-01 02:00:09  99999 app_20261201_020000.dump.gz' '2026-11-30 02:00:09  99999 app_20261130_020000.dump.gz' ;; esac`,
    );
    expect(shell(fetchDumpScript("aws", "pitr", dir)).status).toBe(0);
    const cps = fs
      .readFileSync(path.join(dir, "aws.log"), "utf8")
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("s3 cp"));
    expect(cps).toEqual([
      `s3 cp --only-show-errors --endpoint-url http://minio:9000 s3://backup/pg_dump/daily/app_20261201_020000.counts ${dir}/dump.counts`,
    ]);
    stub("aws", "exit 0");
    const none = shell(fetchDumpScript("aws", "dump", dir));
    expect(none.status).not.toBe(0);
    expect(none.stderr).toContain("no dump under pg_dump/daily/");
  });

  it("restores the newest base backup that ends before the dump's position and the WAL up to it", () => {
    // The Barman image runs the selection with its python3; here Debian's (scripts/test-programs.txt).
    requireProgram("python3", "python3", ["/usr/bin"]);
    fs.writeFileSync(path.join(dir, "dump.counts"), "#lsn\t1/2000100\n#time\tx\npublic.t\t1\n");
    const list = {
      backups_list: [
        {
          backup_id: "20261130T020000",
          status: "DONE",
          begin_wal: "0000000100000000000000FE",
          end_xlog: "0/FF000200",
        },
        {
          backup_id: "20261201T020000",
          status: "DONE",
          begin_wal: "000000010000000100000001",
          end_xlog: "1/1000100",
        },
        // Ended after the dump's position: recovery could not stop before its consistency point.
        {
          backup_id: "20261201T020100",
          status: "DONE",
          begin_wal: "000000010000000100000002",
          end_xlog: "1/3000100",
        },
        {
          backup_id: "20261201T030000",
          status: "FAILED",
          begin_wal: "000000010000000100000001",
          end_xlog: "1/1800000",
        },
      ],
    };
    stub("barman-cloud-backup-list", `echo '${JSON.stringify(list)}'`);
    stub("barman-cloud-restore", `echo "$@" >> ${dir}/restore.log`);
    // The segment after the target's is not archived yet.
    stub(
      "barman-cloud-wal-restore",
      `echo "$7" >> ${dir}/wal.log; [ "$7" != 000000010000000100000003 ]`,
    );
    const r = shell(fetchBaseBackupScript(dir));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, "restore.log"), "utf8").trim()).toBe(
      `--cloud-provider aws-s3 --endpoint-url http://minio:9000 s3://backup/postgres/ postgres 20261201T020000 ${dir}/pgdata`,
    );
    expect(fs.readFileSync(path.join(dir, "wal.log"), "utf8").trim().split("\n")).toEqual([
      "000000010000000100000001",
      "000000010000000100000002",
      "000000010000000100000003",
    ]);
    // A missing segment before the last one fails the fetch.
    stub("barman-cloud-wal-restore", `[ "$7" != 000000010000000100000002 ]`);
    fs.rmSync(path.join(dir, "wal"), { recursive: true });
    expect(shell(fetchBaseBackupScript(dir)).status).not.toBe(0);
  });

  it("walks WAL names across a log file boundary", () => {
    const list = path.join(dir, "list.json");
    fs.writeFileSync(
      list,
      JSON.stringify({
        backups_list: [
          {
            backup_id: "b",
            status: "DONE",
            begin_wal: "0000000200000000000000FE",
            end_xlog: "0/FE000100",
          },
        ],
      }),
    );
    const python = requireProgram("python3", "python3", ["/usr/bin"]);
    const out = execFileSync(python, ["-c", PICK_BACKUP_PY, "1/0000010", list], {
      encoding: "utf8",
    });
    expect(out.trim().split("\n")).toEqual([
      "b",
      "0000000200000000000000FE",
      "0000000200000000000000FF",
      "000000020000000100000000",
      "000000020000000100000001",
    ]);
  });
});

/**
 * The Barman Cloud tools' own interface, from Debian's barman-cli-cloud (3.4; the cluster's image
 * has 3.17, whose interface for these calls is the same): the positional order and options the
 * fetch script passes, and the JSON of `barman-cloud-backup-list --format json` made by barman's
 * own BackupInfo, which PICK_BACKUP_PY reads.
 */
describe("the Barman Cloud tools the point-in-time fetch calls", () => {
  const usage = (program: string) =>
    execFileSync(requireProgram(program, "barman-cli-cloud"), ["--help"], { encoding: "utf8" })
      .replace(/\s+/g, " ")
      .trim();

  it("take the arguments in the order the fetch script passes them", () => {
    expect(usage("barman-cloud-restore")).toMatch(
      /\[--cloud-provider \{aws-s3,[^}]*\}\] \[--endpoint-url ENDPOINT_URL\].* source_url server_name backup_id recovery_dir/,
    );
    expect(usage("barman-cloud-wal-restore")).toMatch(
      /\[--endpoint-url ENDPOINT_URL\].* source_url server_name wal_name wal_dest/,
    );
    expect(usage("barman-cloud-backup-list")).toMatch(
      /\[--format FORMAT\].* source_url server_name/,
    );
    const script = fetchBaseBackupScript("/scratch");
    expect(script).toContain(
      'barman-cloud-restore --cloud-provider aws-s3 --endpoint-url "$TARGET_URL" "s3://$BACKUP_BUCKET/postgres/" "$SERVER_NAME" "$backup" /scratch/pgdata',
    );
    expect(script).toContain(
      'barman-cloud-wal-restore --cloud-provider aws-s3 --endpoint-url "$TARGET_URL" "s3://$BACKUP_BUCKET/postgres/" "$SERVER_NAME" "$wal" "/scratch/wal/$wal"',
    );
  });

  it("list backups as JSON that the selection reads", () => {
    const python = requireProgram("python3", "python3", ["/usr/bin"]);
    const dir = makeTempDir("barman-json-");
    try {
      // barman's BackupInfo, as barman-cloud-backup-list serialises each backup (to_json).
      const made = execFileSync(
        python,
        [
          "-c",
          [
            "import json",
            "from barman.infofile import BackupInfo",
            "def info(i, status, begin, end):",
            "    b = BackupInfo(backup_id=i)",
            "    b.set_attribute('status', status)",
            "    b.set_attribute('begin_wal', begin)",
            "    b.set_attribute('end_xlog', end)",
            "    return b.to_json()",
            "print(json.dumps({'backups_list': [info('20261130T020000', 'DONE', '000000010000000000000010', '0/11000100'), info('20261201T020000', 'DONE', '000000010000000000000020', '0/21000100'), info('20261201T030000', 'FAILED', '000000010000000000000022', '0/22000100')]}))",
          ].join("\n"),
        ],
        { encoding: "utf8", env: { ...process.env, PYTHONPATH: "/usr/lib/python3/dist-packages" } },
      );
      const list = path.join(dir, "list.json");
      fs.writeFileSync(list, made);
      const plan = execFileSync(python, ["-c", PICK_BACKUP_PY, "0/22000000", list], {
        encoding: "utf8",
      });
      expect(plan.trim().split("\n")).toEqual([
        "20261201T020000",
        "000000010000000000000020",
        "000000010000000000000021",
        "000000010000000000000022",
        "000000010000000000000023",
      ]);
    } finally {
      removeDir(dir);
    }
  });
});

describe("the restore check's scripts", () => {
  it("pass shellcheck", () => {
    const shellcheck = requireProgram("shellcheck", "shellcheck");
    const scripts = {
      dump: restoreCheckScript("dump"),
      pitr: restoreCheckScript("pitr"),
      fetchMc: fetchDumpScript("mc", "dump"),
      fetchAws: fetchDumpScript("aws", "pitr"),
      fetchBase: fetchBaseBackupScript(),
      dumpJob: dumpScript(),
    };
    const dir = makeTempDir("restore-shellcheck-");
    try {
      for (const [name, script] of Object.entries(scripts)) {
        const file = path.join(dir, `${name}.sh`);
        fs.writeFileSync(file, script);
        const r = spawnSync(shellcheck, ["--shell=sh", "--severity=style", file], {
          encoding: "utf8",
        });
        expect({ name, out: r.stdout }).toEqual({ name, out: "" });
      }
    } finally {
      removeDir(dir);
    }
  });
});
