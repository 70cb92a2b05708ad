/**
 * `pulumi policy publish` packs `policies/` alone and the service runs it as its own Node project
 * (npm install there, then `@pulumi/pulumi`'s run-policy-pack on `main`), so the pack must import
 * nothing of the program and no package its own package.json does not list.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import { PROFILES } from "../../catalog/profiles";
import { CATALOG } from "../../catalog";
import { packConfigFile, policyConfig } from "../../plan/policy-config";
import { CONFIG_PROPERTIES, DEFAULT_POLICY_CONFIG } from "../../policies/config";
import { PACK_NAME, policies } from "../../policies/list";
import { stackConfig } from "../helpers/stacks";

const ROOT = path.join(__dirname, "..", "..");
const PACK = path.join(ROOT, "policies");
const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8"));

/** Every .ts file under `dir`, skipping an installed node_modules. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

/** Module specifiers of static imports, re-exports, `require` and dynamic `import`. */
export function specifiers(source: string): string[] {
  const found = [
    ...source.matchAll(/\b(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/g),
    ...source.matchAll(/\bimport\s*["']([^"']+)["']/g),
    ...source.matchAll(/\b(?:require|import)\s*\(\s*["']([^"']+)["']\s*\)/g),
  ];
  return found.map((m) => m[1]);
}

/** The npm package a bare specifier names: `@scope/name` or `name`. */
const packageOf = (spec: string) =>
  spec
    .split("/")
    .slice(0, spec.startsWith("@") ? 2 : 1)
    .join("/");

/** What `file` imports from outside `root` or from a package `dependencies` does not list. */
export function importProblems(
  root: string,
  file: string,
  source: string,
  dependencies: Record<string, string>,
): string[] {
  const problems: string[] = [];
  for (const spec of specifiers(source)) {
    if (spec.startsWith(".")) {
      const target = path.resolve(path.dirname(file), spec);
      if (path.relative(root, target).startsWith(".."))
        problems.push(`${path.relative(root, file)} imports ${spec}, outside the pack`);
    } else if (!spec.startsWith("node:") && !builtinModules.includes(packageOf(spec))) {
      if (!(packageOf(spec) in dependencies))
        problems.push(`${path.relative(root, file)} imports ${spec}, not in policies/package.json`);
    }
  }
  return problems;
}

describe("importProblems", () => {
  const root = "/repo/policies";
  const file = "/repo/policies/stack/x.ts";
  const deps = { "@pulumi/policy": "^1.21.0" };

  it("flags a relative import that leaves the pack and a package the pack does not list", () => {
    const source = [
      'import { machineByName } from "../../catalog";',
      'export { PROFILES } from "../../catalog/profiles";',
      'import * as aws from "@pulumi/aws";',
      'const zod = require("zod");',
      'const later = () => import("../../config");',
    ].join("\n");
    expect(importProblems(root, file, source, deps)).toEqual([
      "stack/x.ts imports ../../catalog, outside the pack",
      "stack/x.ts imports ../../catalog/profiles, outside the pack",
      "stack/x.ts imports @pulumi/aws, not in policies/package.json",
      "stack/x.ts imports zod, not in policies/package.json",
      "stack/x.ts imports ../../config, outside the pack",
    ]);
  });

  it("accepts imports inside the pack, listed packages with subpaths and Node's own modules", () => {
    const source = [
      'import { readConfig } from "../config";',
      'import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";',
      'import * as fs from "fs";',
      'import * as path from "node:path";',
    ].join("\n");
    expect(importProblems(root, file, source, deps)).toEqual([]);
  });
});

describe("the publishable pack", () => {
  const files = sources(PACK);

  it("imports nothing from outside policies/ and only packages its package.json lists", () => {
    expect(files.length).toBeGreaterThan(policies.length);
    const problems = files.flatMap((f) =>
      importProblems(PACK, f, fs.readFileSync(f, "utf8"), pkg.dependencies),
    );
    expect(problems).toEqual([]);
  });

  it("resolves every package it imports from policies/ itself", () => {
    const packages = new Set(
      files
        .flatMap((f) => specifiers(fs.readFileSync(f, "utf8")))
        .filter((s) => !s.startsWith(".")),
    );
    for (const spec of packages) {
      expect(() => require.resolve(spec, { paths: [PACK] })).not.toThrow();
    }
  });

  // Without its own TypeScript the runtime falls back to a vendored TypeScript 3.8.3 and ts-node
  // 7.0.1 (typeScriptRequireStrings in pulumi/pulumi sdk/nodejs/tsutils.ts), which cannot compile
  // this code; the tsconfig's `types: ["node"]` needs @types/node installed beside it.
  it("brings the TypeScript toolchain run-policy-pack compiles it with", () => {
    expect(Object.keys(pkg.devDependencies ?? {}).sort()).toEqual([
      "@types/node",
      "ts-node",
      "typescript",
    ]);
    const tsconfig = JSON.parse(fs.readFileSync(path.join(PACK, "tsconfig.json"), "utf8"));
    expect(tsconfig.compilerOptions.types).toEqual(["node"]);
    // rootDir makes tsc refuse any compiled file outside policies/ (TS6059).
    expect(tsconfig.compilerOptions.rootDir).toBe(".");
    expect(tsconfig.files).toEqual([pkg.main]);
  });

  it(
    "compiles from index.ts with its own tsconfig, every file inside policies/",
    () => {
      const tsc = require.resolve("typescript/bin/tsc", { paths: [PACK] });
      const r = spawnSync(process.execPath, [tsc, "-p", PACK, "--noEmit"], { encoding: "utf8" });
      expect(r.stdout + r.stderr).toBe("");
      expect(r.status).toBe(0);
    },
    5 * 60_000,
  );
});

describe("the pack config carries what the pack no longer imports", () => {
  it("defaults the self-hosted §1.1 roles to the catalog's documented profiles", () => {
    for (const [role, size] of Object.entries(DEFAULT_POLICY_CONFIG.nodeProfiles)) {
      const profile = PROFILES[role as keyof typeof PROFILES];
      expect([role, size]).toEqual([role, { vcpu: profile.vcpu, memoryGb: profile.memoryGb }]);
    }
    expect(Object.keys(DEFAULT_POLICY_CONFIG.nodeProfiles).sort()).toEqual(
      ["app", "db", "lb", "monitoring", "storage"].sort(),
    );
  });

  it("hands the nodepool policy the sizes of the stack's cloud, as the catalog has them", () => {
    const hetzner = policyConfig(stackConfig("production-hetzner")).machineTypes;
    expect(Object.keys(hetzner)).toEqual(["hetzner"]);
    for (const t of CATALOG.hetzner.machines) {
      expect(hetzner.hetzner[t.name]).toEqual({ vcpu: t.vcpu, memoryGb: t.memoryGb });
    }
    expect(policyConfig(stackConfig("local")).machineTypes).toEqual({});
  });

  it("writes each policy of the --policy-pack-config file only its level and declared keys", () => {
    const file = packConfigFile(policies, stackConfig("production")) as Record<string, object>;
    expect(Object.keys(file["stack-nodepool-enforce-profile"]).sort()).toEqual(
      ["enforcementLevel", "machineTypes", "nodeProfiles", "tier"].sort(),
    );
    expect(file["aws-ec2-disallow-public-ssh"]).toEqual({
      enforcementLevel: "mandatory",
      adminCidrs: ["203.0.113.0/24"],
    });
    expect(file["aws-s3-disallow-public-acl"]).toEqual({ enforcementLevel: "mandatory" });
  });

  // plan/policy-config.ts writes each policy only the keys its schema declares, so a key read
  // without being declared would silently fall back to the production default under the CLI.
  it.each(policies.filter((p) => p.configSchema).map((p) => [p.name, p] as const))(
    "%s declares every config key it reads",
    (name, policy) => {
      const folder = name.split("-")[0];
      const source = fs.readFileSync(path.join(PACK, folder, `${name}.ts`), "utf8");
      const declared = Object.keys(policy.configSchema?.properties ?? {});
      const reads = Object.keys(CONFIG_PROPERTIES).filter((key) =>
        new RegExp(
          `readConfig\\(args\\)\\.${key}\\b|\\{[^}]*\\b${key}\\b[^}]*\\}\\s*=\\s*readConfig`,
        ).test(source),
      );
      expect(reads.length).toBeGreaterThan(0);
      expect(declared.sort()).toEqual(expect.arrayContaining(reads));
    },
  );
});

describe("README, Publishing the policy pack", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.split("### Publishing the policy pack")[1]?.split(/\n##? /)[0] ?? "";

  it("publishes from policies/ and enables the pack by its name with the planner's config", () => {
    expect(section).toContain("cd policies");
    expect(section).toContain("pulumi policy publish <org>");
    expect(section).toContain("--policy-config > ");
    expect(section).toMatch(
      new RegExp(`pulumi policy enable <org>/${PACK_NAME} latest --policy-group <group> --config `),
    );
  });
});
