/**
 * The generated cache files, run by the real Debian programs: two servers made from valkey.conf and
 * the runtime include the start script writes (redis-server reads the same syntax as Valkey), a
 * sentinel from the sentinel template, and HAProxy from haproxy.cfg, which must send clients to
 * whichever server is the primary, before and after the roles swap.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  RUNTIME_INCLUDE,
  SENTINEL_MASTER,
  haproxyConf,
  sentinelConfTemplate,
  valkeyServerConf,
} from "../../components/cache/valkey-topology";
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

const redisServer = requireProgram("redis-server", "redis-server");
const redisCli = requireProgram("redis-cli", "redis-tools");
const haproxy = requireProgram("haproxy", "haproxy");
const PASSWORD = "p".repeat(32);

let work: string | undefined;
const handles: ServerHandle[] = [];
const ports = { primary: 0, replica: 0, sentinel: 0, proxy: 0, health: 0 };

/** redis-cli's answer, or "" when it cannot connect (stdin is not piped: nothing to break). */
function cli(port: number, ...command: string[]): Promise<string> {
  return new Promise((resolve) =>
    execFile(
      redisCli,
      ["-h", LOOPBACK, "-p", String(port), "--no-auth-warning", ...command],
      { env: { ...process.env, REDISCLI_AUTH: PASSWORD }, timeout: 5000 },
      (_error, stdout) => resolve(String(stdout ?? "").trim()),
    ),
  );
}
const ping = (port: number) => async () => (await cli(port, "ping")) === "PONG";

/** valkey.conf as the pods get it, with the pod's paths and port moved into the test directory. */
function serverConf(dir: string, port: number): string {
  const conf = valkeyServerConf(64)
    .replace(/^port 6379$/m, `port ${port}`)
    .replace(/^dir \/data$/m, `dir ${dir}`)
    .replace(`include ${RUNTIME_INCLUDE}`, `include ${dir}/runtime.conf`);
  expect(conf).toContain(`include ${dir}/runtime.conf`);
  return conf;
}

/** What the start script writes, plus a loopback-only bind for the test machine. */
function runtimeInclude(replicaOfPort?: number): string {
  return [
    `requirepass ${PASSWORD}`,
    `masterauth ${PASSWORD}`,
    `replica-announce-ip ${LOOPBACK}`,
    ...(replicaOfPort ? [`replicaof ${LOOPBACK} ${replicaOfPort}`] : []),
    `bind ${LOOPBACK}`,
    "",
  ].join("\n");
}

async function startValkey(name: string, port: number, replicaOfPort?: number) {
  const dir = path.join(work!, name);
  fs.mkdirSync(dir);
  writeFileAs(path.join(dir, "valkey.conf"), serverConf(dir, port));
  writeFileAs(path.join(dir, "runtime.conf"), runtimeInclude(replicaOfPort), undefined, 0o600);
  handles.push(await startServer(redisServer, [path.join(dir, "valkey.conf")], ping(port)));
}

/** Which server answers through the proxy, by the port it reports. */
async function servedBy(port: number): Promise<number | undefined> {
  const info = await cli(port, "info", "server");
  const m = /tcp_port:(\d+)/.exec(info);
  return m ? Number(m[1]) : undefined;
}

async function settled(expected: number): Promise<boolean> {
  for (let i = 0; i < 4; i++) if ((await servedBy(ports.proxy)) !== expected) return false;
  return true;
}

beforeAll(async () => {
  work = makeTempDir("valkey-failover-");
  for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
  await startValkey("primary", ports.primary);
  await startValkey("replica", ports.replica, ports.primary);
  await waitFor("the replica to sync", async () =>
    (await cli(ports.replica, "info", "replication")).includes("master_link_status:up")
      ? true
      : undefined,
  );
}, 60000);

afterAll(async () => {
  for (const h of handles.reverse()) await h.stop();
  removeDir(work);
});

describe("generated cache configuration with the real programs", () => {
  it("the sentinel template, completed as the start script does, monitors the primary", async () => {
    const dir = path.join(work!, "sentinel");
    fs.mkdirSync(dir);
    const conf =
      sentinelConfTemplate(2)
        .replace(/^port 26379$/m, `port ${ports.sentinel}`)
        .replace(/^dir \/run\/sentinel$/m, `dir ${dir}`)
        .replace("@PRIMARY@ 6379", `${LOOPBACK} ${ports.primary}`) +
      [
        `sentinel announce-ip ${LOOPBACK}`,
        `requirepass ${PASSWORD}`,
        `sentinel sentinel-pass ${PASSWORD}`,
        `sentinel auth-pass ${SENTINEL_MASTER} ${PASSWORD}`,
        `bind ${LOOPBACK}`,
        "",
      ].join("\n");
    writeFileAs(path.join(dir, "sentinel.conf"), conf, undefined, 0o600);
    handles.push(
      await startServer(
        redisServer,
        [path.join(dir, "sentinel.conf"), "--sentinel"],
        ping(ports.sentinel),
      ),
    );
    const primary = await cli(
      ports.sentinel,
      "sentinel",
      "get-master-addr-by-name",
      SENTINEL_MASTER,
    );
    expect(primary.split("\n")).toEqual([LOOPBACK, String(ports.primary)]);
    await waitFor("the sentinel to find the replica", async () =>
      (await cli(ports.sentinel, "sentinel", "replicas", SENTINEL_MASTER)).includes(
        String(ports.replica),
      )
        ? true
        : undefined,
    );
  });

  it("HAProxy sends clients to the primary, and to the other server once it is promoted", async () => {
    const dir = path.join(work!, "proxy");
    fs.mkdirSync(dir);
    const cfg = haproxyConf(
      [
        { host: LOOPBACK, port: ports.primary },
        { host: LOOPBACK, port: ports.replica },
      ],
      { address: LOOPBACK, port: ports.proxy, healthPort: ports.health },
    );
    writeFileAs(path.join(dir, "haproxy.cfg"), cfg);
    const check = await run(haproxy, ["-c", "-f", path.join(dir, "haproxy.cfg")], {
      env: { VALKEY_PASSWORD: PASSWORD },
    });
    expect(check.code).toBe(0);
    handles.push(
      await startServer(
        haproxy,
        ["-db", "-f", path.join(dir, "haproxy.cfg")],
        async () => (await fetch(`http://${LOOPBACK}:${ports.health}/ready`)).status === 200,
        { env: { VALKEY_PASSWORD: PASSWORD } },
      ),
    );
    // Settled once consecutive connections all reach the primary (round robin would alternate).
    await waitFor("the proxy to reach only the primary", async () =>
      (await settled(ports.primary)) ? true : undefined,
    );
    expect(await cli(ports.proxy, "set", "k", "before")).toBe("OK");

    // A failover as Sentinel performs it: the replica is promoted, the old primary follows it.
    expect(await cli(ports.replica, "replicaof", "no", "one")).toBe("OK");
    expect(await cli(ports.primary, "replicaof", LOOPBACK, String(ports.replica))).toBe("OK");
    await waitFor(
      "the proxy to follow the new primary",
      async () => ((await settled(ports.replica)) ? true : undefined),
      20000,
    );
    expect(await cli(ports.proxy, "set", "k", "after")).toBe("OK");
    expect(await cli(ports.replica, "get", "k")).toBe("after");
  }, 60000);
});
