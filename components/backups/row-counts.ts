/**
 * The row-count manifest both the dump job and the restore check write: the same query on both
 * sides, so a restored table is compared with the very rows the dump held.
 */

/**
 * One line per table: `schema.table<TAB>rows`, every permanent table outside the system schemas
 * that no extension owns, sorted. Unlogged and temporary tables are left out: a physical restore
 * brings them back empty. Each table is counted with `count(*)` through `query_to_xml`, so one
 * read-only statement counts every table and reads each of them to the end.
 */
export const ROW_COUNT_SQL = [
  "SELECT format('%I.%I', n.nspname, c.relname) || E'\\t' ||",
  "(xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text",
  "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace",
  "WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p'",
  "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'",
  "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')",
  "ORDER BY 1",
].join(" ");

/** A word for the shell, single-quoted. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
