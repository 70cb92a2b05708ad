/**
 * The cluster autoscaler's Hetzner provider honours each pool's bounds, and the servers it makes
 * join k3s as the layer's own agents do. Its rules come from kubernetes/autoscaler at the pinned
 * tags: cluster-autoscaler/cloudprovider/hetzner/README.md (environment, `--nodes`, cluster
 * config), hetzner_cloud_provider.go (pool name pattern) and hetzner_node_group.go (server names).
 */
import { spawnSync } from "child_process";
import fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import {
  AUTOSCALED_ROLES,
  AUTOSCALER_IMAGES,
  autoscaledPools,
  K3S_RELEASES,
  nodesFlag,
  POOL_NAME,
  POOL_NAME_MAX,
  poolName,
  HETZNER_NAME_HASH_LENGTH,
} from "../../components/hetzner";
import { BOOTSTRAP_PATH, bootstrapScript } from "../../components/hetzner/cloud-init";
import { K3S_CONFIG_PATH } from "../../components/hetzner/k3s-config";
import { physicalName } from "../../components/kit/naming";
import { priceStack } from "../../plan/cost";
import "../../plan/pricers";
import type { Registered } from "../../plan/mocks";
import { K8S, ofType, one } from "../helpers/mocks";
import { recordStack, stackConfig } from "./helpers";

const RELEASE = "kubernetes:helm.sh/v3:Release";

let production: { rs: Registered[] };
let small: { rs: Registered[] };
beforeAll(async () => {
  production = await recordStack("production-hetzner");
  small = await recordStack("small");
});

const release = (rs: Registered[]) =>
  ofType(rs, RELEASE).find((r) => r.inputs.chart === "cluster-autoscaler")!;

