import * as digitalocean from "@pulumi/digitalocean";
import { digitaloceanDatabaseRequireHa } from "../../../policies/digitalocean/digitalocean-database-require-ha";
import { describeResourcePolicy } from "../harness";
import { doDatabase } from "../fixtures";

describeResourcePolicy(digitaloceanDatabaseRequireHa, [
  {
    type: digitalocean.DatabaseCluster,
    props: doDatabase(),
    cases: [
      {
        rule: "a single-node production database",
        set: ["nodeCount", 1],
        expect: /nodeCount is 1/,
      },
    ],
    passes: [{ rule: "the stack is staging", config: { environment: "staging" } }],
  },
]);
