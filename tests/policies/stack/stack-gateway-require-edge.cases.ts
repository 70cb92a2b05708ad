import { stackGatewayRequireEdge } from "../../../policies/stack/stack-gateway-require-edge";
import { describeStackPolicy } from "../harness";
import { distribution } from "../fixtures";
import { apexGateway, record, T } from "../cloudflare/zone";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";

describeStackPolicy(stackGatewayRequireEdge, [
  {
    // Cloudflare proxies the apex the gateway serves.
    resources: [
      { type: T.gateway, name: "public", props: apexGateway() },
      { type: T.record, name: "apex", props: record() },
    ],
    cases: [
      {
        rule: "the record is DNS-only: the host is served straight from the gateway",
        set: ["apex", "proxied", false],
        expect:
          /example.com \(listener https of Gateway public\) is served straight from the gateway/,
      },
      {
        rule: "no edge record at all",
        remove: "apex",
        expect: /is served straight from the gateway/,
      },
      {
        rule: "a second host bypasses the edge",
        set: [
          "public",
          "spec.listeners.2",
          { name: "https-api", protocol: "HTTPS", port: 443, hostname: "api.example.com" },
        ],
        expect: /^api.example.com .*served straight from the gateway/,
      },
    ],
    passes: [
      { rule: "a laptop cluster has no edge", config: { environment: "development" } },
      {
        rule: "a proxied Cloudflare load balancer answers the host",
        add: {
          type: T.lb,
          name: "lb",
          props: { zoneId: "z", name: "api.example.com", proxied: true },
        },
      },
    ],
  },
  {
    // CloudFront with a web ACL answers the apex.
    resources: [
      { type: T.gateway, name: "public", props: apexGateway() },
      {
        type: DISTRIBUTION,
        name: "cdn",
        props: { ...distribution(), aliases: ["example.com"], webAclId: "arn:waf" },
      },
    ],
    cases: [
      {
        rule: "the distribution has no web ACL",
        set: ["cdn", "webAclId", undefined],
        expect: /example.com .*no edge with a WAF answers it/,
      },
      {
        rule: "the host is not an alias of the distribution",
        set: ["cdn", "aliases", ["media.example.com"]],
        expect: /example.com .*served straight from the gateway/,
      },
    ],
  },
]);
