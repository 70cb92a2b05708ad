import * as cloudflare from "@pulumi/cloudflare";
import { cloudflareDnsRequireProxied } from "../../../policies/cloudflare/cloudflare-dns-require-proxied";
import { describeResourcePolicy } from "../harness";
import { record } from "./zone";

describeResourcePolicy(cloudflareDnsRequireProxied, [
  {
    type: cloudflare.DnsRecord,
    props: record(),
    cases: [
      {
        rule: "the apex record publishes the gateway's address (DNS-only)",
        set: ["proxied", false],
        expect: /A record example.com is DNS-only/,
      },
      {
        rule: "proxied is left out (Cloudflare's default is DNS-only)",
        set: ["proxied", undefined],
        expect: /is DNS-only/,
      },
    ],
    passes: [
      { rule: "a CNAME to the AWS load balancer is proxied", set: ["type", "CNAME"] },
      { rule: "a TXT record is not an address", set: ["type", "TXT"] },
      { rule: "a validation record starts with an underscore", set: ["name", "_acme.example.com"] },
    ],
  },
]);
