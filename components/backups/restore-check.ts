/**
 * Pure planning for the monthly restore check (tiers document, Backup Testing: "Monthly: Verify
 * backup integrity"): the shell each of its containers runs. No resources are created here.
 *
 * A check runs in one pod: init containers fetch what is restored into the pod's scratch volume
 * (the newest dump and its row-count manifest; for point-in-time, also the newest base backup that
 * ends before the dump and the WAL up to the dump's position), then `restoreCheckScript` restores
 * it into a Postgres started inside the container, never the real database, checks it and times it.
 */
import { DUMP_PREFIX, type StoreTool } from "./retention";
import { ROW_COUNT_SQL, shellQuote } from "./row-counts";

export { ROW_COUNT_SQL, shellQuote };

/**
 * Python with the Barman Cloud tools (barman-cloud-backup-list, -restore, -wal-restore) and a shell:
 * the build stage of the Barman Cloud plugin's sidecar (plugin-barman-cloud
 * containers/Dockerfile.sidecar: `FROM ghcr.io/cloudnative-pg/plugin-barman-cloud-base:3.17.0-202601131704`,
 * itself python:3.14-slim-bookworm with the sidecar's requirements, containers/Dockerfile.barmanbase).
 * The sidecar image itself is distroless (no shell), and the `standard` Postgres images carry no
 * Barman tools (components/database/cnpg.ts).
 */
export const BARMAN_CLOUD_IMAGE =
  "ghcr.io/cloudnative-pg/plugin-barman-cloud-base:3.17.0-202601131704";

/** User of the CloudNativePG Postgres images (initdb needs a user with a passwd entry). */
export const POSTGRES_IMAGE_UID = 26;

/** The two kinds of check: a logical dump, and a base backup replayed with WAL to a position. */
export type RestoreCheckKind = "dump" | "pitr";

/** Scratch directory of the check pod: the fetched backup, the scratch cluster, its socket. */
export const SCRATCH = "/scratch";

/** WAL segment size of the clusters (initdb's default, which CloudNativePG keeps). */
export const WAL_SEGMENT_BYTES = 16 * 1024 * 1024;

/**
 * Every valid B-tree index checked with amcheck's `bt_index_check(index, heapallindexed => true)`:
 * the index's structure, and that every heap tuple is in it (PostgreSQL docs, F.2 amcheck).
 */
export const AMCHECK_SQL = [
  "SELECT count(bt_index_check(c.oid::regclass, true))",
  "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid",
  "JOIN pg_am am ON am.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace",
  "WHERE am.amname = 'btree' AND i.indisvalid AND c.relpersistence = 'p'",
  "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'",
].join(" ");

/**
 * The fetch of a dump-based check (first init container, the backup store's client): records when
 * the restore started, then copies the newest daily dump and its `.counts` manifest, or for a
 * point-in-time check the manifest alone (it names the WAL position to restore to).
 * Variables: TARGET_URL, BACKUP_BUCKET and the tool's credentials.
 */
export function fetchDumpScript(tool: StoreTool, kind: RestoreCheckKind, dir = SCRATCH): string {
  const prefix = `${DUMP_PREFIX}/daily/`;
  const lines = ["set -eu", `date +%s > ${dir}/STARTED`];
  if (tool === "mc")
    lines.push(
      'mc alias set target "$TARGET_URL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" --api S3v4 >/dev/null',
      // Dump names are <database>_<YYYYmmdd_HHMMSS>.dump.gz: the newest sorts last.
      `newest="$(mc find "target/$BACKUP_BUCKET/${prefix}" --name '*.dump.gz' | sort | tail -n 1)"`,
    );
  else
    lines.push(
      `newest="$(aws s3 ls --endpoint-url "$TARGET_URL" "s3://$BACKUP_BUCKET/${prefix}" | awk '{ print $4 }' | grep '[.]dump[.]gz$' | sort | tail -n 1)"`,
      `[ -z "$newest" ] || newest="s3://$BACKUP_BUCKET/${prefix}$newest"`,
    );
  lines.push(
    `if [ -z "$newest" ]; then echo "no dump under ${prefix} of the backup bucket" >&2; exit 1; fi`,
    'echo "restore check of $newest"',
  );
  const copy = (from: string, to: string) =>
    tool === "mc"
      ? `mc cp --quiet "${from}" "${to}"`
      : `aws s3 cp --only-show-errors --endpoint-url "$TARGET_URL" "${from}" "${to}"`;
  if (kind === "dump") lines.push(copy("$newest", `${dir}/dump.gz`));
  lines.push(copy("${newest%.dump.gz}.counts", `${dir}/dump.counts`));
  return lines.join("\n");
}

