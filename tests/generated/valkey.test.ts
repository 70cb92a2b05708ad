/**
 * The generated valkey.conf, loaded by the real Debian `redis-server` (same configuration syntax as
 * Valkey): a password-protected primary and a replica that authenticates with `masterauth`.
 */
import * as fs from "fs";
import * as path from "path";
import {
  VALKEY_SAVE_POINTS,
  quoteValkeyArgument,
  renderValkeyConf,
  valkeyConfig,
  valkeyMaxmemoryMb,
  valkeyServerMemoryMb,
} from "../../components/cache/valkey-config";
import {
  LOOPBACK,
  ServerHandle,
  freePort,
  makeTempDir,
  removeDir,
  requireProgram,
  run,
  startServer,
  waitFor,
  writeFileAs,
} from "../helpers/real-programs";

describe("valkeyConfig", () => {
  it("carries self-hosted §5.2's directives and the tiers document's allkeys-lru, AOF + RDB", () => {
    expect(valkeyConfig({ maxmemoryMb: 8192 })).toEqual({
      maxmemory: "8192mb",
      "maxmemory-policy": "allkeys-lru",
      save: ["900 1", "300 10", "60 10000"],
      appendonly: "yes",
      appendfsync: "everysec",
      "tcp-keepalive": "300",
      timeout: "0",
      "protected-mode": "yes",
    });
  });

  it("sets requirepass and masterauth to the same password, and replicaof on a replica", () => {
    const cfg = valkeyConfig({
      maxmemoryMb: 2048,
      password: "p".repeat(32),
      replicaOf: { host: "cache-0.cache", port: 6379 },
    });
    expect(cfg).toMatchObject({
      requirepass: "p".repeat(32),
      masterauth: "p".repeat(32),
      replicaof: "cache-0.cache 6379",
      "replica-read-only": "yes",
    });
  });

  it("refuses a tiny maxmemory, a short password and a bad replica address", () => {
    expect(() => valkeyConfig({ maxmemoryMb: 10 })).toThrow(/maxmemoryMb/);
    expect(() => valkeyConfig({ maxmemoryMb: 1024, password: "short" })).toThrow(/password/);
    expect(() =>
      valkeyConfig({ maxmemoryMb: 1024, replicaOf: { host: "a b", port: 6379 } }),
    ).toThrow(/host/);
    expect(() =>
      valkeyConfig({ maxmemoryMb: 1024, replicaOf: { host: "a", port: 70000 } }),
    ).toThrow(/port/);
  });

  it("leaves half the server's memory as headroom: 16 GB gives §5.2's 8gb, 4-16 GB the tiers' 2-8GB", () => {
    expect(valkeyMaxmemoryMb(16384)).toBe(8192);
    expect(valkeyMaxmemoryMb(4096)).toBe(2048);
    expect(valkeyServerMemoryMb(8192)).toBe(16384);
    expect(valkeyMaxmemoryMb(valkeyServerMemoryMb(2048))).toBe(2048);
    expect(() => valkeyMaxmemoryMb(64)).toThrow(/serverMemoryMb/);
  });

  it("renders one line per save point and quotes arguments that are not plain", () => {
    const text = renderValkeyConf(
      valkeyConfig({ maxmemoryMb: 256, password: 'has "quotes" and \\ spaces!' }),
    );
    const lines = text.split("\n").filter((l) => l && !l.startsWith("#"));
    expect(lines.filter((l) => l.startsWith("save "))).toEqual(
      VALKEY_SAVE_POINTS.map((p) => `save ${p}`),
    );
    expect(lines).toContain('requirepass "has \\"quotes\\" and \\\\ spaces!"');
    expect(quoteValkeyArgument("allkeys-lru")).toBe("allkeys-lru");
    expect(quoteValkeyArgument("a\tb")).toBe('"a\\x09b"');
    expect(() => renderValkeyConf({ "bad directive": "x" })).toThrow(/directive/);
  });
});

