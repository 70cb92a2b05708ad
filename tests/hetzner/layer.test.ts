import * as pulumi from "@pulumi/pulumi";
import { machineByName, PROFILES, SERVICES, TIER_BUDGETS } from "../../catalog";
import {
  CCM_CHART,
  CSI_CHART,
  hetznerCluster,
  HETZNER_CHARTS,
  kubeconfigOrStop,
  KUBECONFIG_KEY,
  KubeconfigMissingError,
} from "../../components/hetzner";
import { parse } from "yaml";
import { priceStack } from "../../plan/cost";
import { PLACEHOLDER_SECRET } from "../../plan/stack";
import type { Registered } from "../../plan/mocks";
import { evaluatePolicies } from "../../plan/policy";
import { policyConfig } from "../../plan/policy-config";
import "../../plan/pricers";
import { hetznerSelectorMatches } from "../../policies/lib/k8s";
import { policies } from "../../policies/list";
import { ofType, one, record } from "../helpers/mocks";
import {
  FIREWALL,
  isInternet,
  recordLayer,
  recordStack,
  SERVER,
  stackConfig,
  VOLUME,
} from "./helpers";

let production: { rs: Registered[]; config: ReturnType<typeof stackConfig> };
let small: { rs: Registered[]; config: ReturnType<typeof stackConfig> };

beforeAll(async () => {
  production = await recordStack("production-hetzner");
  small = await recordStack("small");
});

const servers = (rs: Registered[]) => ofType(rs, SERVER);
const roleOf = (s: Registered): string | undefined => s.inputs.labels["platform/role"];
const volumeOf = (rs: Registered[], server: Registered) =>
  ofType(rs, VOLUME).filter((v) => v.inputs.name === `${server.inputs.name}-data`);

