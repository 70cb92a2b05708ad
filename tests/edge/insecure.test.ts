/**
 * Acceptance of the edge (issue: every shipped stack but local has an edge): removing the WAF,
 * lowering TLS or exposing the origin directly in a shipped stack fails its plan (exit 1), naming
 * the policy. Each case plans the real program with one `platform:edge` key changed.
 */
import * as fs from "fs";
import { changedStack, planChanged } from "../helpers/changed-stack";

function planWithEdge(stack: string, edge: Record<string, unknown>) {
  const dir = changedStack(
    stack,
    (config) => (config["platform:edge"] = { ...(config["platform:edge"] ?? {}), ...edge }),
    "edge-insecure-",
  );
  const r = planChanged(dir, ["--json"]);
  fs.rmSync(dir, { recursive: true, force: true });
  const out = JSON.parse(r.stdout);
  const mandatory = out.violations.filter((v: any) => v.enforcementLevel === "mandatory");
  return { status: r.status, policies: mandatory.map((v: any) => v.policy as string) };
}

const CASES: [string, string, string, Record<string, unknown>][] = [
  ["staging", "removing the WAF", "stack-cloudflare-require-waf", { waf: false }],
  [
    "production-hetzner",
    "lowering TLS to 1.1",
    "stack-cloudflare-require-tls",
    { minTlsVersion: "1.1" },
  ],
  [
    "production-do",
    "publishing the gateway's address",
    "cloudflare-dns-require-proxied",
    { proxied: false },
  ],
  ["small", "unlocking the origin", "stack-cloudflare-require-origin-lock", { originLock: false }],
  ["production", "removing CloudFront's WAF", "aws-cloudfront-require-waf", { waf: false }],
  [
    "production",
    "lowering CloudFront's TLS to 1.1",
    "aws-cloudfront-require-tls",
    { minTlsVersion: "1.1" },
  ],
  [
    "production",
    "opening the NLB around CloudFront",
    "stack-cloudfront-require-origin-lock",
    { originLock: false },
  ],
  ["production-large", "taking the edge away", "stack-gateway-require-edge", { provider: "none" }],
  [
    "production-large-ap",
    "opening the secondary's NLB around the primary's distribution",
    "stack-cloudfront-require-origin-lock",
    { originLock: false },
  ],
];

describe("an insecure edge in a shipped stack fails the plan, naming the policy", () => {
  it.each(CASES)(
    "%s: %s fails %s",
    (stack, _what, policy, edge) => {
      const r = planWithEdge(stack, edge);
      expect(r.status).toBe(1);
      expect(r.policies).toContain(policy);
    },
    180_000,
  );
});
