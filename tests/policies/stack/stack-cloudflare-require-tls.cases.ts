import { stackCloudflareRequireTls } from "../../../policies/stack/stack-cloudflare-require-tls";
import { describeStackPolicy } from "../harness";
import { T, zoneStack } from "../cloudflare/zone";

describeStackPolicy(stackCloudflareRequireTls, [
  {
    resources: zoneStack(),
    cases: [
      {
        rule: "TLS 1.0 viewers are allowed",
        set: ["setting-min_tls_version", "value", "1.0"],
        expect: /minimum TLS version is 1\.0/,
      },
      {
        rule: "the minimum TLS version is not managed (Cloudflare's default is 1.0)",
        remove: "setting-min_tls_version",
        expect: /minimum TLS version is not managed/,
      },
      {
        rule: "Cloudflare does not validate the origin's certificate (Full)",
        set: ["setting-ssl", "value", "full"],
        expect: /SSL mode is full/,
      },
      {
        rule: "TLS 1.3 is off",
        set: ["setting-tls_1_3", "value", "off"],
        expect: /TLS 1\.3 is off/,
      },
      {
        rule: "plain HTTP is served (no redirect, no Always Use HTTPS)",
        remove: "https-redirect",
        expect: /plain HTTP is served/,
      },
      {
        rule: "the redirect keeps the http scheme",
        set: [
          "https-redirect",
          "rules.0.actionParameters.fromValue.targetUrl.expression",
          'concat("http://", http.host)',
        ],
        expect: /plain HTTP is served/,
      },
    ],
    passes: [
      { rule: "viewers need TLS 1.3", set: ["setting-min_tls_version", "value", "1.3"] },
      {
        rule: "Always Use HTTPS replaces the redirect rule",
        add: {
          type: T.setting,
          name: "setting-always_use_https",
          props: {
            zoneId: "023e105f4ecef8ad9ca31a8372d0c353",
            settingId: "always_use_https",
            value: "on",
          },
        },
      },
      {
        rule: "the record is DNS-only (the zone then proxies nothing)",
        set: ["apex", "proxied", false],
      },
    ],
  },
]);