describe("generated valkey.conf on the real redis-server", () => {
  const server = requireProgram("redis-server", "redis-server");
  const cli = requireProgram("redis-cli", "redis-tools");
  // Quotes, a backslash, spaces and a dollar sign: the rendering must survive all of them.
  const password = 'Gen "pass" \\ word $with spaces 0123456789';
  const maxmemoryMb = 256;
  let work: string | undefined;
  let primary: ServerHandle | undefined;
  let replica: ServerHandle | undefined;
  let primaryPort = 0;
  let replicaPort = 0;

  const redisCli = (port: number, args: string[], auth = true) =>
    run(
      cli,
      [
        "-h",
        LOOPBACK,
        "-p",
        String(port),
        ...(auth ? ["-a", password, "--no-auth-warning"] : []),
        ...args,
      ],
      {
        timeoutMs: 5000,
      },
    );

  async function start(name: string, port: number, conf: string): Promise<ServerHandle> {
    const dir = path.join(work!, name);
    fs.mkdirSync(dir);
    const file = path.join(dir, "valkey.conf");
    writeFileAs(file, conf, undefined, 0o600);
    // The rendered file sets no listener; the test pins it to loopback and a free port, and drops
    // the primary's 5 s wait for more replicas before a full sync, which only slows the test.
    return startServer(
      server,
      [
        file,
        "--port",
        String(port),
        "--bind",
        LOOPBACK,
        "--dir",
        dir,
        "--daemonize",
        "no",
        "--repl-diskless-sync-delay",
        "0",
      ],
      async () => (await redisCli(port, ["PING"])).stdout.trim() === "PONG",
      { cwd: dir, timeoutMs: 10000 },
    );
  }

  beforeAll(async () => {
    work = makeTempDir("valkey-generated-");
    primaryPort = await freePort();
    primary = await start(
      "primary",
      primaryPort,
      renderValkeyConf(valkeyConfig({ maxmemoryMb, password })),
    );
    replicaPort = await freePort();
    replica = await start(
      "replica",
      replicaPort,
      renderValkeyConf(
        valkeyConfig({ maxmemoryMb, password, replicaOf: { host: LOOPBACK, port: primaryPort } }),
      ),
    );
  }, 30000);

  afterAll(async () => {
    await replica?.stop("SIGTERM", 5000);
    await primary?.stop("SIGTERM", 5000);
    removeDir(work);
  }, 20000);

  async function configGet(port: number, key: string): Promise<string> {
    const r = await redisCli(port, ["CONFIG", "GET", key]);
    const [name, value] = r.stdout.replace(/\n$/, "").split("\n");
    if (name !== key) throw new Error(`CONFIG GET ${key}: ${r.stdout}${r.stderr}`);
    return value;
  }

  it("reports every generated directive with CONFIG GET", async () => {
    const expected: Record<string, string> = {
      maxmemory: String(maxmemoryMb * 1024 * 1024),
      "maxmemory-policy": "allkeys-lru",
      save: "900 1 300 10 60 10000",
      appendonly: "yes",
      appendfsync: "everysec",
      "tcp-keepalive": "300",
      timeout: "0",
      "protected-mode": "yes",
      requirepass: password,
      masterauth: password,
    };
    const got: Record<string, string> = {};
    for (const key of Object.keys(expected)) got[key] = await configGet(primaryPort, key);
    expect(got).toEqual(expected);
    // Every directive valkeyConfig generates for a primary is covered above.
    expect(Object.keys(valkeyConfig({ maxmemoryMb, password })).sort()).toEqual(
      Object.keys(expected).sort(),
    );
  });

  it("refuses clients without the generated password", async () => {
    const r = await redisCli(primaryPort, ["PING"], false);
    expect(r.stdout + r.stderr).toMatch(/NOAUTH/);
  });

  it("replicates to a replica that authenticates with masterauth, and the replica refuses writes", async () => {
    expect(await configGet(replicaPort, "replicaof")).toBe(`${LOOPBACK} ${primaryPort}`);
    await waitFor(
      "the replica link",
      async () =>
        (await redisCli(replicaPort, ["INFO", "replication"])).stdout.includes(
          "master_link_status:up",
        )
          ? true
          : undefined,
      10000,
    );
    const token = `token-${Date.now()}`;
    expect((await redisCli(primaryPort, ["SET", "replication-check", token])).stdout.trim()).toBe(
      "OK",
    );
    const seen = await waitFor(
      "the key on the replica",
      async () => {
        const value = (await redisCli(replicaPort, ["GET", "replication-check"])).stdout.trim();
        return value === token ? value : undefined;
      },
      10000,
    );
    expect(seen).toBe(token);
    const write = await redisCli(replicaPort, ["SET", "from-replica", "x"]);
    expect(write.stdout + write.stderr).toMatch(/READONLY/);
  });
});