describe("the production-hetzner stack", () => {
  it("creates the six documented nodes and three k3s servers, Ubuntu 24.04 in the configured location", () => {
    const s = servers(production.rs);
    expect(s.map((x) => roleOf(x) ?? "control-plane").sort()).toEqual([
      "app",
      "app",
      "control-plane",
      "control-plane",
      "control-plane",
      "db",
      "gateway",
      "monitoring",
      "storage",
    ]);
    for (const x of s) expect(x.inputs).toMatchObject({ image: "ubuntu-24.04", location: "fsn1" });
  });

  it("gives each role a server type with at least the documented cores and memory", () => {
    for (const s of servers(production.rs).filter(roleOf)) {
      const profile = PROFILES[production.config.nodePools[roleOf(s) as "app"]!.profile];
      const type = machineByName("hetzner", s.inputs.serverType)!;
      expect(type.vcpu).toBeGreaterThanOrEqual(profile.vcpu);
      expect(type.memoryGb).toBeGreaterThanOrEqual(profile.memoryGb);
    }
  });

  it("makes up each node's documented disk with an encrypted volume: 2 TB database, 8 TB storage, 1 TB monitoring", () => {
    const total: Record<string, number> = {};
    for (const s of servers(production.rs).filter(roleOf)) {
      const volumes = volumeOf(production.rs, s);
      expect(volumes).toHaveLength(1);
      // Raw for the node's LUKS2 (self-hosted §2.2): Hetzner formats nothing.
      expect(volumes[0].inputs.format).toBeUndefined();
      expect(volumes[0].inputs).toMatchObject({
        deleteProtection: true,
        automount: false,
        labels: { "platform/encryption": "luks2" },
      });
      total[roleOf(s)!] =
        machineByName("hetzner", s.inputs.serverType)!.diskGb + volumes[0].inputs.size;
    }
    expect(total).toEqual({ gateway: 100, app: 500, db: 2000, storage: 8000, monitoring: 1000 });
  });

  it("protects stateful servers (database, storage, monitoring, k3s servers) and every volume, and backs the servers up", () => {
    for (const s of servers(production.rs)) {
      const stateful = ["db", "storage", "monitoring", undefined].includes(roleOf(s));
      expect([
        s.protect,
        s.inputs.deleteProtection,
        s.inputs.rebuildProtection,
        s.inputs.backups,
      ]).toEqual(Array(4).fill(stateful));
    }
    for (const v of ofType(production.rs, VOLUME)) expect(v.protect).toBe(true);
  });

  it("joins every server to its tier's subnet at its planned private address, spread across hosts", () => {
    for (const s of servers(production.rs)) {
      expect(s.inputs.networks).toHaveLength(1);
      expect(s.inputs.networks[0].ip).toMatch(/^10\.0\.0\.\d+$/);
    }
    const pgs = ofType(production.rs, "hcloud:index/placementGroup:PlacementGroup");
    expect(pgs.every((p) => p.inputs.type === "spread")).toBe(true);
    expect(pgs).toHaveLength(6);
    expect(
      ofType(production.rs, "hcloud:index/networkSubnet:NetworkSubnet").map(
        (n) => n.inputs.ipRange,
      ),
    ).toEqual(["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/26"]);
  });

  it("puts every server behind a firewall by label selector", () => {
    const firewalls = ofType(production.rs, FIREWALL);
    for (const s of servers(production.rs)) {
      const covering = firewalls.filter((f) =>
        f.inputs.applyTos.some((t: { labelSelector: string }) =>
          hetznerSelectorMatches(t.labelSelector, s.inputs.labels),
        ),
      );
      expect(covering.map((f) => f.inputs.name)).toContain("platform-test-nodes");
    }
  });

  it("admits no SSH, Kubernetes API or data port from the internet, and web ports only on the gateway", () => {
    const firewalls = ofType(production.rs, FIREWALL);
    for (const f of firewalls)
      for (const r of f.inputs.rules) {
        expect(r.direction).toBe("in");
        if (!r.sourceIps.some(isInternet)) continue;
        if (r.protocol === "icmp") continue;
        expect(r.protocol).toBe("tcp");
        expect(["80", "443"]).toContain(r.port);
        expect(f.inputs.applyTos).toEqual([
          { labelSelector: "platform/cluster=platform-test,platform/role=gateway" },
        ]);
      }
    const ssh = firewalls.flatMap((f) => f.inputs.rules).filter((r: any) => r.port === "2222");
    expect(ssh.map((r: any) => r.sourceIps)).toEqual([["203.0.113.0/24"]]);
  });

  it("raises no mandatory policy violation on any of its resources", async () => {
    const config = production.config;
    const violations = await evaluatePolicies(policies, production.rs, {
      config: policyConfig(config),
      enforcement: "mandatory",
      overrides: {},
    });
    const ours = new Set(production.rs.map((r) => r.urn));
    expect(
      violations.filter((v) => ours.has(v.resource) && v.enforcementLevel === "mandatory"),
    ).toEqual([]);
  });

  it("installs the pinned cloud controller and CSI driver from charts.hetzner.cloud, reading the token from a Secret", () => {
    // The cloud layer's own add-ons (the cluster autoscaler has tests/hetzner/autoscaler.test.ts).
    const releases = ofType(production.rs, "kubernetes:helm.sh/v3:Release").filter((r) =>
      r.name.startsWith("hetzner-addons-"),
    );
    expect(
      releases.map((r) => [r.inputs.chart, r.inputs.version, r.inputs.repositoryOpts.repo]).sort(),
    ).toEqual(
      [
        [CCM_CHART.chart, CCM_CHART.version, HETZNER_CHARTS],
        [CSI_CHART.chart, CSI_CHART.version, HETZNER_CHARTS],
      ].sort(),
    );
    const secret = ofType(production.rs, "kubernetes:core/v1:Secret").find(
      (x) => x.inputs.metadata.name === "hcloud",
    )!;
    expect(secret.inputs.metadata).toEqual({ name: "hcloud", namespace: "kube-system" });
    // The plan's placeholder for the stack file's `hcloud:token: {secure: ...}`.
    expect(secret.inputs.stringData.token).toBe(PLACEHOLDER_SECRET);
  });

  it("hands the platform a provider that waits for the cloud controller and the CSI driver", () => {
    const provider = production.rs.find(
      (r) => r.type === "pulumi:providers:kubernetes" && r.name === "hetzner-addons-provider",
    )!;
    const releases = ofType(production.rs, "kubernetes:helm.sh/v3:Release")
      .filter((r) => r.name.startsWith("hetzner-addons-"))
      .map((r) => r.urn);
    expect(releases).toHaveLength(2);
    expect(provider.dependencies).toEqual(expect.arrayContaining(releases));
  });

  it("gives each server its k3s role in cloud-init: one cluster-init server, the others joining", () => {
    const configs = servers(production.rs).map((s) => {
      const doc = parse(s.inputs.userData);
      return parse(
        doc.write_files.find((f: any) => f.path === "/etc/rancher/k3s/config.yaml").content,
      );
    });
    expect(configs.filter((c) => c["cluster-init"])).toHaveLength(1);
    expect(configs.filter((c) => c.server === "https://10.0.0.202:6443")).toHaveLength(8);
    expect(configs.filter((c) => c["disable-cloud-controller"])).toHaveLength(3);
  });

  it("prices to within the medium tier's documented band", () => {
    const cost = priceStack(production.rs, "hetzner");
    expect(cost.monthlyUsd).toBeGreaterThanOrEqual(TIER_BUDGETS.medium.min);
    expect(cost.monthlyUsd).toBeLessThanOrEqual(TIER_BUDGETS.medium.max!);
    expect(Object.keys(cost.byComponent)).toEqual(
      expect.arrayContaining([
        "hetzner-db",
        "hetzner-storage",
        "hetzner-control-plane",
        "hetzner-gateway-lb",
      ]),
    );
  });
});

