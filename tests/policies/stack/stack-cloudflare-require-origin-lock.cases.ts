import { stackCloudflareRequireOriginLock } from "../../../policies/stack/stack-cloudflare-require-origin-lock";
import { describeStackPolicy } from "../harness";
import { T, ZONE, zoneStack } from "../cloudflare/zone";

describeStackPolicy(stackCloudflareRequireOriginLock, [
  {
    resources: zoneStack(),
    cases: [
      {
        rule: "Cloudflare presents no origin-pull certificate",
        set: ["setting-tls_client_auth", "value", "off"],
        expect: /presents no client certificate to the origin/,
      },
      {
        rule: "the gateway listener accepts any client",
        remove: "client-proxied",
        expect: /listener for example.com accepts clients without Cloudflare's certificate/,
      },
      {
        rule: "the client certificate is optional",
        set: ["client-proxied", "spec.tls.clientValidation.optional", true],
        expect: /accepts clients without Cloudflare's certificate/,
      },
      {
        rule: "a second proxied host has no locked listener",
        add: {
          type: T.record,
          name: "api",
          props: { zoneId: ZONE, name: "api.example.com", type: "A", proxied: true, ttl: 1 },
        },
        expect: /listener for api.example.com accepts clients/,
      },
    ],
  },
  {
    resources: [
      ...zoneStack().filter((f) => f.name !== "setting-tls_client_auth"),
      { type: T.aop, name: "aop", props: { zoneId: ZONE, enabled: true } },
    ],
    cases: [
      {
        rule: "zone-level authenticated origin pulls are disabled",
        set: ["aop", "enabled", false],
        expect: /presents no client certificate/,
      },
    ],
  },
]);
