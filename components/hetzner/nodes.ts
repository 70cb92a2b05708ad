import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import * as random from "@pulumi/random";
import { cloudInit } from "./cloud-init";
import { nodeLabels } from "./k3s-config";
import { DATA_ENCRYPTION, dataVolumeGb, ENCRYPTION_LABEL } from "./data-volume";
import { LABELS, PLACEMENT_GROUP_SIZE, type NodeSpec } from "./node-layout";
import { type NodeGroup as Group } from "./subnets";

/** Ubuntu 24.04 LTS, the documents' server OS (tiers document, Staging: Ubuntu 24.04 LTS). */
export const IMAGE = "ubuntu-24.04";

export interface K3sArgs {
  /** Physical name prefix. @example "platform-prod" */
  prefix: string;
  /** OpenSSH public key for root on every server; none (console only) when absent. */
  sshPublicKey?: string;
}

/**
 * The cluster's shared secrets: a join token for k3s servers and a separate one for agents (an
 * agent's token cannot join a server), both kept secret through to the user data, and the admin
 * SSH key. Cost: free.
 */
export class K3s extends pulumi.ComponentResource {
  public readonly serverToken: pulumi.Output<string>; // secret
  public readonly agentToken: pulumi.Output<string>; // secret
  /** hcloud SSH key IDs for the servers; empty without a key. */
  public readonly sshKeyIds: pulumi.Output<string>[];

  constructor(name: string, args: K3sArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:hetzner:K3s", name, args, opts);
    const parent = { parent: this };
    const token = (kind: string) =>
      pulumi.secret(
        new random.RandomPassword(`${name}-${kind}-token`, { length: 48, special: false }, parent)
          .result,
      );
    this.serverToken = token("server");
    this.agentToken = token("agent");
    this.sshKeyIds = args.sshPublicKey
      ? [
          new hcloud.SshKey(
            `${name}-admin-key`,
            {
              name: `${args.prefix}-admin`,
              publicKey: args.sshPublicKey,
              labels: { [LABELS.cluster]: args.prefix },
            },
            parent,
          ).id,
        ]
      : [];
    this.registerOutputs({});
  }
}

export interface NodeGroupArgs {
  /** Physical name prefix, the `platform/cluster` label. @example "platform-prod" */
  prefix: string;
  /** Hetzner location. @example "fsn1" */
  location: string;
  /** The group's role, or `control-plane`. */
  group: Group;
  /** The group's servers, planned by `nodePlan`. */
  nodes: NodeSpec[];
  /** Subnet of the group's tier. */
  subnetId: pulumi.Input<string>;
  sshKeyIds: pulumi.Input<string>[];
  /** Pinned k3s release. @example "v1.33.7+k3s1" */
  k3sVersion: string;
  /** Private address of the first k3s server. @example "10.0.0.202" */
  initServerIp: string;
  serverToken: pulumi.Input<string>; // secret
  agentToken: pulumi.Input<string>; // secret
  /** Sources of SSH and the Kubernetes API (host firewall). */
  adminCidrs: string[];
  /** The nodes' /24 (host firewall). @example "10.0.0.0/24" */
  nodesCidr: string;
}

/**
 * One group's servers: k3s through cloud-init, in their tier's subnet at planned addresses, spread
 * over physical hosts, with a LUKS-encrypted data volume (`dataVolumeGb`): the disk the documented
 * profile has beyond the server type's own, or, on a server that keeps data on a type whose own
 * disk covers the profile, one as large as that disk. Each volume's passphrase is generated
 * (@pulumi/random), kept secret into the user data, and protected: losing it loses the volume.
 * Servers of stateful groups carry delete and rebuild protection, daily backups and `protect`;
 * every volume carries delete protection and `protect`. Cost: the server types (plus 20 % with
 * backups), a primary IPv4 each, volumes per GB; see the catalog.
 */
export class NodeGroup extends pulumi.ComponentResource {
  public readonly servers: hcloud.Server[];
  public readonly volumes: hcloud.Volume[];

  constructor(name: string, args: NodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:hetzner:NodeGroup", name, args, opts);
    const parent = { parent: this };
    const groups = Math.ceil(args.nodes.length / PLACEMENT_GROUP_SIZE);
    const placementGroups = Array.from(
      { length: groups },
      (_, k) =>
        new hcloud.PlacementGroup(
          `${name}-spread-${k + 1}`,
          {
            name: `${args.prefix}-${args.group}-${k + 1}`,
            type: "spread",
            labels: { [LABELS.cluster]: args.prefix },
          },
          parent,
        ),
    );

    this.servers = [];
    this.volumes = [];
    for (const node of args.nodes) {
      const volumeGb = dataVolumeGb(node);
      const passphrase =
        volumeGb > 0
          ? new random.RandomPassword(
              `${name}-${node.index}-data-key`,
              { length: 64, special: false },
              { ...parent, protect: true },
            ).result
          : undefined;
      const userData = pulumi
        .all([args.serverToken, args.agentToken, passphrase])
        .apply(([serverToken, agentToken, key]) =>
          cloudInit(args.group, {
            k3sVersion: args.k3sVersion,
            k3s: node.k3s,
            nodeIp: node.privateIp,
            initServerIp: args.initServerIp,
            serverToken,
            agentToken,
            labels: nodeLabels(node.role, node.k3s),
            taints: node.taints,
            dataVolume: key === undefined ? false : { passphrase: key },
            adminCidrs: args.adminCidrs,
            nodesCidr: args.nodesCidr,
          }),
        );
      const labels: Record<string, string> = {
        [LABELS.cluster]: args.prefix,
        [LABELS.tier]: node.tier,
        ...(node.role ? { [LABELS.role]: node.role } : {}),
        ...(node.k3s !== "agent" ? { [LABELS.controlPlane]: "true" } : {}),
      };
      const server = new hcloud.Server(
        `${name}-${node.index}`,
        {
          name: node.name,
          serverType: node.resolved.type.name,
          image: IMAGE,
          location: args.location,
          labels,
          networks: [{ subnetId: args.subnetId, ip: node.privateIp, aliasIps: [] }],
          placementGroupId: placementGroups[node.placementGroup].id.apply(Number),
          sshKeys: args.sshKeyIds,
          userData: pulumi.secret(userData),
          backups: node.stateful,
          // hcloud requires rebuild protection to equal delete protection.
          deleteProtection: node.stateful,
          rebuildProtection: node.stateful,
          shutdownBeforeDeletion: true,
        },
        {
          ...parent,
          protect: node.stateful,
          // cloud-init runs once, and hcloud replaces a server whose user data or keys change:
          // later edits reach new servers only (docs/hetzner.md, Upgrades).
          ignoreChanges: ["userData", "sshKeys"],
        },
      );
      this.servers.push(server);
      if (volumeGb > 0) {
        this.volumes.push(
          new hcloud.Volume(
            `${name}-${node.index}-data`,
            {
              name: `${node.name}-data`,
              size: volumeGb,
              serverId: server.id.apply(Number),
              // Raw: Hetzner's `format` would write a plain file system. The bootstrap script
              // encrypts it (LUKS2) and mounts it where k3s keeps local volumes, before k3s starts.
              automount: false,
              deleteProtection: true,
              labels: {
                [LABELS.cluster]: args.prefix,
                ...(node.role ? { [LABELS.role]: node.role } : {}),
                [ENCRYPTION_LABEL]: DATA_ENCRYPTION,
              },
            },
            { ...parent, protect: true },
          ),
        );
      }
    }
    this.registerOutputs({});
  }
}
