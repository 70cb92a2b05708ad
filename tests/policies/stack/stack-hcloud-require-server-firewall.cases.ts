import { stackHcloudRequireServerFirewall } from "../../../policies/stack/stack-hcloud-require-server-firewall";
import { describeStackPolicy, UNKNOWN } from "../harness";
import { hcloudFirewall } from "../fixtures";

const SERVER = "hcloud:index/server:Server";
const server = (name: string, id: string, role: string, extra: object = {}) => ({
  type: SERVER,
  name,
  props: {
    id,
    name,
    serverType: "cx43",
    image: "ubuntu-24.04",
    labels: { "platform/role": role },
    ...extra,
  },
});

describeStackPolicy(stackHcloudRequireServerFirewall, [
  {
    resources: [
      {
        type: "hcloud:index/firewall:Firewall",
        name: "nodes",
        props: {
          ...hcloudFirewall(),
          id: "fw-1",
          applyTos: [{ labelSelector: "platform/role=app" }],
        },
      },
      server("app-1", "101", "app"),
      server("db-1", "102", "db", { firewallIds: [1] }),
      server("lb-1", "103", "lb"),
      {
        type: "hcloud:index/firewallAttachment:FirewallAttachment",
        name: "lb-attach",
        props: { firewallId: 1, serverIds: [103] },
      },
    ],
    cases: [
      {
        rule: "a server outside the firewall's label selector",
        set: ["app-1", "labels", { "platform/role": "worker" }],
        expect: /Server app-1 is not behind any Hetzner Cloud firewall/,
      },
      {
        rule: "a server whose firewallIds list is emptied",
        set: ["db-1", "firewallIds", []],
        expect: /Server db-1/,
      },
      { rule: "the attachment is removed", remove: "lb-attach", expect: /Server lb-1/ },
      {
        rule: "a new server without a firewall",
        add: server("monitoring-1", "104", "monitoring"),
        expect: /Server monitoring-1/,
      },
    ],
    passes: [
      {
        rule: "a new server's computed firewallIds are unknown in preview",
        set: ["lb-1", "firewallIds", UNKNOWN],
      },
      {
        rule: "the firewall applies to the server by id",
        set: ["nodes", "applyTos", [{ server: 101 }]],
      },
    ],
  },
]);
