/**
 * The self-hosted cache in cluster mode, run by the real Debian programs: six servers (3 shards of
 * a primary and a replica) from the generated valkey.conf and the start script's runtime include,
 * formed by the creation Job's script with redis-cli (the same CLI and configuration syntax as
 * Valkey's). The script must give each shard's replica to its own primary, leave a formed cluster
 * alone when run again, and the cluster must serve keys across shards.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  CLUSTER_DIRECTIVES,
  VALKEY_BUS_PORT,
  clusterCreateScript,
  clusterNodes,
  clusterPods,
  valkeyClusterConf,
  valkeyClusterStartScript,
} from "../../components/cache/valkey-cluster";
import { RUNTIME_INCLUDE, VALKEY_PORT } from "../../components/cache/valkey-topology";
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
const PASSWORD = "c".repeat(32);
const SHARDS = 3;
const REPLICAS = 1;

let work: string | undefined;
const handles: ServerHandle[] = [];
const ports: number[] = [];

async function cli(port: number, ...command: string[]): Promise<string> {
  const r = await run(
    redisCli,
    ["-h", LOOPBACK, "-p", String(port), "--no-auth-warning", ...command],
    {
      env: { REDISCLI_AUTH: PASSWORD },
      timeoutMs: 5000,
    },
  );
  return r.stdout.trim();
}
const info = async (port: number, key: string) =>
  new RegExp(`^${key}:(.*)$`, "m").exec(await cli(port, "cluster", "info"))?.[1]?.trim();

function createCluster(nodes: number[] = ports) {
  return run("sh", ["-c", clusterCreateScript()], {
    env: {
      CLI: redisCli,
      NODES: nodes.map((p) => `${LOOPBACK}:${p}`).join(" "),
      REPLICAS: String(REPLICAS),
      REDISCLI_AUTH: PASSWORD,
      WAIT_SECONDS: "60",
    },
    timeoutMs: 90000,
  });
}

/** A server from the generated files, as a pod runs it, on free ports of the test machine. */
async function startNode(name: string): Promise<number> {
  const port = await freePort();
  const bus = await freePort();
  const dir = path.join(work!, name);
  fs.mkdirSync(dir);
  // valkey.conf as the pods get it, with the pod's paths and ports moved into the test directory.
  const conf = valkeyClusterConf(64)
    .replace(/^port 6379$/m, `port ${port}`)
    .replace(/^dir \/data$/m, `dir ${dir}`)
    .replace(`include ${RUNTIME_INCLUDE}`, `include ${dir}/runtime.conf`);
  expect(conf).toContain(`include ${dir}/runtime.conf`);
  writeFileAs(path.join(dir, "valkey.conf"), conf);
  // What the start script writes, plus a loopback bind and a free bus port for the test machine
  // (in the pods the bus is the data port + 10000).
  writeFileAs(
    path.join(dir, "runtime.conf"),
    [
      `requirepass ${PASSWORD}`,
      `masterauth ${PASSWORD}`,
      `cluster-announce-hostname localhost`,
      `bind ${LOOPBACK}`,
      `cluster-port ${bus}`,
      "",
    ].join("\n"),
    undefined,
    0o600,
  );
  handles.push(
    await startServer(
      redisServer,
      [path.join(dir, "valkey.conf")],
      async () => (await cli(port, "ping")) === "PONG",
    ),
  );
  return port;
}

/** Waits until every node sees a whole cluster of them all. */
async function whole(nodes: number[]) {
  for (const port of nodes)
    await waitFor(
      `node ${port} to see the whole cluster`,
      async () =>
        (await info(port, "cluster_state")) === "ok" &&
        Number(await info(port, "cluster_known_nodes")) === nodes.length
          ? true
          : undefined,
      30000,
    );
}

/** Each shard's replica follows that shard's primary (nodes listed shard by shard). */
async function expectShardsPaired(nodes: number[]) {
  for (let shard = 0; shard < nodes.length / (1 + REPLICAS); shard++) {
    const primary = nodes[shard * (1 + REPLICAS)];
    const replica = nodes[shard * (1 + REPLICAS) + 1];
    const primaryId = await cli(primary, "cluster", "myid");
    const replicaLine = (await cli(replica, "cluster", "nodes"))
      .split("\n")
      .find((l) => l.includes("myself"))!;
    expect(replicaLine).toMatch(new RegExp(`(slave|replica) ${primaryId} `));
  }
}

