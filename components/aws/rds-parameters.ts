/** Parameters whose RDS unit is 8 kB pages; those in kB follow. Postgres documents both units. */
const PAGES_8KB = new Set(["shared_buffers", "effective_cache_size", "wal_buffers"]);
const KILOBYTES = new Set(["work_mem", "maintenance_work_mem"]);
/** Postgres parameters that take effect only on restart ("static" in an RDS parameter group). */
const STATIC = new Set([
  "max_connections",
  "shared_buffers",
  "wal_buffers",
  "shared_preload_libraries",
  "max_wal_senders",
  "max_replication_slots",
]);
/**
 * Parameters RDS sets itself and refuses in a parameter group: TLS (on, with RDS's certificates),
 * WAL level (rds.logical_replication) and hot standby (always on for read replicas).
 */
const RDS_MANAGED = /^(ssl|ssl_cert_file|ssl_key_file|wal_level|hot_standby)$/;

function megabytes(value: string): number {
  const m = /^(\d+)(MB|GB)$/.exec(value);
  if (!m) throw new RangeError(`not a memory size in MB or GB: "${value}"`);
  return Number(m[1]) * (m[2] === "GB" ? 1024 : 1);
}

export interface RdsParameter {
  name: string;
  value: string;
  applyMethod: "immediate" | "pending-reboot";
}

/**
 * The platform's Postgres tuning (components/database/tuning.ts) as an RDS parameter group takes
 * it: memory in RDS's units (8 kB pages or kB, never "2GB"), booleans as 1/0, what RDS manages
 * itself dropped, static parameters applied at the next reboot. Then the RDS-only settings:
 * rds.force_ssl (self-hosted §2.2, encryption in transit) and TLS 1.2 as the floor (§2.1).
 */
export function rdsParameters(params: Record<string, string>): RdsParameter[] {
  const out: RdsParameter[] = [];
  for (const [name, raw] of Object.entries(params)) {
    if (RDS_MANAGED.test(name)) continue;
    let value = raw;
    if (PAGES_8KB.has(name)) value = String(megabytes(raw) * 128);
    else if (KILOBYTES.has(name)) value = String(megabytes(raw) * 1024);
    else if (raw === "on" || raw === "off") value = raw === "on" ? "1" : "0";
    out.push({ name, value, applyMethod: STATIC.has(name) ? "pending-reboot" : "immediate" });
  }
  out.push({ name: "rds.force_ssl", value: "1", applyMethod: "immediate" });
  out.push({ name: "ssl_min_protocol_version", value: "TLSv1.2", applyMethod: "immediate" });
  return out;
}
