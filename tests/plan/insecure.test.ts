import * as fs from "fs";
import { changedStack, planChanged } from "../helpers/changed-stack";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");

/**
 * Plans a shipped stack with one config key changed to an insecure value, in a scratch folder whose
 * index.ts is the real program.
 */
function planWith(stack: string, change: Record<string, unknown>) {
  const dir = changedStack(stack, (config) => Object.assign(config, change), "insecure-");
  const r = planChanged(dir, ["--json"]);
  const out = JSON.parse(r.stdout);
  return {
    status: r.status,
    mandatory: out.violations.filter((v: any) => v.enforcementLevel === "mandatory"),
  };
}

describe("an insecure value in a stack's config fails the plan, naming the policy", () => {
  it("an app autoscaling below three replicas in production: kubernetes-hpa-enforce-bounds", () => {
    const file = parse(fs.readFileSync(path.join(ROOT, "Pulumi.production.yaml"), "utf8"));
    const apps = file.config["platform:apps"].map((a: any, i: number) =>
      i === 0 ? { ...a, autoscaling: { minReplicas: 1, maxReplicas: 50, cpuPercent: 70 } } : a,
    );
    const r = planWith("production", { "platform:apps": apps });
    expect(r.status).toBe(1);
    expect(r.mandatory.map((v: any) => v.policy)).toContain("kubernetes-hpa-enforce-bounds");
  });

  it("a production database without its Multi-AZ standby: aws-rds-require-multi-az", () => {
    const r = planWith("production", {
      "platform:database": { mode: "managed", profile: "small-db", multiAz: false },
    });
    expect(r.status).toBe(1);
    expect(r.mandatory.map((v: any) => v.policy)).toContain("aws-rds-require-multi-az");
  });

  it("a self-hosted production database without a replica: kubernetes-postgres-require-replicas", () => {
    const r = planWith("production-hetzner", { "platform:database": { replicas: 0 } });
    expect(r.status).toBe(1);
    expect(r.mandatory.map((v: any) => v.policy)).toEqual(
      expect.arrayContaining([expect.stringMatching(/postgres.*replica/)]),
    );
  });

  it("a production EKS cluster that grants no one but its creator: stack-eks-require-access-entries", () => {
    const r = planWith("production", { "platform:kubernetes": { access: [] } });
    expect(r.status).toBe(1);
    expect(r.mandatory.map((v: any) => v.policy)).toContain("stack-eks-require-access-entries");
  });
});
