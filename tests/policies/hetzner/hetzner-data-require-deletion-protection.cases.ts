import * as hcloud from "@pulumi/hcloud";
import { hetznerDataRequireDeletionProtection } from "../../../policies/hetzner/hetzner-data-require-deletion-protection";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(hetznerDataRequireDeletionProtection, [
  {
    type: hcloud.Volume,
    props: { name: "pg-data", size: 2000, location: "fsn1", deleteProtection: true },
    opts: { protect: true },
    cases: [
      {
        rule: "Hetzner delete protection off",
        set: ["deleteProtection", false],
        expect: /deleteProtection is not true/,
      },
      {
        rule: "the volume without protect",
        opts: { protect: false },
        expect: /volume is unprotected/,
      },
    ],
  },
  {
    type: hcloud.Server,
    props: {
      name: "db-1",
      serverType: "ccx53",
      image: "ubuntu-24.04",
      labels: { "platform/role": "db" },
      deleteProtection: true,
      rebuildProtection: true,
    },
    opts: { protect: true },
    cases: [
      {
        rule: "a database server without delete protection",
        set: ["deleteProtection", false],
        expect: /db server lacks deleteProtection/,
      },
      {
        rule: "a database server without protect",
        opts: { protect: false },
        expect: /db server is unprotected/,
      },
    ],
    passes: [
      { rule: "the server is a stateless app node", set: ["labels", { "platform/role": "app" }] },
    ],
  },
  {
    type: hcloud.Server,
    props: {
      name: "minio-1",
      serverType: "ccx33",
      image: "ubuntu-24.04",
      labels: { "platform/role": "storage" },
      deleteProtection: true,
      rebuildProtection: true,
    },
    opts: { protect: true },
    cases: [
      {
        rule: "a storage server whose rebuild protection is off",
        set: ["rebuildProtection", false],
        expect: /storage server lacks deleteProtection and rebuildProtection/,
      },
    ],
  },
]);
