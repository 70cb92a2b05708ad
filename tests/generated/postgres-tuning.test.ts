import fc from "fast-check";
import {
  POSTGRES_EXTENSIONS,
  effectiveCacheFraction,
  formatMemoryMb,
  postgresParameters,
  quotePostgresValue,
  renderPostgresConf,
} from "../../components/database/tuning";

const mb = (value: string): number => {
  const m = /^(\d+)(MB|GB)$/.exec(value);
  if (!m) throw new Error(`not a memory value: ${value}`);
  return Number(m[1]) * (m[2] === "GB" ? 1024 : 1);
};

describe("postgresParameters: documented servers", () => {
  it("gives self-hosted §5.1's values for its 32 GB database server", () => {
    const p = postgresParameters(32);
    expect(p).toMatchObject({
      shared_buffers: "8GB",
      effective_cache_size: "24GB",
      work_mem: "256MB",
      maintenance_work_mem: "2GB",
      wal_buffers: "64MB",
      checkpoint_completion_target: "0.9",
      random_page_cost: "1.1",
      effective_io_concurrency: "200",
      log_min_duration_statement: "1000",
      log_checkpoints: "on",
      log_connections: "on",
      log_disconnections: "on",
    });
  });

  it("gives the tiers document's small/medium values for an 8 GB server with 200 connections", () => {
    const p = postgresParameters(8, { maxConnections: 200 });
    expect(p).toMatchObject({
      shared_buffers: "2GB",
      effective_cache_size: "4GB",
      work_mem: "16MB",
      maintenance_work_mem: "256MB",
      max_connections: "200",
    });
  });

  it("gives the large tier's shared buffers 16-32GB and effective cache 48-96GB for 64-128 GB", () => {
    expect(postgresParameters(64, { maxConnections: 500 })).toMatchObject({
      shared_buffers: "16GB",
      effective_cache_size: "48GB",
    });
    expect(postgresParameters(128, { maxConnections: 1000 })).toMatchObject({
      shared_buffers: "32GB",
      effective_cache_size: "96GB",
    });
  });

  it("sets the replication settings of self-hosted §6.2 for one replica", () => {
    expect(postgresParameters(32)).toMatchObject({
      wal_level: "replica",
      max_wal_senders: "3",
      max_replication_slots: "3",
      hot_standby: "on",
    });
    expect(postgresParameters(32, { replicas: 5 })).toMatchObject({
      max_wal_senders: "7",
      max_replication_slots: "7",
    });
  });

  it("preloads pg_stat_statements and lists the tiers document's four extensions", () => {
    expect(postgresParameters(8).shared_preload_libraries).toBe("pg_stat_statements");
    expect([...POSTGRES_EXTENSIONS]).toEqual([
      "pg_stat_statements",
      "pgcrypto",
      "uuid-ossp",
      "pg_trgm",
    ]);
  });

  it("turns TLS on with the given certificate, minimum TLS 1.2, and off without one", () => {
    const on = postgresParameters(8, {
      ssl: { certFile: "/tls/tls.crt", keyFile: "/tls/tls.key" },
    });
    expect(on).toMatchObject({
      ssl: "on",
      ssl_cert_file: "/tls/tls.crt",
      ssl_key_file: "/tls/tls.key",
      ssl_min_protocol_version: "TLSv1.2",
    });
    const off = postgresParameters(8);
    expect(off.ssl).toBe("off");
    expect(off).not.toHaveProperty("ssl_cert_file");
  });

  it("uses Postgres' spinning-disk costs when the storage is not SSD", () => {
    expect(postgresParameters(32, { ssd: false })).toMatchObject({
      random_page_cost: "4",
      effective_io_concurrency: "1",
    });
  });

  it("refuses memory below 0.5 GB and connection counts outside the config bounds", () => {
    expect(() => postgresParameters(0.25)).toThrow(/memoryGb/);
    expect(() => postgresParameters(Number.NaN)).toThrow(/memoryGb/);
    expect(() => postgresParameters(8, { maxConnections: 10 })).toThrow(/maxConnections/);
    expect(() => postgresParameters(8, { maxConnections: 100.5 })).toThrow(/maxConnections/);
  });
});