describe("the pools it scales", () => {
  it("scales the app pool between the servers the layer keeps and the pool's max", () => {
    const config = stackConfig("production-hetzner", {
      nodePools: { app: { min: 2, desired: 3, max: 7 } },
    });
    expect(autoscaledPools(config, "platform-prod")).toEqual([
      {
        name: "platform-prod-app",
        role: "app",
        minSize: 0,
        maxSize: 4,
        instanceType: "cx43",
        region: "fsn1",
      },
    ]);
    expect(nodesFlag(autoscaledPools(config, "platform-prod")[0])).toBe(
      "--nodes=0:4:cx43:fsn1:platform-prod-app",
    );
  });

  it("scales no pool whose max is its desired size, and never a stateful or gateway pool", () => {
    expect(autoscaledPools(stackConfig("small"), "p")).toEqual([]);
    expect(AUTOSCALED_ROLES).toEqual(["app"]);
  });

  it("names every pool as the provider's pattern and Hetzner's host names allow", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.string(), (project, stack) => {
        const prefix = physicalName([project || "p", stack], 40, HETZNER_NAME_HASH_LENGTH);
        fc.pre(prefix.length > 0);
        const name = poolName(prefix, "app");
        expect(name).toMatch(POOL_NAME);
        // `<pool>-<16 hex digits>` is still a 63-character RFC 1123 host name.
        expect(`${name}-${"f".repeat(16)}`).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
      }),
    );
    expect(POOL_NAME_MAX).toBe(46);
    expect(() => poolName("x".repeat(43), "app")).toThrow(/naming rules/);
  });

  it("pins an autoscaler image for every k3s minor, its minor matching the cluster's", () => {
    expect(Object.keys(AUTOSCALER_IMAGES).sort()).toEqual(Object.keys(K3S_RELEASES).sort());
    for (const [minor, tag] of Object.entries(AUTOSCALER_IMAGES))
      expect(tag).toMatch(new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+$`));
  });

  it("the gate refuses a max above desired on a pool it does not scale", () => {
    expect(() => stackConfig("production-hetzner", { nodePools: { db: { max: 3 } } })).toThrow(
      /platform:nodePools\.db\.max: must equal desired \(1\) on hetzner/,
    );
  });
});

describe("in the production-hetzner stack", () => {
  it("runs the pinned chart and image with the Hetzner provider and the pool's bounds", () => {
    const r = release(production.rs);
    expect(r.inputs).toMatchObject({
      chart: "cluster-autoscaler",
      version: "9.50.1",
      namespace: "kube-system",
    });
    const v = r.inputs.values;
    expect(v.cloudProvider).toBe("hetzner");
    const name = v.autoscalingGroups[0].name;
    expect(v.autoscalingGroups).toEqual([
      { name, minSize: 0, maxSize: 1, instanceType: "cx43", region: "fsn1" },
    ]);
    expect(v.image).toEqual({ tag: AUTOSCALER_IMAGES["1.33"] });
    expect(v.resources.requests).toBeDefined();
    expect(v.resources.limits).toBeDefined();
  });

  it("reads the token and the cluster config from a Secret, and names the network, firewall and key", () => {
    const v = release(production.rs).inputs.values;
    const secret = ofType(production.rs, K8S.secret).find(
      (s) => s.inputs.metadata.name === v.extraEnvSecrets.HCLOUD_TOKEN.name,
    )!;
    expect(v.extraEnvSecrets).toEqual({
      HCLOUD_TOKEN: { name: secret.inputs.metadata.name, key: "token" },
      HCLOUD_CLUSTER_CONFIG: { name: secret.inputs.metadata.name, key: "cluster-config" },
    });
    expect(JSON.stringify(v)).not.toContain(secret.inputs.stringData.token);
    const firewalls = ofType(production.rs, "hcloud:index/firewall:Firewall").map(
      (f) => f.inputs.name,
    );
    expect(firewalls).toContain(v.extraEnv.HCLOUD_FIREWALL);
    expect(v.extraEnv.HCLOUD_FIREWALL).toMatch(/-nodes$/);
    expect(v.extraEnv.HCLOUD_SSH_KEY).toBe(
      one(production.rs, "hcloud:index/sshKey:SshKey").inputs.name,
    );
    // The network id, as the cloud controller gets it (the Secret kube-system/hcloud).
    const hcloud = ofType(production.rs, K8S.secret).find(
      (s) => s.inputs.metadata.name === "hcloud",
    )!;
    expect(v.extraEnv.HCLOUD_NETWORK).toBe(hcloud.inputs.stringData.network);
  });

  it("gives new servers the layer's user data: a k3s agent of the app role, its address found at boot", () => {
    const v = release(production.rs).inputs.values;
    const secret = ofType(production.rs, K8S.secret).find(
      (s) => s.inputs.metadata.name === v.extraEnvSecrets.HCLOUD_CLUSTER_CONFIG.name,
    )!;
    const config = JSON.parse(
      Buffer.from(secret.inputs.stringData["cluster-config"], "base64").toString("utf8"),
    );
    const name = v.autoscalingGroups[0].name;
    expect(config.imagesForArch).toEqual({ amd64: "ubuntu-24.04" });
    expect(Object.keys(config.nodeConfigs)).toEqual([name]);
    const node = config.nodeConfigs[name];
    expect(node.labels).toEqual({ "platform/role": "app" });
    expect(node.taints).toEqual([]);
    // The user data, not base64 again (README: "make sure it isn't base64 encoded twice").
    expect(node.cloudInit.startsWith("#cloud-config\n")).toBe(true);
    const files = parse(node.cloudInit).write_files as { path: string; content: string }[];
    const k3s = parse(files.find((f) => f.path === K3S_CONFIG_PATH)!.content);
    const staticApp = ofType(production.rs, "hcloud:index/server:Server").find(
      (s) => s.inputs.labels["platform/role"] === "app",
    )!;
    const staticK3s = parse(
      parse(staticApp.inputs.userData).write_files.find((f: any) => f.path === K3S_CONFIG_PATH)
        .content,
    );
    // The same join as the layer's own app servers, less the fixed address.
    const { "node-ip": staticIp, ...join } = staticK3s;
    expect(staticIp).toMatch(/^10\.0\.0\./);
    expect(k3s).toEqual(join);
    expect(k3s["node-label"]).toEqual(["platform/role=app"]);
    const script = files.find((f) => f.path === BOOTSTRAP_PATH)!.content;
    expect(script).toContain("NODE_IP=''");
    expect(script).toContain("NODES_PREFIX='10.0.0.'");
  });

  it("runs on the k3s servers, never on a node it may remove", () => {
    const v = release(production.rs).inputs.values;
    expect(v.nodeSelector).toEqual({ "platform/control-plane": "true" });
    expect(v.tolerations).toEqual([
      { key: "CriticalAddonsOnly", operator: "Exists", effect: "NoExecute" },
    ]);
  });

  it("prices the pool from nothing at the floor to max − desired servers at the ceiling", () => {
    const cost = priceStack(production.rs, "hetzner");
    const line = cost.lines.find((l) => l.type === "platform:hetzner:AutoscaledServers")!;
    expect(line.floorUsd).toBe(0);
    expect(line.ceilingUsd).toBeGreaterThan(13);
    expect(cost.ceilingUsd - cost.floorUsd).toBeCloseTo(line.ceilingUsd!, 1);
  });

  it("is absent from the small stack, whose one server is its whole pool", () => {
    expect(release(small.rs)).toBeUndefined();
  });
});

describe("an autoscaled server finds its private address, run by sh", () => {
  it("takes the address Hetzner assigned inside the nodes' /24 and hands it to k3s", () => {
    const script = bootstrapScript("app", {
      k3sVersion: "v1.33.7+k3s1",
      k3s: "agent",
      initServerIp: "10.0.0.202",
      serverToken: "s",
      agentToken: "a",
      labels: ["platform/role=app"],
      taints: [],
      dataVolume: false,
      adminCidrs: [],
      nodesCidr: "10.0.0.0/24",
    });
    // The part that finds the address, with its variables and helpers.
    const start = script.indexOf("NODE_IP=");
    const helpers = script.slice(script.indexOf("log() {"), script.indexOf("# True when blkid"));
    const find = script.slice(
      script.indexOf("NODE_IP_FOUND=no"),
      script.indexOf('log "private network on'),
    );
    const vars = script.slice(start, script.indexOf("DATA_DIR=", start));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "autoscaled-ip-"));
    // `ip -o -4 addr show` as a Hetzner server prints it: public, then the private network (/32).
    fs.writeFileSync(
      path.join(dir, "ip"),
      "#!/bin/sh\n" +
        "echo '1: lo    inet 127.0.0.1/8 scope host lo'\n" +
        "echo '2: eth0    inet 203.0.113.7/32 metric 100 scope global dynamic eth0'\n" +
        "echo '3: enp7s0    inet 10.0.0.17/32 brd 10.0.0.17 scope global dynamic enp7s0'\n",
      { mode: 0o755 },
    );
    const run = spawnSync(
      "sh",
      ["-c", `set -eu\n${vars}${helpers}${find}echo "$NODE_IP $NODE_IP_FOUND"\n`],
      {
        encoding: "utf8",
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
        timeout: 10_000,
      },
    );
    fs.rmSync(dir, { recursive: true, force: true });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("10.0.0.17 yes");
    // The address reaches k3s through the boot drop-in.
    expect(script).toContain('echo "node-ip: $NODE_IP"');
  });
});
