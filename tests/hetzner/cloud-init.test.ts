/**
 * The rendered user data, checked by the real programs: `cloud-init schema` (Debian package
 * cloud-init) for the #cloud-config document and `shellcheck` (Debian package shellcheck) for the
 * bootstrap script.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import {
  BOOTSTRAP_PATH,
  bootstrapScript,
  cloudInit,
  dataOpenScript,
  USER_DATA_MAX_BYTES,
  type CloudInitOptions,
} from "../../components/hetzner/cloud-init";
import {
  DATA_DEVICE_PATH,
  DATA_DIR,
  DATA_KEY_PATH,
  DATA_OPEN_PATH,
  DATA_UNIT,
} from "../../components/hetzner/data-volume";
import { K3S_CONFIG_PATH } from "../../components/hetzner/k3s-config";
import type { NodeGroup } from "../../components/hetzner/subnets";
import { requireProgram } from "../helpers/real-programs";

const SERVER_TOKEN = "S".repeat(48);
const AGENT_TOKEN = "A".repeat(48);
const DATA_KEY = "K".repeat(64);

const base: CloudInitOptions = {
  k3sVersion: "v1.33.7+k3s1",
  k3s: "agent",
  nodeIp: "10.0.0.74",
  initServerIp: "10.0.0.202",
  serverToken: SERVER_TOKEN,
  agentToken: AGENT_TOKEN,
  labels: [],
  taints: [],
  dataVolume: false,
  adminCidrs: ["203.0.113.0/24", "2001:db8::/48"],
  nodesCidr: "10.0.0.0/24",
};

const VARIANTS: [string, NodeGroup, CloudInitOptions][] = [
  [
    "first k3s server",
    "control-plane",
    {
      ...base,
      k3s: "init",
      nodeIp: "10.0.0.202",
      labels: ["platform/control-plane=true"],
      taints: ["CriticalAddonsOnly=true:NoExecute"],
    },
  ],
  [
    "joining k3s server",
    "control-plane",
    { ...base, k3s: "server", nodeIp: "10.0.0.203", labels: ["platform/control-plane=true"] },
  ],
  [
    "gateway agent with a volume",
    "gateway",
    {
      ...base,
      nodeIp: "10.0.0.10",
      dataVolume: { passphrase: DATA_KEY },
      labels: ["platform/role=gateway"],
      taints: ["platform/role=gateway:NoSchedule"],
    },
  ],
  [
    "database agent with a volume",
    "db",
    {
      ...base,
      nodeIp: "10.0.0.138",
      dataVolume: { passphrase: DATA_KEY },
      labels: ["platform/role=db"],
      taints: ["platform/role=db:NoSchedule"],
    },
  ],
  [
    // A server the cluster autoscaler makes (components/hetzner/autoscaler.ts): Hetzner assigns
    // its private address, which the bootstrap finds inside the nodes' /24.
    "autoscaled app agent",
    "app",
    { ...base, nodeIp: undefined, labels: ["platform/role=app"] },
  ],
  [
    "single server without admin networks",
    "app",
    {
      ...base,
      k3s: "init",
      adminCidrs: [],
      dataVolume: { passphrase: DATA_KEY },
      labels: ["platform/role=app", "platform/control-plane=true"],
    },
  ],
];

interface WriteFile {
  path: string;
  permissions: string;
  content: string;
}

function rendered(group: NodeGroup, opts: CloudInitOptions) {
  const text = cloudInit(group, opts);
  const doc = parse(text);
  const files: WriteFile[] = doc.write_files;
  const file = (p: string) => files.find((f) => f.path === p)!;
  return {
    text,
    doc,
    files,
    file,
    k3s: parse(file(K3S_CONFIG_PATH).content),
    script: file(BOOTSTRAP_PATH).content,
  };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "hetzner-cloud-init-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(VARIANTS)("user data of a %s", (label, group, opts) => {
  const r = rendered(group, opts);
  const slug = label.replace(/\W+/g, "-");

  it("passes `cloud-init schema --config-file`", () => {
    const cloudInitBin = requireProgram("cloud-init", "cloud-init");
    const file = path.join(dir, `${slug}.yaml`);
    fs.writeFileSync(file, r.text);
    const run = spawnSync(cloudInitBin, ["schema", "--config-file", file], { encoding: "utf8" });
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/error/i);
    expect(run.status).toBe(0);
  });

  it("has a bootstrap script that passes shellcheck", () => {
    const shellcheck = requireProgram("shellcheck", "shellcheck");
    const file = path.join(dir, `${slug}.sh`);
    fs.writeFileSync(file, r.script);
    const run = spawnSync(shellcheck, ["--shell=sh", "--severity=style", file], {
      encoding: "utf8",
    });
    expect(run.stdout).toBe("");
    expect(run.status).toBe(0);
  });

  it("fits Hetzner's 32 KiB user data limit", () => {
    expect(Buffer.byteLength(r.text)).toBeLessThan(USER_DATA_MAX_BYTES);
  });

  it("starts with #cloud-config, updates packages, installs unattended-upgrades and runs the script once", () => {
    expect(r.text.startsWith("#cloud-config\n")).toBe(true);
    expect(r.doc.package_update).toBe(true);
    expect(r.doc.packages).toContain("unattended-upgrades");
    expect(r.file("/etc/apt/apt.conf.d/20auto-upgrades").content).toMatch(/Unattended-Upgrade "1"/);
    expect(r.doc.runcmd).toEqual([[BOOTSTRAP_PATH]]);
  });

  it("hardens SSH: port 2222, no passwords, root by key only", () => {
    const sshd = r.file("/etc/ssh/sshd_config.d/10-platform.conf").content.split("\n");
    expect(sshd).toEqual(
      expect.arrayContaining([
        "Port 2222",
        "PasswordAuthentication no",
        "PermitRootLogin prohibit-password",
      ]),
    );
    expect(r.doc.ssh_pwauth).toBe(false);
  });

  it("keeps the join token in the 0600 k3s config only, and gives an agent the agent token alone", () => {
    const config = r.file(K3S_CONFIG_PATH);
    expect(config.permissions).toBe("0600");
    const server = opts.k3s !== "agent";
    expect(r.k3s.token).toBe(server ? SERVER_TOKEN : AGENT_TOKEN);
    expect(r.text.split(SERVER_TOKEN).length - 1).toBe(server ? 1 : 0);
    expect(r.script).not.toContain(SERVER_TOKEN);
    expect(r.script).not.toContain(AGENT_TOKEN);
  });

  it("installs the pinned k3s release from the install script of the same tag", () => {
    expect(r.script).toContain("K3S_VERSION='v1.33.7+k3s1'");
    expect(r.script).toContain(
      "https://raw.githubusercontent.com/k3s-io/k3s/v1.33.7%2Bk3s1/install.sh",
    );
    expect(r.script).toContain(`K3S_EXEC='${opts.k3s === "agent" ? "agent" : "server"}'`);
  });

  it("labels and taints the node for its role, with the external cloud provider", () => {
    expect(r.k3s["node-ip"]).toBe(opts.nodeIp);
    expect(r.k3s["kubelet-arg"]).toEqual(["cloud-provider=external"]);
    expect(r.k3s["node-label"] ?? []).toEqual(opts.labels);
    expect(r.k3s["node-taint"] ?? []).toEqual(opts.taints);
  });

  it("mounts a data volume before k3s starts only where the node has one", () => {
    expect(r.script).toContain(`DATA_VOLUME='${opts.dataVolume ? "yes" : "no"}'`);
    expect(r.script.indexOf("scsi-0HC_Volume_")).toBeLessThan(
      r.script.indexOf("INSTALL_K3S_VERSION="),
    );
  });

  it("encrypts the data volume with LUKS2 before anything lands on it (self-hosted §2.2), with the key in a root-only file", () => {
    const key = r.files.find((f) => f.path === DATA_KEY_PATH);
    const unit = r.files.find((f) => f.path === `/etc/systemd/system/${DATA_UNIT}`);
    expect(r.text.split(DATA_KEY).length - 1).toBe(opts.dataVolume ? 1 : 0);
    expect(r.script).not.toContain(DATA_KEY);
    if (!opts.dataVolume) {
      expect([key, unit]).toEqual([undefined, undefined]);
      return;
    }
    expect(key).toEqual({ path: DATA_KEY_PATH, permissions: "0400", content: DATA_KEY });
    expect(r.doc.packages).toContain("cryptsetup");
    // Formats only a blank volume, opens it, makes the file system on the opened device only.
    const format = r.script.indexOf("cryptsetup luksFormat --batch-mode --type luks2");
    expect(format).toBeGreaterThan(r.script.indexOf('elif blank "$device"'));
    expect(r.script).toMatch(/fail "\$device holds data that is not LUKS-encrypted/);
    expect(r.script).toContain('mkfs.ext4 -q -m 0 -L "$MAPPER" "/dev/mapper/$MAPPER"');
    expect(r.script).not.toMatch(/mkfs[^\n]*\$device/);
    // Every boot opens and mounts it before k3s, which requires it.
    expect(unit!.content).toContain(`ExecStart=${DATA_OPEN_PATH}`);
    expect(unit!.content).toContain("Before=k3s.service k3s-agent.service");
    expect(r.script).toContain("Requires=%s\\nAfter=%s\\nRequiresMountsFor=%s");
    expect(r.script.indexOf('systemctl enable --now "$DATA_UNIT"')).toBeLessThan(
      r.script.indexOf("INSTALL_K3S_VERSION="),
    );
    // Nothing of Hetzner's ext4 mount remains: no plain fstab line for the volume.
    expect(r.script).not.toContain("/etc/fstab");
  });

  it("mirrors self-hosted §2.1 in ufw: deny incoming, SSH from admins, 10.0.0.0/24, web only on the gateway", () => {
    expect(r.script).toContain("ufw default deny incoming");
    expect(r.script).toContain("ufw allow from '10.0.0.0/24'");
    for (const cidr of opts.adminCidrs)
      expect(r.script).toContain(`ufw allow proto tcp from '${cidr}' to any port 2222`);
    expect(r.script.match(/port 2222/g)?.length ?? 0).toBe(opts.adminCidrs.length);
    expect(r.script.includes("ufw allow 443/tcp")).toBe(group === "gateway");
  });
});

describe("the data volume's unlock at boot", () => {
  const script = dataOpenScript();

  it("passes shellcheck", () => {
    const shellcheck = requireProgram("shellcheck", "shellcheck");
    const file = path.join(dir, "platform-data-open.sh");
    fs.writeFileSync(file, script);
    const run = spawnSync(shellcheck, ["--shell=sh", "--severity=style", file], {
      encoding: "utf8",
    });
    expect(run.stdout).toBe("");
    expect(run.status).toBe(0);
  });

  it("opens the recorded device with the key file and mounts it on the data directory, without discard", () => {
    expect(script).toContain(`device=$(cat '${DATA_DEVICE_PATH}')`);
    expect(script).toContain(
      'cryptsetup open --type luks2 --key-file "$KEY_FILE" "$device" "$MAPPER"',
    );
    expect(script).toContain(`DATA_DIR='${DATA_DIR}'`);
    expect(script).toMatch(/mount -t ext4 -o [a-z,]+ "\/dev\/mapper\/\$MAPPER" "\$DATA_DIR"/);
    expect(script).not.toContain("discard");
  });
});

describe("k3s servers", () => {
  const first = rendered("control-plane", VARIANTS[0][2]);
  const joining = rendered("control-plane", VARIANTS[1][2]);
  const agent = rendered("gateway", VARIANTS[2][2]);

  it("initialise embedded etcd on the first server; the others and every agent join it on the private network", () => {
    expect(first.k3s["cluster-init"]).toBe(true);
    expect(first.k3s.server).toBeUndefined();
    expect(joining.k3s["cluster-init"]).toBeUndefined();
    expect(joining.k3s.server).toBe("https://10.0.0.202:6443");
    expect(agent.k3s.server).toBe("https://10.0.0.202:6443");
  });

  it("run without traefik, klipper and the bundled cloud controller, encrypt secrets, keep the kubeconfig 0600", () => {
    expect(first.k3s).toMatchObject({
      disable: ["traefik", "servicelb"],
      "disable-cloud-controller": true,
      "secrets-encryption": true,
      "write-kubeconfig-mode": "0600",
      "agent-token": AGENT_TOKEN,
    });
    expect(first.k3s["kube-apiserver-arg"]).toEqual(
      expect.arrayContaining(["audit-log-maxage=30"]),
    );
    expect(agent.k3s.disable).toBeUndefined();
    expect(agent.k3s["agent-token"]).toBeUndefined();
  });

  it("put flannel on the private interface and the public address in the API certificate at boot", () => {
    expect(first.script).toContain('echo "flannel-iface: $PRIVATE_IF"');
    expect(first.script).toContain("metadata/public-ipv4");
  });

  it("open the Kubernetes API on the host to the admin networks only", () => {
    expect(first.script).toContain("ufw allow proto tcp from '203.0.113.0/24' to any port 6443");
    expect(agent.script).not.toContain("port 6443");
  });
});

describe("bootstrapScript", () => {
  it("quotes every rendered value, so an admin network cannot inject shell", () => {
    const script = bootstrapScript("app", { ...base, adminCidrs: ["203.0.113.0/24'; reboot; '"] });
    expect(script).toContain(`'203.0.113.0/24'"'"'; reboot; '"'"''`);
  });
});
