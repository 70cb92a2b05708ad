import { execFileSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type StackConfig } from "../../config";
import { isPinnedImage } from "../../config/schema";
import {
  EXPORTER_IMAGE,
  HAPROXY_IMAGE,
  VALKEY_IMAGE,
  Valkey,
  ValkeyArgs,
  haproxyConf,
  sentinelConfTemplate,
  sentinelStartScript,
  valkeyStartScript,
  valkeyTopology,
  valkeyVolumeGi,
} from "../../components/cache";
import { VALKEY_SAVE_POINTS, valkeyServerMemoryMb } from "../../components/cache/valkey-config";
import { appEnv } from "../../components/platform/app-env";
import { record, ofType, one } from "../helpers/mocks";
import { validateK8s } from "../helpers/k8s-schema";
import type { Registered } from "../../plan/mocks";

const STS = "kubernetes:apps/v1:StatefulSet";
const stack = (tier: string) =>
  parseStackConfig({ provider: "existing", tier, region: "x", domain: "example.test", apps: [] });
const production = stack("medium");
const local = stack("local");
type Cache = StackConfig["cache"];

const args = (cache: Cache = production.cache, over: Partial<ValkeyArgs> = {}): ValkeyArgs => ({
  cache,
  namespace: "data",
  appsNamespace: "platform",
  monitoringNamespace: "monitoring",
  pools: ["app", "db"],
  storageClass: "fast-ssd",
  ...over,
});
const build = (a: ValkeyArgs, into?: (v: Valkey) => void) => () => {
  const v = new Valkey("cache", a);
  into?.(v);
};
const byName = (rs: Registered[], type: string, name: string) =>
  ofType(rs, type).find((r) => r.inputs.metadata.name === name)!;
const servers = (rs: Registered[]) => byName(rs, STS, "valkey");
const valkeyContainer = (rs: Registered[]) => servers(rs).inputs.spec.template.spec.containers[0];
const configMap = (rs: Registered[]) => one(rs, "kubernetes:core/v1:ConfigMap").inputs.data;

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