/**
 * Picks the base backup and lists the WAL to fetch (run by python3 in the Barman image): the newest
 * DONE backup that ended at or before the target position, then every segment from its first to
 * the one holding the target, plus the next one in case the last record crosses into it.
 * Arguments: target LSN, the JSON of `barman-cloud-backup-list --format json`.
 */
export const PICK_BACKUP_PY = `import json, sys
def lsn(s):
    hi, lo = s.split("/")
    return (int(hi, 16) << 32) + int(lo, 16)
target = lsn(sys.argv[1])
seg = ${WAL_SEGMENT_BYTES}
per_id = 0x100000000 // seg
done = [b for b in json.load(open(sys.argv[2]))["backups_list"]
        if b.get("status") == "DONE" and b.get("end_xlog") and lsn(b["end_xlog"]) <= target]
if not done:
    sys.exit("no completed base backup ends before " + sys.argv[1])
b = max(done, key=lambda b: lsn(b["end_xlog"]))
tli = int(b["begin_wal"][:8], 16)
first = int(b["begin_wal"][8:16], 16) * per_id + int(b["begin_wal"][16:24], 16)
print(b["backup_id"])
for n in range(first, target // seg + 2):
    print("%08X%08X%08X" % (tli, n // per_id, n % per_id))
`;

/**
 * The fetch of a point-in-time check (second init container, BARMAN_CLOUD_IMAGE): restores the
 * base backup PICK_BACKUP_PY chooses into `<dir>/pgdata` and the WAL up to the manifest's position
 * into `<dir>/wal`, from CloudNativePG's archive `s3://<bucket>/postgres/<server>/`.
 * Variables: TARGET_URL, BACKUP_BUCKET, SERVER_NAME and S3 credentials (keys or the pod's role).
 */
export function fetchBaseBackupScript(dir = SCRATCH): string {
  const cloud =
    '--cloud-provider aws-s3 --endpoint-url "$TARGET_URL" "s3://$BACKUP_BUCKET/postgres/" "$SERVER_NAME"';
  return [
    "set -eu",
    `lsn="$(awk -F '\\t' '$1 == "#lsn" { print $2 }' ${dir}/dump.counts)"`,
    `if [ -z "$lsn" ]; then echo "the dump's manifest names no WAL position (taken on a standby?)" >&2; exit 1; fi`,
    `barman-cloud-backup-list --format json ${cloud} > ${dir}/backups.json`,
    `python3 -c ${shellQuote(PICK_BACKUP_PY)} "$lsn" ${dir}/backups.json > ${dir}/PLAN`,
    `backup="$(head -n 1 ${dir}/PLAN)"`,
    'echo "base backup $backup, WAL up to $lsn"',
    `barman-cloud-restore ${cloud} "$backup" ${dir}/pgdata`,
    `mkdir -p ${dir}/wal`,
    `last="$(tail -n 1 ${dir}/PLAN)"`,
    `tail -n +2 ${dir}/PLAN | while read -r wal; do`,
    // The segment after the target's may not be archived yet: only that one may be missing.
    `  barman-cloud-wal-restore ${cloud} "$wal" "${dir}/wal/$wal" || [ "$wal" = "$last" ]`,
    "done",
  ].join("\n");
}

/**
 * Compares two sorted row-count files (`schema.table<TAB>rows`), the manifest first: every table on
 * both sides, each within `tolerance` percent, none empty where the manifest counted rows. Prints
 * `rows: <n> in <tables> tables match the manifest` or one line per difference, on stderr, and
 * exits non-zero on a difference. The arguments are shell words.
 */
