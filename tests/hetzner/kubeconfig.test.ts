/**
 * The first `pulumi up` of a Hetzner stack ends with a working cluster: with the admin key's
 * private half set, the layer fetches the k3s kubeconfig over SSH in the same run and the
 * Kubernetes provider uses it; without it, the documented two-step stop stays.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import {
  buildHetznerCluster,
  kubeconfigFetchScript,
  FETCH_LIMITS,
  K3S_KUBECONFIG_PATH,
} from "../../components/hetzner";
import type { ClusterFacts } from "../../components/contract";
import { secretProblems } from "../../config/secrets";
import type { Registered } from "../../plan/mocks";
import { ofType, one, record } from "../helpers/mocks";
import { requireProgram } from "../helpers/real-programs";
import { recordStack, SERVER, stackConfig } from "./helpers";

const COMMAND = "command:remote:Command";
const PRIVATE_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\ntest\n-----END OPENSSH PRIVATE KEY-----\n";

async function layer(args: { kubeconfig?: string; sshPrivateKey?: string }) {
  let facts: ClusterFacts | undefined;
  const rs = await record(() => {
    facts = buildHetznerCluster({
      config: stackConfig("production-hetzner"),
      prefix: "platform-test",
      hcloudToken: "test-hcloud-token",
      ...args,
    });
  });
  return { rs, facts: facts! };
}

const initServer = (rs: Registered[]) =>
  ofType(rs, SERVER).find((s) => s.name === "hetzner-control-plane-1")!;

describe("one-step first deployment (platform:sshPrivateKey set, no kubeconfig)", () => {
  let rs: Registered[];
  let facts: ClusterFacts;
  beforeAll(async () => ({ rs, facts } = await layer({ sshPrivateKey: PRIVATE_KEY })));

  it("fetches the kubeconfig over SSH on 2222 as root from the first k3s server, bounded", () => {
    const fetch = one(rs, COMMAND);
    const server = initServer(rs);
    expect(fetch.inputs.connection).toMatchObject({
      host: expect.stringMatching(/^198\.51\.100\.\d+$/),
      port: 2222,
      user: "root",
      privateKey: PRIVATE_KEY,
      dialErrorLimit: FETCH_LIMITS.dials,
      perDialTimeout: FETCH_LIMITS.perDialSeconds,
    });
    // Bounded: not unlimited (-1) and not the default 10 dials, which a booting server exhausts.
    expect(FETCH_LIMITS.dials).toBeGreaterThan(10);
    expect(fetch.inputs.create).toContain(K3S_KUBECONFIG_PATH);
    expect(fetch.inputs.create).toContain(`https://${fetch.inputs.connection.host}:6443`);
    // A replaced first server is fetched from again; the kubeconfig is never logged.
    expect(fetch.inputs.triggers).toEqual([`${server.name}-id`]);
    expect(fetch.inputs.logging).toBe("none");
    expect(fetch.dependencies).toContain(server.urn);
  });

  it("hands the fetched kubeconfig, a secret, to the Kubernetes providers and the stack output", async () => {
    const host = one(rs, COMMAND).inputs.connection.host;
    for (const name of ["hetzner-addons-bootstrap-provider", "hetzner-addons-provider"]) {
      const provider = rs.find((r) => r.type === "pulumi:providers:kubernetes" && r.name === name)!;
      expect(parse(provider.inputs.kubeconfig).clusters[0].cluster.server).toBe(
        `https://${host}:6443`,
      );
    }
    const out = facts.access!.kubeconfig as pulumi.Output<string>;
    expect(await (out as any).isSecret).toBe(true);
    expect(await (out as any).promise()).toContain(`https://${host}:6443`);
  });
});

describe("the other paths", () => {
  it("a configured kubeconfig wins: no SSH fetch", async () => {
    const { rs } = await layer({ kubeconfig: "apiVersion: v1\n", sshPrivateKey: PRIVATE_KEY });
    expect(ofType(rs, COMMAND)).toEqual([]);
  });

  it("without the private key, no SSH fetch (the documented two-step stop follows)", async () => {
    const { rs } = await layer({ kubeconfig: "apiVersion: v1\n" });
    expect(ofType(rs, COMMAND)).toEqual([]);
  });

  it.each(["production-hetzner", "small"])(
    "the shipped %s stack plans the one-step path from its placeholder key",
    async (stack) => {
      const { rs } = await recordStack(stack);
      expect(one(rs, COMMAND).inputs.connection.port).toBe(2222);
    },
  );
});

describe("the fetch script, run by sh", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-fetch-"));
  // cloud-init is not running here: a stand-in that returns at once, as `--wait` does when done.
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "cloud-init"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  const run = (script: string) =>
    spawnSync("sh", ["-c", script], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      timeout: 20_000,
    });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("passes shellcheck", () => {
    const shellcheck = requireProgram("shellcheck", "shellcheck");
    const file = path.join(dir, "fetch.sh");
    fs.writeFileSync(file, `#!/bin/sh\n${kubeconfigFetchScript("203.0.113.10")}`);
    const result = spawnSync(shellcheck, ["--shell=sh", "--severity=style", file], {
      encoding: "utf8",
    });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("prints k3s's kubeconfig addressed to the server's public IPv4, nothing else", () => {
    const file = path.join(dir, "k3s.yaml");
    fs.writeFileSync(
      file,
      "apiVersion: v1\nclusters:\n- cluster:\n    server: https://127.0.0.1:6443\n  name: default\n",
    );
    const result = run(kubeconfigFetchScript("203.0.113.10", file));
    expect(result.status).toBe(0);
    expect(parse(result.stdout).clusters[0].cluster.server).toBe("https://203.0.113.10:6443");
  });

  it("waits for the file, and gives up with a message when it never comes", () => {
    const file = path.join(dir, "late.yaml");
    // k3s writes the file a second after the script starts.
    const writer = `(sleep 1; echo 'server: https://127.0.0.1:6443' >'${file}') &\n`;
    const limits = { ...FETCH_LIMITS, fileWaits: 10, waitSeconds: 1 };
    const late = run(writer + kubeconfigFetchScript("203.0.113.10", file, limits));
    expect(late.status).toBe(0);
    expect(late.stdout).toBe("server: https://203.0.113.10:6443\n");
    const never = run(
      kubeconfigFetchScript("203.0.113.10", path.join(dir, "never.yaml"), {
        ...FETCH_LIMITS,
        fileWaits: 2,
        waitSeconds: 0,
      }),
    );
    expect(never.status).toBe(1);
    expect(never.stderr).toMatch(/k3s wrote no kubeconfig at .*never\.yaml/);
    expect(never.stdout).toBe("");
  });

  it("refuses anything but an address where the script puts the host", () => {
    expect(() => kubeconfigFetchScript("x; rm -rf /")).toThrow(/not an IP address/);
  });
});

describe("the config gate on platform:sshPrivateKey", () => {
  const source = (values: Record<string, string>) => ({
    values: { "platform:sshPrivateKey": PRIVATE_KEY, ...values },
    secretKeys: new Set(["platform:sshPrivateKey"]),
  });
  const lines = (config: ReturnType<typeof stackConfig>) =>
    secretProblems(config, source({}))
      .filter((p) => p.key === "platform:sshPrivateKey")
      .map((p) => `${p.key}: ${p.message}`);

  it("needs the public half and an admin network to log in from, and a Hetzner stack", () => {
    const c = stackConfig("production-hetzner");
    expect(lines({ ...c, sshPublicKey: "ssh-ed25519 AAAA x" })).toEqual([]);
    expect(lines({ ...c, sshPublicKey: "" })).toEqual([
      expect.stringMatching(/^platform:sshPrivateKey: needs platform:sshPublicKey/),
    ]);
    expect(lines({ ...c, sshPublicKey: "ssh-ed25519 AAAA x", adminCidrs: [] })).toEqual([
      expect.stringMatching(/^platform:sshPrivateKey: needs platform:adminCidrs/),
    ]);
    expect(lines(stackConfig("production"))).toEqual([
      expect.stringMatching(/^platform:sshPrivateKey: is read on provider hetzner only/),
    ]);
    for (const l of lines({ ...c, sshPublicKey: "", adminCidrs: [] }))
      expect(l).not.toContain("PRIVATE KEY");
  });

  it("must be a secret", () => {
    const problems = secretProblems(stackConfig("production-hetzner"), {
      values: { "platform:sshPrivateKey": PRIVATE_KEY },
      secretKeys: new Set(),
    });
    expect(problems.map((p) => p.key)).toContain("platform:sshPrivateKey");
  });
});
