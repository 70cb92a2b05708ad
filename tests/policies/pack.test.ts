/**
 * Checks the pack as a whole: every listed policy is well named, lives in its own file, cites a
 * document in a full sentence and has its own test file with fixtures; the README table and the
 * pack's metadata files stay in step with the list.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONFIG_PROPERTIES, DEFAULT_POLICY_CONFIG, readConfig } from "../../policies/config";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies, policyTable } from "../../policies/list";

const ROOT = path.join(__dirname, "..", "..");
const PACK = path.join(ROOT, "policies");
const PROVIDERS = ["aws", "cloudflare", "digitalocean", "hetzner", "kubernetes", "stack"] as const;
const NAME =
  /^(aws|cloudflare|digitalocean|hetzner|kubernetes|stack)-[a-z0-9]+-(disallow|require|enforce|limit)-[a-z0-9-]+$/;

/** Problems with a description, or [] when it is a full sentence citing a document. */
export function descriptionProblems(text: string): string[] {
  const problems: string[] = [];
  if (!/^[A-Z]/.test(text)) problems.push("does not start with a capital letter");
  if (!text.endsWith(".")) problems.push("does not end with a period");
  if (text.trim().split(/\s+/).length < 8) problems.push("has fewer than 8 words");
  if (!/(Self-hosted deployment|Infrastructure recommendations)/i.test(text))
    problems.push("cites no document");
  return problems;
}

const providerOf = (name: string) => name.split("-")[0];

describe("descriptionProblems", () => {
  it("accepts a cited full sentence and names each fault otherwise", () => {
    expect(
      descriptionProblems("Self-hosted deployment §2.1: SSH is never open to the internet at all."),
    ).toEqual([]);
    expect(descriptionProblems("ssh closed")).toEqual([
      "does not start with a capital letter",
      "does not end with a period",
      "has fewer than 8 words",
      "cites no document",
    ]);
  });
});

describe("the name rule", () => {
  it("accepts the documented pattern and rejects other verbs, providers and cases", () => {
    expect("aws-ec2-disallow-public-ssh").toMatch(NAME);
    expect("kubernetes-pod-require-probes").toMatch(NAME);
    expect("aws-ec2-block-public-ssh").not.toMatch(NAME);
    expect("gcp-gke-require-private").not.toMatch(NAME);
    expect("aws-EC2-disallow-public-ssh").not.toMatch(NAME);
    expect("aws-ec2-disallow").not.toMatch(NAME);
  });
});

