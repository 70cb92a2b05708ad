import { stackCloudflareRequireHsts } from "../../../policies/stack/stack-cloudflare-require-hsts";
import { describeStackPolicy } from "../harness";
import { zoneStack } from "../cloudflare/zone";

const HSTS = "value.strict_transport_security";

describeStackPolicy(stackCloudflareRequireHsts, [
  {
    resources: zoneStack(),
    cases: [
      {
        rule: "no HSTS header is managed",
        remove: "setting-security_header",
        expect: /HSTS is not enabled/,
      },
      {
        rule: "HSTS is off",
        set: ["setting-security_header", `${HSTS}.enabled`, false],
        expect: /HSTS is not enabled/,
      },
      {
        rule: "max-age is a day",
        set: ["setting-security_header", `${HSTS}.max_age`, 86400],
        expect: /max_age is 86400; use at least 31536000/,
      },
      {
        rule: "subdomains are left out",
        set: ["setting-security_header", `${HSTS}.include_subdomains`, false],
        expect: /include_subdomains is not true/,
      },
    ],
    passes: [
      {
        rule: "max-age is two years",
        set: ["setting-security_header", `${HSTS}.max_age`, 63072000],
      },
    ],
  },
]);
