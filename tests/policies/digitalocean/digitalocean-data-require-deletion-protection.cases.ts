import * as digitalocean from "@pulumi/digitalocean";
import { digitaloceanDataRequireDeletionProtection } from "../../../policies/digitalocean/digitalocean-data-require-deletion-protection";
import { describeResourcePolicy } from "../harness";
import { doDatabase, spacesBucket } from "../fixtures";

describeResourcePolicy(digitaloceanDataRequireDeletionProtection, [
  {
    type: digitalocean.DatabaseCluster,
    props: doDatabase(),
    opts: { protect: true },
    cases: [
      {
        rule: "the database is unprotected",
        opts: { protect: false },
        expect: /database cluster is unprotected/,
      },
    ],
  },
  {
    type: digitalocean.DatabaseReplica,
    props: { clusterId: "db-id", name: "pg-replica-1", size: "db-s-2vcpu-4gb", region: "nyc3" },
    opts: { protect: true },
    cases: [
      {
        rule: "the read-only node is unprotected",
        opts: { protect: false },
        expect: /read-only node is unprotected/,
      },
    ],
  },
  {
    type: digitalocean.KubernetesCluster,
    props: {
      region: "nyc3",
      version: "1.33.1-do.0",
      nodePool: { name: "app", size: "s-4vcpu-8gb", nodeCount: 3 },
    },
    opts: { protect: true },
    cases: [
      {
        rule: "the Kubernetes cluster is unprotected",
        opts: { protect: false },
        expect: /Kubernetes cluster is unprotected/,
      },
    ],
  },
  {
    type: digitalocean.Volume,
    props: { region: "fra1", size: 500 },
    opts: { protect: true },
    cases: [
      {
        rule: "the volume is unprotected",
        opts: { protect: false },
        expect: /volume is unprotected/,
      },
    ],
  },
  {
    type: digitalocean.SpacesBucket,
    props: spacesBucket(),
    opts: { protect: true },
    cases: [
      {
        rule: "the bucket is unprotected",
        opts: { protect: false },
        expect: /Spaces bucket is unprotected/,
      },
    ],
  },
]);
