import { stackDatabaseRequireFirewall } from "../../../policies/stack/stack-database-require-firewall";
import { describeStackPolicy } from "../harness";
import { doDatabase } from "../fixtures";

describeStackPolicy(stackDatabaseRequireFirewall, [
  {
    resources: [
      {
        type: "digitalocean:index/databaseCluster:DatabaseCluster",
        name: "pg",
        props: { ...doDatabase(), id: "db-1" },
      },
      {
        type: "digitalocean:index/databaseFirewall:DatabaseFirewall",
        name: "pg-firewall",
        props: { clusterId: "db-1", rules: [{ type: "k8s", value: "cluster-uuid" }] },
        refs: { clusterId: ["pg"] },
      },
    ],
    cases: [
      {
        rule: "no database firewall",
        remove: "pg-firewall",
        expect: /DatabaseCluster pg has no database firewall/,
      },
      {
        rule: "a firewall without trusted sources",
        set: ["pg-firewall", "rules", []],
        expect: /no database firewall with trusted sources/,
      },
    ],
  },
]);
