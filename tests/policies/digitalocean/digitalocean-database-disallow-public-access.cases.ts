import * as digitalocean from "@pulumi/digitalocean";
import { digitaloceanDatabaseDisallowPublicAccess } from "../../../policies/digitalocean/digitalocean-database-disallow-public-access";
import { describeResourcePolicy } from "../harness";

describeResourcePolicy(digitaloceanDatabaseDisallowPublicAccess, [
  {
    type: digitalocean.DatabaseFirewall,
    props: {
      clusterId: "db-1",
      rules: [
        { type: "k8s", value: "cluster-uuid" },
        { type: "tag", value: "platform-app" },
        { type: "ip_addr", value: "10.10.0.0/16" },
      ],
    },
    cases: [
      {
        rule: "trusted source 0.0.0.0/0",
        set: ["rules.2.value", "0.0.0.0/0"],
        expect: /trusts ip_addr 0\.0\.0\.0\/0/,
      },
      {
        rule: "trusted source a single public address",
        set: ["rules.2.value", "198.51.100.4"],
        expect: /trusts ip_addr 198\.51\.100\.4/,
      },
    ],
    passes: [
      { rule: "a droplet is trusted", set: ["rules.2", { type: "droplet", value: "12345" }] },
    ],
  },
]);