beforeAll(async () => {
  work = makeTempDir("valkey-cluster-");
  for (let i = 0; i < SHARDS * (1 + REPLICAS); i++) ports.push(await startNode(`node-${i}`));
}, 60000);

afterAll(async () => {
  for (const h of handles.reverse()) await h.stop();
  removeDir(work);
});

describe("Valkey cluster files", () => {
  it("names the cluster's pods shard by shard, primary first, and their stable DNS names", () => {
    expect(clusterPods(2, 1)).toEqual([
      ["valkey-shard-0-0", "valkey-shard-0-1"],
      ["valkey-shard-1-0", "valkey-shard-1-1"],
    ]);
    expect(clusterNodes(2, 1, "data", "cluster.local")[1]).toBe(
      "valkey-shard-0-1.valkey-headless.data.svc.cluster.local:6379",
    );
    expect(VALKEY_BUS_PORT).toBe(VALKEY_PORT + 10000);
  });

  it("enables cluster mode with the node table on the data volume", () => {
    const lines = valkeyClusterConf(1024).split("\n");
    for (const [directive, value] of Object.entries(CLUSTER_DIRECTIVES))
      expect(lines).toContain(`${directive} ${value}`);
    expect(lines).toContain("dir /data");
    expect(lines.filter(Boolean).at(-1)).toBe(`include ${RUNTIME_INCLUDE}`);
  });

  it("scripts are valid shell", () => {
    for (const script of [valkeyClusterStartScript(), clusterCreateScript()])
      expect(() => execFileSync("sh", ["-n"], { input: script })).not.toThrow();
  });
});

describe("Valkey cluster with the real programs", () => {
  it("redis-server loads the generated cluster configuration as a cluster node", async () => {
    expect(await cli(ports[0], "info", "cluster")).toContain("cluster_enabled:1");
    expect(await cli(ports[0], "config", "get", "cluster-preferred-endpoint-type")).toContain(
      "hostname",
    );
  });

  it("the creation script forms 3 shards and gives each shard's replica to its own primary", async () => {
    const result = await createCluster();
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    expect(result.stdout).toContain(`cluster of ${ports.length} nodes formed`);
    await whole(ports);
    await expectShardsPaired(ports);
    expect(Number(await info(ports[0], "cluster_size"))).toBe(SHARDS);
  }, 120000);

  it("run again, the script leaves the formed cluster alone", async () => {
    const before = await cli(ports[0], "cluster", "nodes");
    const result = await createCluster();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("already formed");
    const ids = (text: string) =>
      text
        .split("\n")
        .map((l) => l.split(" ")[0])
        .sort();
    expect(ids(await cli(ports[0], "cluster", "nodes"))).toEqual(ids(before));
  }, 120000);

  it("a Job retried after the primaries formed adds only the replicas it lacks", async () => {
    const nodes: number[] = [];
    for (let i = 0; i < SHARDS * (1 + REPLICAS); i++) nodes.push(await startNode(`resume-${i}`));
    const primaries = nodes.filter((_, i) => i % (1 + REPLICAS) === 0);
    const first = await run(
      redisCli,
      [
        "--no-auth-warning",
        "--cluster",
        "create",
        ...primaries.map((p) => `${LOOPBACK}:${p}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ],
      { env: { REDISCLI_AUTH: PASSWORD }, timeoutMs: 60000 },
    );
    expect(first.code).toBe(0);
    await whole(primaries);
    const ids = await Promise.all(primaries.map((p) => cli(p, "cluster", "myid")));
    const result = await createCluster(nodes);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/Performing hash slots allocation/);
    await whole(nodes);
    await expectShardsPaired(nodes);
    // The same primaries hold the slots: nothing was created anew.
    expect(await Promise.all(primaries.map((p) => cli(p, "cluster", "myid")))).toEqual(ids);
  }, 120000);

  it("serves keys of every shard to a cluster client (-c follows MOVED)", async () => {
    for (let i = 0; i < 20; i++)
      expect(await cli(ports[0], "-c", "set", `key-${i}`, `v${i}`)).toBe("OK");
    for (let i = 0; i < 20; i++) expect(await cli(ports[3], "-c", "get", `key-${i}`)).toBe(`v${i}`);
    // The keys are spread over the shards: more than one primary holds some.
    const primaries = [0, 1, 2].map((shard) => ports[shard * (1 + REPLICAS)]);
    const sizes = await Promise.all(primaries.map(async (p) => Number(await cli(p, "dbsize"))));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(20);
    expect(sizes.filter((n) => n > 0).length).toBeGreaterThan(1);
  });
});