describe("Valkey", () => {
  it("runs one primary plus one server per configured replica", async () => {
    for (const replicas of [0, 2, 4]) {
      const rs = await record(build(args({ ...production.cache, replicas })));
      expect(servers(rs).inputs.spec.replicas).toBe(1 + replicas);
    }
  });

  it("renders the documented valkey.conf: maxmemory from cache.memoryMb, allkeys-lru, AOF everysec + RDB", async () => {
    const conf: string = configMap(
      await record(build(args({ ...production.cache, memoryMb: 3072 }))),
    )["valkey.conf"];
    const lines = conf.split("\n");
    for (const line of [
      "maxmemory 3072mb",
      "maxmemory-policy allkeys-lru",
      "appendonly yes",
      "appendfsync everysec",
      "tcp-keepalive 300",
      "timeout 0",
      "dir /data",
      ...VALKEY_SAVE_POINTS.map((p) => `save ${p}`),
    ])
      expect(lines).toContain(line);
    // The runtime include (password, role) comes last, so it wins.
    expect(lines.filter(Boolean).at(-1)).toBe("include /run/valkey/runtime.conf");
  });

  it("keeps the password in a Secret: no ConfigMap line sets it, the start script reads it from the environment", async () => {
    const rs = await record(build(args()));
    const password = byName(rs, "kubernetes:core/v1:Secret", "valkey-auth").inputs.stringData
      .password;
    expect(password).toHaveLength(32);
    for (const text of Object.values(configMap(rs)) as string[]) {
      expect(text).not.toContain(password);
      expect(text).not.toMatch(/^(requirepass|masterauth) (?!\$)/m);
    }
    expect(valkeyStartScript()).toContain('echo "requirepass $VALKEY_PASSWORD"');
    const env = valkeyContainer(rs).env.find((e: any) => e.name === "VALKEY_PASSWORD");
    expect(env.valueFrom.secretKeyRef).toEqual({ name: "valkey-auth", key: "password" });
  });

  it("adds three sentinels with quorum 2 when Sentinel is on and there is a replica", async () => {
    expect(production.cache).toMatchObject({ sentinel: true });
    expect(production.cache.replicas).toBeGreaterThanOrEqual(1);
    const rs = await record(build(args()));
    expect(byName(rs, STS, "valkey-sentinel").inputs.spec.replicas).toBe(3);
    expect(configMap(rs)["sentinel.conf"]).toContain("sentinel monitor primary @PRIMARY@ 6379 2\n");
    expect(valkeyTopology(production.cache)).toEqual({
      servers: 1 + production.cache.replicas,
      shards: 1,
      cluster: false,
      sentinels: 3,
      quorum: 2,
    });
  });

  it("runs a single server without Sentinel when there is no replica to promote", async () => {
    expect(valkeyTopology({ ...production.cache, replicas: 0, sentinel: true }).sentinels).toBe(0);
    const rs = await record(build(args(local.cache)));
    expect(ofType(rs, STS)).toHaveLength(1);
    expect(servers(rs).inputs.spec.replicas).toBe(1);
    expect(ofType(rs, "kubernetes:apps/v1:Deployment")).toHaveLength(0);
    // Apps reach pod 0 directly.
    const svc = byName(rs, "kubernetes:core/v1:Service", "valkey").inputs.spec;
    expect(svc.selector["statefulset.kubernetes.io/pod-name"]).toBe("valkey-0");
  });

  it("puts HAProxy in front when Sentinel may move the primary; it forwards only to role:master", async () => {
    const rs = await record(build(args()));
    const proxy = one(rs, "kubernetes:apps/v1:Deployment").inputs;
    expect(proxy.spec.replicas).toBe(2);
    const svc = byName(rs, "kubernetes:core/v1:Service", "valkey").inputs.spec;
    expect(svc.selector).toEqual(proxy.spec.selector.matchLabels);
    const cfg: string = configMap(rs)["haproxy.cfg"];
    expect(cfg).toContain("tcp-check expect string role:master");
    for (let i = 0; i <= production.cache.replicas; i++)
      expect(cfg).toContain(
        `server valkey-${i} valkey-${i}.valkey-headless.data.svc.cluster.local:6379`,
      );
    expect(() => haproxyConf([])).toThrow();
  });

  it("sizes memory from cache.memoryMb: the request is maxmemory, the limit the headroom rule's server memory", async () => {
    const r = valkeyContainer(
      await record(build(args({ ...production.cache, memoryMb: 2048 }))),
    ).resources;
    expect(r.requests.memory).toBe("2048Mi");
    expect(r.limits.memory).toBe(`${valkeyServerMemoryMb(2048)}Mi`);
  });

  it("persists AOF and RDB on a volume of four times maxmemory, at least 1 GiB", async () => {
    const claim = servers(await record(build(args({ ...production.cache, memoryMb: 2048 })))).inputs
      .spec.volumeClaimTemplates[0].spec;
    expect(claim.resources.requests.storage).toBe("8Gi");
    expect(claim.storageClassName).toBe("fast-ssd");
    expect(valkeyVolumeGi(64)).toBe(1);
    expect(valkeyVolumeGi(8192)).toBe(32);
  });

  it("runs a pinned redis_exporter beside each server on 9121", async () => {
    const pod = servers(await record(build(args()))).inputs.spec.template.spec;
    const exporter = pod.containers.find((c: any) => c.name === "exporter");
    expect(exporter.image).toBe(EXPORTER_IMAGE);
    expect(exporter.ports).toEqual([{ name: "metrics", containerPort: 9121 }]);
    expect(
      exporter.env.find((e: any) => e.name === "REDIS_PASSWORD").valueFrom.secretKeyRef.name,
    ).toBe("valkey-auth");
    for (const image of [VALKEY_IMAGE, EXPORTER_IMAGE, HAPROXY_IMAGE])
      expect(isPinnedImage(image)).toBe(true);
    expect(VALKEY_IMAGE).toMatch(/^valkey\/valkey:8\.\d+\.\d+$/);
  });

  it("probes with an authenticated valkey-cli ping (password from the environment, not the command line)", async () => {
    const c = valkeyContainer(await record(build(args())));
    expect(c.readinessProbe.exec.command.join(" ")).toContain("valkey-cli -p 6379 ping");
    expect(c.livenessProbe.exec.command.join(" ")).toContain("valkey-cli -p 6379 ping");
    expect(c.readinessProbe.exec.command.join(" ")).not.toContain("-a ");
    expect(c.env.map((e: any) => e.name)).toEqual(
      expect.arrayContaining(["REDISCLI_AUTH", "VALKEYCLI_AUTH"]),
    );
  });

  it("runs as the image's valkey user (999) under the restricted profile, on the db pool", async () => {
    const pod = servers(await record(build(args()))).inputs.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, fsGroup: 999 });
    for (const c of pod.containers)
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      });
    expect(pod.nodeSelector).toEqual({ "platform/role": "db" });
  });

  it("protects the servers' StatefulSet and gives every multi-pod workload a disruption budget", async () => {
    const rs = await record(build(args()));
    expect(servers(rs).protect).toBe(true);
    const pdbs = ofType(rs, "kubernetes:policy/v1:PodDisruptionBudget")
      .map((p) => p.inputs.metadata.name)
      .sort();
    expect(pdbs).toEqual(["valkey", "valkey-proxy", "valkey-sentinel"]);
    expect(
      ofType(await record(build(args(local.cache))), "kubernetes:policy/v1:PodDisruptionBudget"),
    ).toHaveLength(0);
  });

  it("admits 6379 and 26379 from the apps and its own pods, 9121 from monitoring", async () => {
    const np = one(await record(build(args())), "kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .inputs.spec;
    const data = np.ingress[0];
    expect(data.ports.map((p: any) => p.port)).toEqual([6379, 26379]);
    expect(data.from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe(
      "platform",
    );
    expect(data.from[1].podSelector.matchLabels["app.kubernetes.io/instance"]).toBe("valkey");
    expect(np.ingress[1]).toEqual({
      from: [
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } },
      ],
      ports: [{ protocol: "TCP", port: 9121 }],
    });
  });

  it("hands the apps REDIS_URL with the password, on the primary's Service", async () => {
    let v!: Valkey;
    const rs = await record(build(args(), (x) => (v = x)));
    const password = byName(rs, "kubernetes:core/v1:Secret", "valkey-auth").inputs.stringData
      .password;
    expect(await valueOf(appEnv({ cache: v.endpoint }).REDIS_URL)).toBe(
      `redis://:${password}@valkey.data.svc:6379/0`,
    );
  });

  it("start scripts are valid shell", () => {
    for (const script of [valkeyStartScript(), sentinelStartScript()])
      expect(() => execFileSync("sh", ["-n"], { input: script })).not.toThrow();
    expect(sentinelConfTemplate(2)).toContain("sentinel resolve-hostnames yes");
  });

  it("refuses to build when the cache is not self-hosted", () => {
    expect(() => new Valkey("x", args({ ...production.cache, mode: "managed" }))).toThrow(
      /self-hosted/,
    );
  });

  it("registers only objects valid against the Kubernetes schema", async () => {
    for (const cache of [production.cache, local.cache]) {
      const rs = await record(build(args(cache)));
      expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
    }
  });
});