describe("the policy list", () => {
  it("has unique names", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("includes every policy file of the pack", () => {
    const listed = new Set(policies.map((p) => p.name));
    const files = PROVIDERS.flatMap((dir) =>
      fs
        .readdirSync(path.join(PACK, dir))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => f.slice(0, -3)),
    );
    expect(files.filter((f) => !listed.has(f))).toEqual([]);
  });

  describe.each(policies.map((p) => [p.name, p] as const))("%s", (name, policy) => {
    it("is named <provider>-<service>-<verb>-<object>", () => {
      expect(name).toMatch(NAME);
    });

    it("is the export of policies/<provider>/<name>.ts", () => {
      const file = path.join(PACK, providerOf(name), `${name}.ts`);
      expect(fs.existsSync(file)).toBe(true);
      expect(Object.values(require(file))).toContain(policy);
    });

    it("sits with its kind: stack policies under stack/, resource policies elsewhere", () => {
      expect("validateStack" in policy).toBe(providerOf(name) === "stack");
      expect("validateResource" in policy).toBe(providerOf(name) !== "stack");
    });

    it("describes the rule it enforces in a full sentence citing a document", () => {
      expect(descriptionProblems(policy.description)).toEqual([]);
    });

    it("has a cases file (run by policies.test.ts) with a compliant fixture and failing cases", () => {
      const file = path.join(__dirname, providerOf(name), `${name}.cases.ts`);
      expect(fs.existsSync(file)).toBe(true);
      const text = fs.readFileSync(file, "utf8");
      expect(text).toContain(`policies/${providerOf(name)}/${name}"`);
      // The describe helpers refuse a fixture without failing cases, so a call proves both.
      expect(text).toMatch(/describe(Resource|Stack)Policy\(/);
      expect(text).toMatch(/expect: \//);
    });

    it("declares a config schema for every config key it reads", () => {
      const source = fs.readFileSync(path.join(PACK, providerOf(name), `${name}.ts`), "utf8");
      const reads = source.includes("readConfig(");
      expect(policy.configSchema !== undefined).toBe(reads);
      for (const key of Object.keys(policy.configSchema?.properties ?? {})) {
        expect(Object.keys(CONFIG_PROPERTIES)).toContain(key);
        expect(source).toMatch(new RegExp(`\\b${key}\\b`));
      }
    });
  });
});

describe("policyTable", () => {
  const table = policyTable().split("\n");

  it("has a header and one row per policy with its default enforcement level", () => {
    expect(table[0]).toBe("| Policy | Rule enforced | Default enforcement |");
    expect(table).toHaveLength(policies.length + 2);
    policies.forEach((p, i) => {
      expect(table[i + 2]).toContain(`\`${p.name}\``);
      expect(table[i + 2].endsWith(`| ${p.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL} |`)).toBe(
        true,
      );
    });
  });

  it("keeps every row at three cells even when a description holds a pipe", () => {
    for (const row of table.slice(2)) {
      expect(row.split(/(?<!\\)\|/).length).toBe(5);
    }
  });
});

describe("policy config", () => {
  const source = (config: object) => ({ getConfig: <T extends object>() => config as T });

  it("falls back to production values when a stack passes nothing", () => {
    const config = readConfig(source({}));
    expect(config).toEqual(DEFAULT_POLICY_CONFIG);
    expect(config.environment).toBe("production");
    expect(config.adminCidrs).toEqual([]);
    expect(config.backupRetentionDays).toBe(30);
    expect(config.hpa).toEqual({ minReplicas: 3, maxReplicas: 50, cpuPercent: 70 });
  });

  it("keeps the documented profile of every node role as a default", () => {
    expect(DEFAULT_POLICY_CONFIG.nodeProfiles.db).toEqual({ vcpu: 16, memoryGb: 64 });
    expect(DEFAULT_POLICY_CONFIG.nodeProfiles.app).toEqual({ vcpu: 8, memoryGb: 16 });
  });

  it("merges a partial hpa block over the defaults", () => {
    const config = readConfig(source({ environment: "staging", hpa: { maxReplicas: 10 } }));
    expect(config.environment).toBe("staging");
    expect(config.hpa).toEqual({ minReplicas: 3, maxReplicas: 10, cpuPercent: 70 });
  });

  it("gives every config key a schema default equal to the code's default", () => {
    for (const [key, schema] of Object.entries(CONFIG_PROPERTIES)) {
      expect(schema.default).toEqual(
        DEFAULT_POLICY_CONFIG[key as keyof typeof DEFAULT_POLICY_CONFIG],
      );
    }
  });
});

describe("the pack's files", () => {
  it("index.ts only builds the pack from the list", () => {
    const text = fs.readFileSync(path.join(PACK, "index.ts"), "utf8");
    const code = text.split("\n").filter((l) => l.trim() && !l.trim().startsWith("//"));
    expect(code).toEqual([
      'import { PolicyPack } from "@pulumi/policy";',
      'import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./list";',
      "new PolicyPack(PACK_NAME, { policies, enforcementLevel: PACK_ENFORCEMENT_LEVEL });",
    ]);
    expect(PACK_NAME).toBe("platform-security");
    expect(PACK_ENFORCEMENT_LEVEL).toBe("mandatory");
  });

  it("package.json names the pack, versions it and depends on the policy SDK", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8"));
    expect(pkg.name).toBe(PACK_NAME);
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.dependencies["@pulumi/policy"]).toBe("^1.21.0");
    expect(pkg.dependencies["@pulumi/pulumi"]).toBe("^3.270.0");
  });

  it("package.json lists every SDK a policy imports", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8"));
    const sources = PROVIDERS.flatMap((dir) =>
      fs
        .readdirSync(path.join(PACK, dir))
        .map((f) => fs.readFileSync(path.join(PACK, dir, f), "utf8")),
    ).concat(
      fs
        .readdirSync(path.join(PACK, "lib"))
        .map((f) => fs.readFileSync(path.join(PACK, "lib", f), "utf8")),
    );
    const imported = new Set(
      sources.flatMap((s) => [...s.matchAll(/from "(@pulumi\/[a-z-]+)/g)].map((m) => m[1])),
    );
    for (const dep of imported) expect(Object.keys(pkg.dependencies)).toContain(dep);
  });

  it("PulumiPolicy.yaml declares the nodejs runtime and a description", () => {
    const project = YAML.parse(fs.readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8"));
    expect(project.runtime).toBe("nodejs");
    expect(descriptionProblems(project.description)).toEqual([]);
  });
});

describe("README", () => {
  it("lists every policy with the rule it enforces and its default level (npm run docs)", () => {
    const { readmeWithPolicies } = require("../../scripts/docs");
    const readme = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8");
    expect(readmeWithPolicies(readme)).toBe(readme);
    for (const p of policies) expect(readme).toContain(`| \`${p.name}\` |`);
  });
});
