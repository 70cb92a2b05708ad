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