describe("the small stack", () => {
  it("is one protected, backed-up server of the small-vps profile that runs the k3s server", () => {
    const [only, ...rest] = servers(small.rs);
    expect(rest).toEqual([]);
    expect(roleOf(only)).toBe("app");
    expect(only.inputs.labels["platform/control-plane"]).toBe("true");
    expect([only.protect, only.inputs.deleteProtection, only.inputs.backups]).toEqual([
      true,
      true,
      true,
    ]);
    const type = machineByName("hetzner", only.inputs.serverType)!;
    expect(type.vcpu).toBeGreaterThanOrEqual(PROFILES["small-vps"].vcpu);
    expect(type.memoryGb).toBeGreaterThanOrEqual(PROFILES["small-vps"].memoryGb);
  });

  it("opens no web port on the server: the load balancer reaches it over the private network", () => {
    const rules = ofType(small.rs, FIREWALL).flatMap((f) => f.inputs.rules);
    expect(rules.filter((r: any) => ["80", "443"].includes(r.port))).toEqual([]);
  });

  it("costs its server with backups, the server's IPv4, an lb11 and the off-site bucket, within the small tier's ceiling", () => {
    const [only] = servers(small.rs);
    const type = machineByName("hetzner", only.inputs.serverType)!;
    const H = SERVICES.hetzner;
    expect(one(small.rs, "platform:hetzner:ObjectStorage").inputs.endpoint).toMatch(
      /^https:\/\/\w+\.your-objectstorage\.com$/,
    );
    // The data moves off the server's own disk onto an encrypted volume of the same size.
    const [volume] = ofType(small.rs, VOLUME);
    expect(volume.inputs.size).toBe(type.diskGb);
    const expected =
      type.monthlyUsd * (1 + H.backups.fraction) +
      H.primaryIpv4.monthlyUsd +
      H.lb11.monthlyUsd +
      H.objectStorage.monthlyUsd +
      type.diskGb * H.volume.perGbMonthUsd;
    const cost = priceStack(small.rs, "hetzner");
    expect(cost.monthlyUsd).toBeCloseTo(expected, 1);
    expect(cost.monthlyUsd).toBeLessThanOrEqual(TIER_BUDGETS.small.max!);
  });
});

describe("secrets and phases", () => {
  it("stops with a clear error naming hcloud:token when the stack has none", async () => {
    const config = stackConfig("small");
    await expect(record(() => hetznerCluster(config), { [KUBECONFIG_KEY]: "k" })).rejects.toThrow(
      /hcloud:token/,
    );
  });

  it("uses the configured kubeconfig as a secret", async () => {
    const out = kubeconfigOrStop("apiVersion: v1", [], "203.0.113.10");
    expect(await (out as any).promise()).toBe("apiVersion: v1");
    expect(await (out as any).isSecret).toBe(true);
  });

  it("without a kubeconfig, stops once the machines exist and says how to fetch it", async () => {
    let built = false;
    const machines = pulumi.output(
      new Promise((resolve) => setTimeout(() => resolve((built = true)), 20)),
    );
    const out = kubeconfigOrStop(undefined, [machines], pulumi.output("203.0.113.10")) as any;
    // In the program this failure ends the run; here the output's eager promises are observed.
    const failures = [out.isKnown, out.isSecret, out.promise()].map((p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    for (const e of await Promise.all(failures)) {
      expect(e).toBeInstanceOf(KubeconfigMissingError);
      expect((e as Error).message).toMatch(
        /kubernetes:kubeconfig is not set[\s\S]*ssh -p 2222 root@203\.0\.113\.10 cat \/etc\/rancher\/k3s\/k3s\.yaml/,
      );
    }
    expect(built).toBe(true);
  });

  it("records an off-site Object Storage target and prices its base fee", async () => {
    const rs = await recordLayer(stackConfig("small"), {
      offsite: {
        endpoint: "https://fsn1.your-objectstorage.com",
        bucket: "b",
        region: "fsn1",
        expectedGb: 200,
      },
    });
    const line = priceStack(rs, "hetzner").lines.find(
      (l) => l.type === "platform:hetzner:ObjectStorage",
    )!;
    expect(line.monthlyUsd).toBeCloseTo(SERVICES.hetzner.objectStorage.monthlyUsd, 2);
  });

  it("never sees a config Hetzner cannot build: the config gate refuses it first, naming the key", () => {
    expect(() => stackConfig("small", { region: "ash" })).toThrow(
      /platform:region: must be one of hetzner's regions: fsn1, nbg1, hel1/,
    );
  });
});