export function compareRowsCommand(expected: string, restored: string, tolerance: string): string {
  return (
    `awk -F '\\t' -v pct=${tolerance} '` +
    [
      "NR == FNR { want[$1] = $2; next }",
      "{ got[$1] = $2 }",
      "END {",
      "bad = 0; rows = 0; n = 0",
      'for (t in want) { n++; if (!(t in got)) { print "missing table " t; bad = 1; continue }',
      "d = got[t] - want[t]; if (d < 0) d = -d; allow = int(want[t] * pct / 100 + 0.999999); rows += got[t]",
      'if (d > allow || (want[t] > 0 && got[t] == 0)) { print t ": restored " got[t] " rows, manifest " want[t]; bad = 1 } }',
      'for (t in got) if (!(t in want)) { print "table not in the manifest: " t; bad = 1 }',
      'if (!bad) print "rows: " rows " in " n " tables match the manifest"',
      "exit bad }",
    ].join("\n") +
    `' ${expected} ${restored} >&2`
  );
}

/** What the restore step checks against, and how long it may take. */
export interface RestoreCheckOptions {
  /** Scratch directory, as the fetch left it. @default SCRATCH */
  dir?: string;
}

/**
 * The restore step (main container, the database's Postgres image): starts a scratch Postgres on a
 * Unix socket in the scratch directory, restores into it, checks every B-tree index with amcheck,
 * counts the rows of every table and compares them with the manifest the dump job wrote in the
 * dump's own snapshot, then fails when the whole restore, fetch included, took longer than the
 * RTO. The last line is always `restore-check kind=... result=... seconds=... rto_seconds=...`,
 * also written to the termination message, where `kubectl get pod` shows it.
 *
 * - dump: `pg_restore --exit-on-error` of the newest dump into a fresh cluster; rows must equal
 *   the manifest exactly (same snapshot).
 * - pitr: the base backup replayed with the archived WAL to the position the dump job recorded
 *   right after exporting its snapshot (`recovery_target_lsn`), then promoted; rows must match the
 *   manifest within PITR_TOLERANCE_PCT percent per table (transactions that committed in the
 *   instant between the snapshot and reading the position are replayed too), and no table the
 *   manifest counts rows in may come back empty.
 * Variables: RTO_SECONDS, PGDATABASE (pitr: the database to check), PITR_TOLERANCE_PCT (pitr),
 * PG_BIN (a directory of Postgres programs to put first on PATH), TERMINATION_LOG.
 */