describe("postgresParameters: scaling rule for every size", () => {
  const memory = fc.double({ min: 0.5, max: 1024, noNaN: true });
  const connections = fc.integer({ min: 20, max: 5000 });

  it("keeps shared_buffers at 25 % and effective_cache_size between 50 % and 75 % of memory", () => {
    fc.assert(
      fc.property(memory, connections, (m, c) => {
        const p = postgresParameters(m, { maxConnections: c });
        const total = Math.floor(m * 1024);
        expect(mb(p.shared_buffers)).toBe(Math.floor(total / 4));
        expect(mb(p.effective_cache_size)).toBeGreaterThanOrEqual(Math.floor(total * 0.5));
        expect(mb(p.effective_cache_size)).toBeLessThanOrEqual(Math.floor(total * 0.75));
      }),
    );
  });

  it("keeps work_mem a power of two within 4MB..256MB and maintenance_work_mem within 64MB..2GB", () => {
    fc.assert(
      fc.property(memory, connections, (m, c) => {
        const p = postgresParameters(m, { maxConnections: c });
        const work = mb(p.work_mem);
        const maintenance = mb(p.maintenance_work_mem);
        expect(Number.isInteger(Math.log2(work))).toBe(true);
        expect(work).toBeGreaterThanOrEqual(4);
        expect(work).toBeLessThanOrEqual(256);
        expect(Number.isInteger(Math.log2(maintenance))).toBe(true);
        expect(maintenance).toBeGreaterThanOrEqual(64);
        expect(maintenance).toBeLessThanOrEqual(2048);
        expect(mb(p.wal_buffers)).toBeLessThanOrEqual(64);
      }),
    );
  });

  it("never lowers a memory setting when memory grows, nor raises work_mem when connections grow", () => {
    fc.assert(
      fc.property(memory, memory, connections, connections, (m1, m2, c1, c2) => {
        const [small, large] = m1 <= m2 ? [m1, m2] : [m2, m1];
        const [few, many] = c1 <= c2 ? [c1, c2] : [c2, c1];
        const a = postgresParameters(small, { maxConnections: few });
        const b = postgresParameters(large, { maxConnections: few });
        for (const key of [
          "shared_buffers",
          "effective_cache_size",
          "work_mem",
          "maintenance_work_mem",
          "wal_buffers",
        ])
          expect(mb(b[key])).toBeGreaterThanOrEqual(mb(a[key]));
        expect(
          mb(postgresParameters(large, { maxConnections: many }).work_mem),
        ).toBeLessThanOrEqual(mb(b.work_mem));
      }),
    );
  });

  it("assumes half the memory is cache up to 8 GB and three quarters from 32 GB", () => {
    expect(effectiveCacheFraction(2)).toBe(0.5);
    expect(effectiveCacheFraction(8)).toBe(0.5);
    expect(effectiveCacheFraction(16)).toBeCloseTo(0.625, 10);
    expect(effectiveCacheFraction(32)).toBe(0.75);
    expect(effectiveCacheFraction(256)).toBe(0.75);
  });
});

describe("renderPostgresConf", () => {
  it("writes memory in the largest exact unit", () => {
    expect(formatMemoryMb(2048)).toBe("2GB");
    expect(formatMemoryMb(1536)).toBe("1536MB");
    expect(() => formatMemoryMb(0)).toThrow();
  });

  it("leaves numbers and words bare and single-quotes everything else, doubling quotes", () => {
    expect(quotePostgresValue("0.9")).toBe("0.9");
    expect(quotePostgresValue("replica")).toBe("replica");
    expect(quotePostgresValue("8GB")).toBe("'8GB'");
    expect(quotePostgresValue("/tls/tls.crt")).toBe("'/tls/tls.crt'");
    expect(quotePostgresValue("it's \\ here")).toBe("'it''s \\\\ here'");
    expect(() => quotePostgresValue("a\nb")).toThrow(/line break/);
  });

  it("writes one `name = value` line per parameter and refuses names Postgres would not accept", () => {
    const text = renderPostgresConf({
      shared_buffers: "8GB",
      wal_level: "replica",
      "pg_stat_statements.track": "all",
    });
    expect(text.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([
      "shared_buffers = '8GB'",
      "wal_level = replica",
      "pg_stat_statements.track = all",
    ]);
    expect(() => renderPostgresConf({ "bad name": "1" })).toThrow(/parameter name/);
    expect(() => renderPostgresConf({ "x = 1\nssl": "on" })).toThrow(/parameter name/);
  });
});
