import * as hcloud from "@pulumi/hcloud";
import { hetznerVolumeRequireEncryption } from "../../../policies/hetzner/hetzner-volume-require-encryption";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(hetznerVolumeRequireEncryption, [
  {
    type: hcloud.Volume,
    props: {
      name: "platform-db-1-data",
      size: 1640,
      location: "fsn1",
      serverId: 42,
      automount: false,
      deleteProtection: true,
      labels: { "platform/role": "db", "platform/encryption": "luks2" },
    },
    cases: [
      {
        rule: "Hetzner formats the volume with a plain ext4 file system",
        set: ["format", "ext4"],
        expect: /format is ext4: Hetzner would write a plain, unencrypted file system/,
      },
      {
        rule: "Hetzner formats it with xfs",
        set: ["format", "xfs"],
        expect: /format is xfs/,
      },
      {
        rule: "Hetzner mounts the volume itself",
        set: ["automount", true],
        expect: /automount is on/,
      },
      {
        rule: "the volume says nothing of its encryption",
        set: ["labels", { "platform/role": "db" }],
        expect: /not labelled platform\/encryption: luks2 \(got none\)/,
      },
      {
        rule: "the volume names another encryption",
        set: ["labels", { "platform/encryption": "none" }],
        expect: /\(got none\)/,
      },
    ],
    passes: [{ rule: "automount left unset", set: ["automount", undefined] }],
  },
]);