export function restoreCheckScript(kind: RestoreCheckKind, opts: RestoreCheckOptions = {}): string {
  const dir = opts.dir ?? SCRATCH;
  const lines = [
    "set -eu",
    'PATH="${PG_BIN:+$PG_BIN:}$PATH"',
    `scratch=${dir}`,
    'data="$scratch/pgdata"',
    'sock="$scratch/socket"',
    'started="$(cat "$scratch/STARTED" 2>/dev/null || date +%s)"',
    "result=failed",
    `kind=${kind}`,
    "finish() {",
    "  code=$?",
    '  pg_ctl -D "$data" -m fast -w stop >/dev/null 2>&1 || true',
    "  seconds=$(( $(date +%s) - started ))",
    '  if [ "$code" -eq 0 ] && [ "$seconds" -gt "$RTO_SECONDS" ]; then result=rto-exceeded; code=1; fi',
    '  if [ "$code" -ne 0 ] && [ "$result" = ok ]; then result=failed; fi',
    '  line="restore-check kind=$kind result=$result seconds=$seconds rto_seconds=$RTO_SECONDS"',
    '  echo "$line"',
    '  if [ -w "${TERMINATION_LOG:-/dev/termination-log}" ]; then echo "$line" > "${TERMINATION_LOG:-/dev/termination-log}"; fi',
    '  exit "$code"',
    "}",
    "trap finish EXIT",
    'mkdir -p "$sock"',
    'export PGHOST="$sock" PGPORT=5432 PGUSER=postgres',
    'grep -v "^#" "$scratch/dump.counts" | LC_ALL=C sort > "$scratch/expected.counts"',
    'echo "manifest: $(wc -l < "$scratch/expected.counts") tables"',
  ];
  if (kind === "dump")
    lines.push(
      'initdb -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-sync >/dev/null',
      `pg_ctl -D "$data" -l "$scratch/postgres.log" -w -t 600 -o "-c listen_addresses= -c unix_socket_directories=$sock -c port=5432" start >/dev/null`,
      "createdb restored",
      "export PGDATABASE=restored",
      // pipefail is not POSIX: a gzip failure (a truncated dump) is caught through a marker file.
      '{ gzip -dc "$scratch/dump.gz" || echo failed > "$scratch/GUNZIP_FAILED"; } | pg_restore --exit-on-error --no-owner --no-privileges -d restored',
      'if [ -e "$scratch/GUNZIP_FAILED" ]; then echo "the dump is not a whole gzip file" >&2; exit 1; fi',
      "tolerance=0",
    );
  else
    lines.push(
      'lsn="$(awk -F \'\\t\' \'$1 == "#lsn" { print $2 }\' "$scratch/dump.counts")"',
      'chmod 0700 "$data"',
      // The archive's configuration belongs to the source (its certificates, archive command,
      // preloaded libraries): the scratch server starts from its own file instead.
      'rm -f "$data/postmaster.pid" "$data/standby.signal"',
      ': > "$data/postgresql.auto.conf"',
      ': > "$data/recovery.signal"',
      'printf "local all all trust\\n" > "$scratch/pg_hba.conf"',
      ': > "$scratch/pg_ident.conf"',
      'cat > "$scratch/scratch.conf" <<EOF',
      "data_directory = '$data'",
      "hba_file = '$scratch/pg_hba.conf'",
      "ident_file = '$scratch/pg_ident.conf'",
      "listen_addresses = ''",
      "unix_socket_directories = '$sock'",
      "port = 5432",
      "archive_mode = off",
      // Without hot standby the server takes no connections before it is promoted at the target.
      "hot_standby = off",
      "restore_command = 'cp $scratch/wal/%f %p'",
      "recovery_target_lsn = '$lsn'",
      "recovery_target_action = 'promote'",
      "EOF",
      `pg_ctl -D "$data" -l "$scratch/postgres.log" -W -o "-c config_file=$scratch/scratch.conf" start >/dev/null`,
      // Replay ends in promotion at the target, or the server stops (WAL missing, target not
      // reached): its pid file goes, or it logs that it gave up before the file was seen.
      "waited=0",
      "seen=no",
      'until [ "$(psql -X -qAt -d "$PGDATABASE" -c "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ]; do',
      '  if [ -e "$data/postmaster.pid" ]; then seen=yes; fi',
      '  if { [ "$seen" = yes ] && [ ! -e "$data/postmaster.pid" ]; } || grep -q -e "aborting startup" -e "database system is shut down" "$scratch/postgres.log" 2>/dev/null || [ "$waited" -ge "${START_TIMEOUT_SECONDS:-3600}" ]; then',
      '    tail -n 20 "$scratch/postgres.log" >&2; echo "recovery did not reach $lsn" >&2; exit 1',
      "  fi",
      "  sleep 1; waited=$((waited + 1))",
      "done",
      'grep -q "consistent recovery state reached" "$scratch/postgres.log"',
      'grep -q "recovery stopping after WAL location" "$scratch/postgres.log"',
      'echo "replayed to $lsn and promoted"',
      'tolerance="${PITR_TOLERANCE_PCT:-1}"',
    );
  lines.push(
    `amcheck="$(psql -X -qAt -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'amcheck'")"`,
    'if [ "$amcheck" = 1 ]; then',
    '  psql -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION IF NOT EXISTS amcheck" >/dev/null',
    `  echo "amcheck: $(psql -X -qAt -v ON_ERROR_STOP=1 -c ${shellQuote(AMCHECK_SQL)}) B-tree indexes intact"`,
    "else",
    '  echo "amcheck: not in this image, indexes not checked"',
    "fi",
    `psql -X -qAt -v ON_ERROR_STOP=1 -c ${shellQuote(ROW_COUNT_SQL)} | LC_ALL=C sort > "$scratch/restored.counts"`,
    // Per table: present on both sides, within the tolerance, and not empty where rows were counted.
    compareRowsCommand('"$scratch/expected.counts"', '"$scratch/restored.counts"', '"$tolerance"'),
    "result=ok",
  );
  return lines.join("\n");
}
