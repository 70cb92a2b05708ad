import { stringify } from "yaml";
import {
  DATA_DEVICE_PATH,
  DATA_DIR,
  DATA_KEY_PATH,
  DATA_MAPPER,
  DATA_OPEN_PATH,
  DATA_UNIT,
} from "./data-volume";
import { KUBERNETES_API_PORT, SSH_PORT } from "./firewalls";
import { K3S_POD_CIDR, K3S_SERVICE_CIDR } from "./k3s";
import {
  AUDIT_POLICY,
  AUDIT_POLICY_PATH,
  isServer,
  k3sConfig,
  K3S_CONFIG_PATH,
} from "./k3s-config";
import { type K3sMode } from "./node-layout";
import { type NodeGroup } from "./subnets";

/** The bootstrap script cloud-init runs once. */
export const BOOTSTRAP_PATH = "/usr/local/sbin/platform-bootstrap";
/** Hetzner limits user data to 32 KiB. */
export const USER_DATA_MAX_BYTES = 32 * 1024;

export interface CloudInitOptions {
  /** Pinned k3s release. @example "v1.33.7+k3s1" */
  k3sVersion: string;
  /** How this server joins k3s. */
  k3s: K3sMode;
  /**
   * Private address of this server, which k3s and flannel use; absent on a server the cluster
   * autoscaler makes, whose address Hetzner assigns inside `nodesCidr` and the bootstrap finds.
   * @example "10.0.0.74"
   */
  nodeIp?: string;
  /** Private address of the first k3s server, which the others join. @example "10.0.0.202" */
  initServerIp: string;
  /** Secret k3s join token of servers. */
  serverToken: string;
  /** Secret k3s join token of agents: it cannot join a server. */
  agentToken: string;
  /** `node-label` values. @example ["platform/role=db"] */
  labels: string[];
  /** `node-taint` values. @example ["platform/role=db:NoSchedule"] */
  taints: string[];
  /**
   * The server's hcloud volume, which the bootstrap encrypts (LUKS2) with `passphrase` and mounts
   * at DATA_DIR before k3s starts; `false` without one. The passphrase is secret.
   */
  dataVolume: false | { passphrase: string };
  /** Sources of SSH and of the Kubernetes API; no SSH rule when empty. */
  adminCidrs: string[];
  /** Self-hosted §2.1's internal range, the nodes' /24. @example "10.0.0.0/24" */
  nodesCidr: string;
}

/** A single-quoted shell word. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** The first three octets of the nodes' /24 with the dot: "10.0.0." (subnets.ts: always a /24). */
export function nodesPrefix(nodesCidr: string): string {
  const match = /^(\d+\.\d+\.\d+\.)\d+\/24$/.exec(nodesCidr);
  if (!match) throw new Error(`the nodes' range must be a /24 (got ${nodesCidr})`);
  return match[1];
}

/** The k3s tag as a path segment of a URL ("+" escaped). */
const tagPath = (version: string) => encodeURIComponent(version);

/**
 * The script that opens the encrypted data volume and mounts it at DATA_DIR, run by DATA_UNIT at
 * every boot before k3s. A unit of our own rather than /etc/crypttab: it needs only the cryptsetup
 * binary, not the packaging of systemd's crypttab generator, and k3s can require it by name. No
 * `discard`: TRIM passed through LUKS tells the storage which blocks are in use (cryptsetup(8),
 * --allow-discards).
 */
export function dataOpenScript(): string {
  return `#!/bin/sh
# Rendered by the platform's Hetzner layer; ${DATA_UNIT} runs it at every boot, before k3s.
set -eu

DATA_DIR=${shQuote(DATA_DIR)}
KEY_FILE=${shQuote(DATA_KEY_PATH)}
MAPPER=${shQuote(DATA_MAPPER)}
device=$(cat ${shQuote(DATA_DEVICE_PATH)})

# An attached volume shows up shortly after boot.
tries=0
until [ -e "$device" ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 60 ]; then
    echo "platform-data: $device did not appear" >&2
    exit 1
  fi
  sleep 5
done
if [ ! -e "/dev/mapper/$MAPPER" ]; then
  cryptsetup open --type luks2 --key-file "$KEY_FILE" "$device" "$MAPPER"
fi
mkdir -p "$DATA_DIR"
if ! mountpoint -q "$DATA_DIR"; then
  mount -t ext4 -o defaults,nodev,nosuid "/dev/mapper/$MAPPER" "$DATA_DIR"
fi
`;
}