describe("Valkey in cluster mode", () => {
  const clusterCache: Cache = {
    ...production.cache,
    shards: 5,
    replicas: 1,
    sentinel: false,
    memoryMb: 1024,
  };
  let rs: Registered[];
  let valkey: Valkey | undefined;
  beforeAll(async () => {
    rs = await record(build(args(clusterCache), (v) => (valkey = v)));
  });

  it("runs one protected StatefulSet per shard: 5 × (primary + replica) = 10 servers", () => {
    const sets = ofType(rs, STS);
    expect(sets.map((s) => s.inputs.metadata.name)).toEqual(
      [0, 1, 2, 3, 4].map((s) => `valkey-shard-${s}`),
    );
    expect(sets.reduce((n, s) => n + s.inputs.spec.replicas, 0)).toBe(10);
    for (const s of sets) {
      expect(s.protect).toBe(true);
      expect(s.inputs.spec.serviceName).toBe("valkey-headless");
    }
    // No Sentinel, no HAProxy: the cluster fails over by itself.
    expect(ofType(rs, "kubernetes:apps/v1:Deployment")).toHaveLength(0);
  });

  it("keeps a shard's primary and replica off one node and one pod of a shard out at a time", () => {
    for (const set of ofType(rs, STS)) {
      const labels = set.inputs.spec.selector.matchLabels;
      expect(labels["platform/valkey-shard"]).toBeDefined();
      const term =
        set.inputs.spec.template.spec.affinity.podAntiAffinity
          .preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
      expect(term).toEqual({
        topologyKey: "kubernetes.io/hostname",
        labelSelector: { matchLabels: labels },
      });
      const pdb = byName(rs, "kubernetes:policy/v1:PodDisruptionBudget", set.inputs.metadata.name);
      expect(pdb.inputs.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: labels } });
    }
  });

  it("forms the cluster with a Job that waits for the servers and names every node shard by shard", async () => {
    const job = one(rs, "kubernetes:batch/v1:Job");
    const sets = ofType(rs, STS).map((r) => r.urn);
    expect(job.dependencies).toEqual(expect.arrayContaining(sets));
    const container = job.inputs.spec.template.spec.containers[0];
    expect(container.image).toBe(VALKEY_IMAGE);
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.REPLICAS).toBe("1");
    expect(env.NODES.split(" ")).toHaveLength(10);
    expect(env.NODES.split(" ")[1]).toBe(
      "valkey-shard-0-1.valkey-headless.data.svc.cluster.local:6379",
    );
    expect(env.REDISCLI_AUTH).toEqual({ secretKeyRef: { name: "valkey-auth", key: "password" } });
    const files = configMap(rs);
    expect(files["valkey.conf"]).toContain("cluster-enabled yes\n");
    expect(files["create-cluster.sh"]).toContain("--cluster create");
  });

  it("opens the cluster bus (6379 + 10000) between the servers alone", () => {
    const ingress = byName(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "valkey-ingress")
      .inputs.spec.ingress;
    const bus = ingress.filter((r: any) => r.ports.some((p: any) => p.port === 16379));
    expect(bus).toHaveLength(1);
    expect(bus[0].from).toEqual([
      {
        podSelector: {
          matchLabels: expect.objectContaining({ "app.kubernetes.io/component": "server" }),
        },
      },
    ]);
  });

  it("hands the apps a seed on every server with REDIS_CLUSTER=true and no database number", async () => {
    const svc = byName(rs, "kubernetes:core/v1:Service", "valkey").inputs.spec;
    expect(svc.selector["statefulset.kubernetes.io/pod-name"]).toBeUndefined();
    expect(svc.selector["app.kubernetes.io/component"]).toBe("server");
    const env = appEnv({ cache: valkey!.endpoint });
    expect(await valueOf(env.REDIS_CLUSTER)).toBe("true");
    expect(await valueOf(env.REDIS_URL)).toMatch(/^redis:\/\/:[^@]+@valkey\.data\.svc:6379$/);
  });

  it("registers only objects valid against the Kubernetes schema", () => {
    expect(rs.map(validateK8s).filter(Boolean)).toEqual([]);
  });
});
