import { stackCloudflareRequireWaf } from "../../../policies/stack/stack-cloudflare-require-waf";
import { describeStackPolicy } from "../harness";
import { zoneStack } from "../cloudflare/zone";

describeStackPolicy(stackCloudflareRequireWaf, [
  {
    resources: zoneStack(),
    cases: [
      {
        rule: "no managed ruleset runs",
        remove: "waf",
        expect: /no WAF managed ruleset runs/,
      },
      {
        rule: "the managed ruleset's rule is disabled",
        set: ["waf", "rules.0.enabled", false],
        expect: /no WAF managed ruleset runs/,
      },
      {
        rule: "the executed ruleset is not a WAF managed ruleset",
        set: ["waf", "rules.0.actionParameters.id", "0123456789abcdef0123456789abcdef"],
        expect: /no WAF managed ruleset runs/,
      },
      {
        rule: "no rate limit",
        remove: "rate-limit",
        expect: /no per-client rate limit/,
      },
      {
        rule: "the rate limit only logs",
        set: ["rate-limit", "rules.0.action", "log"],
        expect: /no per-client rate limit/,
      },
      {
        rule: "the rate limit is not counted per client address",
        set: ["rate-limit", "rules.0.ratelimit.characteristics", ["cf.colo.id"]],
        expect: /no per-client rate limit/,
      },
    ],
    passes: [
      {
        rule: "the Free plan's managed ruleset runs",
        set: ["waf", "rules.0.actionParameters.id", "77454fe2d30c4220b5701f6fdfb893ba"],
      },
      {
        rule: "the OWASP Core Ruleset runs",
        set: ["waf", "rules.0.actionParameters.id", "4814384a9e5d4991b9815dcfc25d2f1f"],
      },
    ],
  },
]);