/** The unit that runs dataOpenScript at boot; k3s requires it. */
export function dataUnit(): string {
  return [
    "[Unit]",
    "Description=Encrypted data volume of the platform (LUKS2), mounted where k3s keeps volumes",
    "Before=k3s.service k3s-agent.service",
    "",
    "[Service]",
    "Type=oneshot",
    "RemainAfterExit=yes",
    `ExecStart=${DATA_OPEN_PATH}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/**
 * The script cloud-init runs once as root: SSH on 2222, ufw mirroring self-hosted §2.1 (defence in
 * depth behind the hcloud firewalls), the data volume encrypted and mounted where k3s keeps local
 * volumes, the boot-time k3s settings, then the pinned k3s release. It echoes no secret.
 */
export function bootstrapScript(group: NodeGroup, opts: CloudInitOptions): string {
  const server = isServer(opts.k3s);
  const ufwRules = [
    ...opts.adminCidrs.map(
      (cidr) => `ufw allow proto tcp from ${shQuote(cidr)} to any port ${SSH_PORT}`,
    ),
    // §2.1: "allow from 10.0.0.0/24" between nodes; k3s's pods and services reach the host too.
    ...[opts.nodesCidr, K3S_POD_CIDR, K3S_SERVICE_CIDR].map(
      (cidr) => `ufw allow from ${shQuote(cidr)}`,
    ),
    ...(group === "gateway" ? ["ufw allow 80/tcp", "ufw allow 443/tcp"] : []),
    ...(server
      ? opts.adminCidrs.map(
          (cidr) => `ufw allow proto tcp from ${shQuote(cidr)} to any port ${KUBERNETES_API_PORT}`,
        )
      : []),
  ];
  const installer = `https://raw.githubusercontent.com/k3s-io/k3s/${tagPath(opts.k3sVersion)}/install.sh`;
  return `#!/bin/sh
# Rendered by the platform's Hetzner layer; cloud-init runs it once, as root, on first boot.
set -eu

NODE_IP=${shQuote(opts.nodeIp ?? "")}
NODES_PREFIX=${shQuote(nodesPrefix(opts.nodesCidr))}
DATA_DIR=${shQuote(DATA_DIR)}
K3S_VERSION=${shQuote(opts.k3sVersion)}
K3S_EXEC=${shQuote(server ? "server" : "agent")}
DATA_VOLUME=${shQuote(opts.dataVolume ? "yes" : "no")}
KEY_FILE=${shQuote(DATA_KEY_PATH)}
DEVICE_FILE=${shQuote(DATA_DEVICE_PATH)}
MAPPER=${shQuote(DATA_MAPPER)}
DATA_UNIT=${shQuote(DATA_UNIT)}

log() {
  echo "platform-bootstrap: $*"
}

fail() {
  log "$*" >&2
  exit 1
}

# True when blkid finds no signature at all (its exit status 2), not on a probing error.
blank() {
  status=0
  blkid -p "$1" >/dev/null 2>&1 || status=$?
  [ "$status" -eq 2 ]
}

# The private network comes up shortly after boot; k3s and flannel need its address. A server the
# cluster autoscaler made has the address Hetzner assigned it inside the nodes' /24.
NODE_IP_FOUND=no
tries=0
while :; do
  if [ -z "$NODE_IP" ]; then
    NODE_IP=$(ip -o -4 addr show | awk -v p="$NODES_PREFIX" '{ split($4, a, "/") } index(a[1], p) == 1 { print a[1]; exit }')
    [ -z "$NODE_IP" ] || NODE_IP_FOUND=yes
  fi
  if [ -n "$NODE_IP" ] && ip -o -4 addr show | grep -qF " $NODE_IP/"; then
    break
  fi
  tries=$((tries + 1))
  [ "$tries" -le 150 ] || fail "private address \${NODE_IP:-in $NODES_PREFIX*} did not appear"
  sleep 2
done
PRIVATE_IF=$(ip -o -4 addr show | awk -v ip="$NODE_IP/" 'index($4, ip) == 1 { print $2; exit }')
[ -n "$PRIVATE_IF" ] || fail "no interface holds $NODE_IP"
log "private network on $PRIVATE_IF"

# Self-hosted §2.1: SSH moved off 22. Ubuntu 24.04 starts sshd from a socket unit whose port a
# generator takes from sshd_config, so the socket is reloaded rather than the service. The check
# needs sshd's runtime directory, which only a first connection would otherwise create.
install -d -m 0755 /run/sshd
sshd -t
if systemctl is-enabled --quiet ssh.socket 2>/dev/null; then
  systemctl daemon-reload
  systemctl restart ssh.socket
else
  systemctl restart ssh.service
fi

# Self-hosted §2.1 on the host, behind the hcloud firewalls. Routed traffic stays allowed: it is
# Kubernetes' own (pods, services, NodePorts), which the hcloud firewall guards from outside.
ufw --force reset >/dev/null
ufw default deny incoming
ufw default allow outgoing
ufw default allow routed
${ufwRules.join("\n")}
ufw --force enable

mkdir -p "$DATA_DIR"
if [ "$DATA_VOLUME" = yes ]; then
  # The volume is attached after the server is created; wait for it.
  device=""
  tries=0
  while [ -z "$device" ]; do
    for candidate in /dev/disk/by-id/scsi-0HC_Volume_*; do
      if [ -e "$candidate" ]; then
        device=$candidate
        break
      fi
    done
    if [ -z "$device" ]; then
      tries=$((tries + 1))
      [ "$tries" -le 120 ] || fail "no hcloud volume attached after 10 minutes"
      sleep 5
    fi
  done
  # Self-hosted §2.2, data encrypted at rest: a new volume is blank (the layer never has Hetzner
  # format it) and becomes LUKS2 with the stack's passphrase; a LUKS volume is only opened. One
  # that holds anything else is never formatted over: the node stops here instead.
  [ -s "$KEY_FILE" ] || fail "no key for the data volume at $KEY_FILE"
  if cryptsetup isLuks "$device"; then
    log "data volume $device is LUKS"
  elif blank "$device"; then
    cryptsetup luksFormat --batch-mode --type luks2 --key-file "$KEY_FILE" "$device"
    log "data volume $device encrypted with LUKS2"
  else
    fail "$device holds data that is not LUKS-encrypted; not formatting it (docs/hetzner.md, Encryption at rest)"
  fi
  echo "$device" >"$DEVICE_FILE"
  if [ ! -e "/dev/mapper/$MAPPER" ]; then
    cryptsetup open --type luks2 --key-file "$KEY_FILE" "$device" "$MAPPER"
  fi
  if blank "/dev/mapper/$MAPPER"; then
    # No blocks reserved for root: the file system holds only the pods' volumes.
    mkfs.ext4 -q -m 0 -L "$MAPPER" "/dev/mapper/$MAPPER"
  fi
  systemctl daemon-reload
  systemctl enable --now "$DATA_UNIT"
  mountpoint -q "$DATA_DIR" || fail "the data volume is not mounted on $DATA_DIR"
  log "encrypted data volume mounted on $DATA_DIR"
  # k3s must not start without the volume, or volumes would land on the unencrypted system disk.
  unit=k3s
  if [ "$K3S_EXEC" = agent ]; then
    unit=k3s-agent
  fi
  mkdir -p "/etc/systemd/system/$unit.service.d"
  printf '[Unit]\\nRequires=%s\\nAfter=%s\\nRequiresMountsFor=%s\\n' "$DATA_UNIT" "$DATA_UNIT" "$DATA_DIR" >"/etc/systemd/system/$unit.service.d/10-data.conf"
fi
chmod 0711 "$DATA_DIR"

# Settings only known now: the private interface for flannel, the public IPv4 for the API
# certificate (the kubeconfig addresses the first server by it).
mkdir -p /etc/rancher/k3s/config.yaml.d
public_ip=""
if [ "$K3S_EXEC" = server ]; then
  public_ip=$(curl -fsS --retry 10 --retry-delay 3 http://169.254.169.254/hetzner/v1/metadata/public-ipv4 || true)
fi
(
  umask 077
  {
    echo "flannel-iface: $PRIVATE_IF"
    if [ "$NODE_IP_FOUND" = yes ]; then
      echo "node-ip: $NODE_IP"
    fi
    if [ "$K3S_EXEC" = server ]; then
      echo "tls-san:"
      echo "  - $NODE_IP"
      if [ -n "$public_ip" ]; then
        echo "  - $public_ip"
      fi
    fi
  } >/etc/rancher/k3s/config.yaml.d/50-boot.yaml
)

# The install script of the pinned tag, which checks the binary against the release's checksums.
installer=$(mktemp)
curl -fsSL --retry 5 -o "$installer" ${shQuote(installer)}
INSTALL_K3S_VERSION="$K3S_VERSION" INSTALL_K3S_EXEC="$K3S_EXEC" sh "$installer"
rm -f "$installer"
log "k3s $K3S_VERSION $K3S_EXEC installed"
`;
}

/**
 * The `#cloud-config` user data of one server: packages (unattended security upgrades, ufw), the
 * hardened sshd drop-in, the k3s configuration and the bootstrap script. A pure function of its
 * inputs; the secrets it carries make the rendered text a secret too.
 */
export function cloudInit(group: NodeGroup, opts: CloudInitOptions): string {
  const server = isServer(opts.k3s);
  const files = [
    {
      path: "/etc/ssh/sshd_config.d/10-platform.conf",
      permissions: "0644",
      content: [
        `Port ${SSH_PORT}`,
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "",
      ].join("\n"),
    },
    {
      // Security updates install daily. A package that needs a reboot (a new kernel) writes
      // /var/run/reboot-required (update-notifier-common's hook), and the reboot daemon drains
      // and reboots the node in the maintenance window (reboots.ts; docs/hetzner.md, Reboots).
      path: "/etc/apt/apt.conf.d/20auto-upgrades",
      permissions: "0644",
      content: 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n',
    },
    {
      path: K3S_CONFIG_PATH,
      permissions: "0600",
      content: stringify(k3sConfig(opts), { lineWidth: 0 }),
    },
    ...(server
      ? [
          {
            path: AUDIT_POLICY_PATH,
            permissions: "0600",
            content: stringify(AUDIT_POLICY, { lineWidth: 0 }),
          },
        ]
      : []),
    ...(opts.dataVolume
      ? [
          // The passphrase on the server's own disk, root only, for the unlock at every boot.
          { path: DATA_KEY_PATH, permissions: "0400", content: opts.dataVolume.passphrase },
          { path: DATA_OPEN_PATH, permissions: "0700", content: dataOpenScript() },
          { path: `/etc/systemd/system/${DATA_UNIT}`, permissions: "0644", content: dataUnit() },
        ]
      : []),
    {
      path: BOOTSTRAP_PATH,
      permissions: "0700",
      content: bootstrapScript(group, opts),
    },
  ];
  const document = {
    package_update: true,
    package_upgrade: true,
    packages: [
      "unattended-upgrades",
      "update-notifier-common",
      "ufw",
      "curl",
      ...(opts.dataVolume ? ["cryptsetup"] : []),
    ],
    ssh_pwauth: false,
    // Hetzner places the SSH key on root; sshd admits it with keys only.
    disable_root: false,
    write_files: files,
    runcmd: [[BOOTSTRAP_PATH]],
  };
  return `#cloud-config\n${stringify(document, { lineWidth: 0 })}`;
}
