/**
 * The Pulumi CLI's own rules for the project file, every stack file and the policy pack file, at
 * pulumi/pulumi v3.259.0 (vendor/pulumi/SOURCES.md). Each rule is cited in pulumi-loader.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { PROVIDERS } from "../../catalog";
import {
  applyPreset,
  parseStackConfig,
  PROVIDER_SECRET_KEYS,
  readRawConfig,
  SECRET_KEYS,
  StackConfigSchema,
  TIERS,
} from "../../config";
import {
  applyProjectConfig,
  configDeclarations,
  goJson,
  isSecureValue,
  readStack,
  shippedStacks,
} from "../../plan/stack";
import {
  ajvFor,
  CONFIG_TYPES,
  PROJECT_SCHEMA,
  policyPackProblems,
  projectProblems,
  stackConfigProblems,
  stackFileProblems,
  validateConfigValue,
} from "./pulumi-loader";

const ROOT = path.resolve(__dirname, "../..");
const readYaml = (file: string) => parse(fs.readFileSync(path.join(ROOT, file), "utf8"));
const project = readYaml("Pulumi.yaml");
const stacks = shippedStacks(ROOT);

/** `Pulumi.yaml` as committed in b6cee47, which the CLI refused. */
const PULUMI_YAML_B6CEE47 = `name: platform
description: The product platform on AWS, DigitalOcean, Hetzner Cloud or any Kubernetes cluster, per the self-hosted deployment and infrastructure tiers documents.
runtime:
  name: nodejs
  options:
    typescript: true
config:
  provider:
    type: string
    description: "Where the stack runs: aws | digitalocean | hetzner | existing (any cluster from a kubeconfig)."
  tier:
    type: string
    description: "Tier preset that fills every default: local | staging | small | medium | large | enterprise."
  region:
    type: string
    description: Cloud region (us-east-1, nyc3, fsn1); any label for provider existing.
  domain:
    type: string
    description: The product's DNS domain; apps are served on it and its subdomains over HTTPS.
  adminCidrs:
    type: array
    items:
      type: string
    description: The only networks allowed to reach SSH and admin endpoints (never 0.0.0.0/0).
  kubernetes:
    description: "Kubernetes settings: version, context (existing only), namespace of the apps."
  network:
    description: "Address plan: cidr of the VPC or private network, zones to spread across."
  nodePools:
    description: "Node pools per role (gateway, app, db, storage, monitoring): profile, min, max, desired."
  database:
    description: "PostgreSQL: mode (managed | self-hosted | none), version, profile, storage, replicas, pooler, backup retention."
  cache:
    description: "Valkey (Redis-compatible) cache: mode, memoryMb, replicas, sentinel."
  objectStorage:
    description: "Object storage: mode (managed | self-hosted MinIO), servers, storage, buckets."
  cdn:
    description: "CDN in front of the gateway and media bucket: enabled, mediaHost."
  monitoring:
    description: "Prometheus, Alertmanager, Grafana: retentionDays, storageGb, receivers (paging, chat, email)."
  logging:
    description: "Log store: backend (loki | elasticsearch), retentionDays, storageGb."
  backups:
    description: "Backups: schedule, daily/weekly/monthly counts, databaseRetentionDays, fileSyncSchedule."
  apps:
    type: array
    description: "The product's apps: name, image (pinned), port, replicas, resources, env, healthPath, public, host, release."
  policies:
    description: "Policy pack enforcement for this stack: enforcement (mandatory | advisory), overrides per policy."
`;

/** `Pulumi.local.yaml` as committed in b6cee47. */
const LOCAL_STACK_B6CEE47 = `config:
  platform:provider: existing
  platform:tier: local
  platform:region: local
  platform:domain: platform.localtest.me
  platform:kubernetes:
    context: kind-platform
  platform:apps:
    - name: api
      image: registry.example.com/platform/api:1.0.0
      port: 3000
      healthPath: /health
      host: api
`;

/** The `platform:` keys the program's config gate sees for a stack under the CLI (plan/stack.ts). */
function programView(stack: string): Record<string, unknown> {
  const files = readStack(stack, ROOT);
  return readRawConfig({ values: files.config, secretKeys: new Set(files.secretKeys) });
}

/** The `platform:` keys of the stack file alone, without the project's defaults. */
function fileView(stack: string): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries<unknown>(readYaml(`Pulumi.${stack}.yaml`).config)) {
    const [ns, name] = key.split(":");
    if (ns === "platform" && !(name in SECRET_KEYS)) raw[name] = value;
  }
  return raw;
}

describe("Pulumi.yaml passes the CLI's project loader", () => {
  it("compiles the vendored project schema with the ajv class of its draft (2020-12)", () => {
    expect(PROJECT_SCHEMA.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(ajvFor(PROJECT_SCHEMA)).toBeInstanceOf(Ajv2020);
  });

  it("passes ValidateProject (name and JSON schema) and Project.Validate", () => {
    expect(projectProblems(project)).toEqual([]);
  });

  it("declares exactly the keys the config gate reads, each with a one-line description", () => {
    const declared = Object.keys(configDeclarations(project));
    expect(declared.sort()).toEqual(Object.keys(StackConfigSchema.shape).sort());
    for (const decl of Object.values(configDeclarations(project))) {
      expect(typeof decl.description).toBe("string");
      expect(decl.description).not.toMatch(/\n/);
    }
  });

  it("types keys only as string, integer, boolean or arrays of those, which every CLI checks", () => {
    // `object` is in the schema's enum, but ValidateConfigValue checks it only from v3.187.0
    // (pulumi/pulumi#20132); before, every value of an object-typed key was refused.
    const typesOf = (d: { type?: unknown; items?: any }): unknown[] =>
      d.type === undefined ? [] : [d.type, ...(d.items ? typesOf(d.items) : [])];
    const used = Object.values(configDeclarations(project)).flatMap(typesOf);
    expect(used.length).toBeGreaterThan(0);
    for (const t of used) {
      expect(CONFIG_TYPES).toContain(t);
      expect(["string", "integer", "boolean", "array"]).toContain(t);
    }
  });

  it("leaves only provider, tier, region and domain without a default: every stack sets them", () => {
    const required = Object.entries(configDeclarations(project))
      .filter(([, d]) => d.default === undefined && d.value === undefined)
      .map(([k]) => k);
    expect(required.sort()).toEqual(["domain", "provider", "region", "tier"]);
  });

  it("names in a comment every secret key, which it cannot declare as optional", () => {
    const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    for (const key of Object.keys(SECRET_KEYS)) expect(text).toMatch(new RegExp(`\\b${key}\\b`));
    // A typed secret key with a default fails every stack that leaves it out (pkg/workspace/config.go,
    // validateStackConfigValue): the default is stored unencrypted.
    const decl = { ...project, config: { key: { type: "string", secret: true, default: "" } } };
    expect(projectProblems(decl)).toEqual([]);
    expect(stackConfigProblems("s", decl, { config: {} })).toEqual([
      "Stack 's' with configuration key 'key' must be encrypted as it's secret",
    ]);
  });
});

describe.each(stacks)("Pulumi.%s.yaml passes the CLI's stack loader", (stack) => {
  const file = readYaml(`Pulumi.${stack}.yaml`);

  it("has the stack file's shape: string settings, ns:name keys, ciphertext strings", () => {
    expect(stackFileProblems(file)).toEqual([]);
  });

  it("sets every key declared without a default, with the declared types", () => {
    expect(stackConfigProblems(stack, project, file)).toEqual([]);
  });

  it("keeps every secret key secure: where it sets one", () => {
    const declaredSecret = Object.entries(configDeclarations(project))
      .filter(([, d]) => d.secret)
      .map(([k]) => `platform:${k}`);
    const secret = [
      ...declaredSecret,
      ...Object.keys(SECRET_KEYS).map((k) => `platform:${k}`),
      ...Object.keys(PROVIDER_SECRET_KEYS),
    ];
    for (const [key, value] of Object.entries<unknown>(file.config ?? {}))
      if (secret.includes(key))
        expect({ key, secure: isSecureValue(value) }).toEqual({ key, secure: true });
  });

  it("reaches the program with the same validated config with or without the project's defaults", () => {
    expect(parseStackConfig(programView(stack))).toEqual(parseStackConfig(fileView(stack)));
  });
});

describe("the project's defaults are what every tier preset gives anyway", () => {
  const defaults: Record<string, unknown> = {};
  for (const [key, decl] of Object.entries(configDeclarations(project)))
    if (decl.default !== undefined) defaults[key] = decl.default;

  it.each(TIERS.flatMap((tier) => PROVIDERS.map((provider) => [tier, provider])))(
    "tier %s on %s: applying the defaults changes no preset value",
    (tier, provider) => {
      const bare = { tier, provider };
      expect(applyPreset({ ...defaults, ...bare })).toEqual(applyPreset(bare));
    },
  );
});

describe("PulumiPolicy.yaml passes the CLI's policy pack loader", () => {
  it("names its runtime and has string metadata", () => {
    expect(policyPackProblems(readYaml("policies/PulumiPolicy.yaml"))).toEqual([]);
  });
});

describe("the checks refuse what the CLI refuses", () => {
  const old = parse(PULUMI_YAML_B6CEE47);

  it("refuses b6cee47's Pulumi.yaml: apps declares an array without items", () => {
    expect(projectProblems(old)).toEqual([
      "The configuration key 'apps' declares an array but does not specify the underlying type via the 'items' attribute",
    ]);
  });

  it("refuses b6cee47's local stack under b6cee47's Pulumi.yaml: keys declared without default", () => {
    expect(stackConfigProblems("local", old, parse(LOCAL_STACK_B6CEE47))).toEqual([
      "Stack 'local' is missing configuration values 'adminCidrs', 'backups', 'cache', 'cdn', 'database', 'logging', 'monitoring', 'network', 'nodePools', 'objectStorage' and 'policies'",
    ]);
  });

  it.each(stacks)("refuses shipped stack %s under b6cee47's Pulumi.yaml", (stack) => {
    const [problem] = stackConfigProblems(stack, old, readYaml(`Pulumi.${stack}.yaml`));
    expect(problem).toMatch(new RegExp(`^Stack '${stack}' is missing configuration values? '`));
  });

  it("names one missing key in the singular", () => {
    const p = { name: "p", config: { size: { type: "string" } } };
    expect(stackConfigProblems("dev", p, { config: {} })).toEqual([
      "Stack 'dev' is missing configuration value 'size'",
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "a default of another type",
      { count: { type: "integer", default: "three" } },
      "The default value specified for configuration key 'count' is not of the expected type 'integer'",
    ],
    [
      "a default array of another item type",
      { cidrs: { type: "array", items: { type: "string" }, default: [1] } },
      "The default value specified for configuration key 'cidrs' is not of the expected type 'array<string>'",
    ],
    [
      "a type on another namespace's key",
      { "aws:region": { type: "string", value: "us-east-1" } },
      "Configuration key 'aws:region' is not namespaced by the project and should not define a type",
    ],
    [
      "a default on another namespace's key",
      { "aws:region": { default: "us-east-1" } },
      "Configuration key 'aws:region' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?",
    ],
    [
      "another namespace's key without a value",
      { "kubernetes:kubeconfig": { description: "set per stack" } },
      "Configuration key 'kubernetes:kubeconfig' is namespaced and must provide an attribute 'value'",
    ],
    [
      "both a default and a value",
      { size: { default: "a", value: "b" } },
      "project config 'size' cannot have both a 'default' and 'value' attribute",
    ],
  ])("refuses %s", (_, config, message) => {
    expect(projectProblems({ name: "p", runtime: "nodejs", config })).toEqual([message]);
  });

  it("accepts another namespace's key with a value, and shorthand values", () => {
    const p = { name: "p", config: { "aws:region": "us-east-1", size: "t3.micro", n: 3 } };
    expect(projectProblems(p)).toEqual([]);
    const { config, missing } = applyProjectConfig("p", configDeclarations(p), {});
    expect(missing).toEqual([]);
    expect(config).toEqual({ "aws:region": "us-east-1", "p:size": "t3.micro", "p:n": 3 });
  });

  it.each<[string, unknown, RegExp]>([
    ["a project without a name", { runtime: "nodejs" }, /^project is missing a 'name' attribute$/],
    [
      "a type the schema does not know",
      { name: "p", config: { n: { type: "number" } } },
      /^#\/config\/n/,
    ],
    [
      "nested array items without their own items",
      { name: "p", config: { m: { type: "array", items: { type: "array" } } } },
      /^#\/config\/m/,
    ],
    [
      "an unknown declaration attribute",
      { name: "p", config: { n: { typ: "string" } } },
      /^#\/config\/n/,
    ],
    ["a fractional shorthand", { name: "p", config: { ratio: 0.5 } }, /^#\/config\/ratio/],
  ])("refuses %s by the JSON schema", (_, raw, message) => {
    const problems = projectProblems(raw);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(message);
  });

  it("refuses a plain value for a typed secret key and a value of another type", () => {
    const p = {
      name: "p",
      config: {
        token: { type: "string", secret: true },
        cidrs: { type: "array", items: { type: "string" } },
        port: { type: "integer" },
        on: { type: "boolean" },
      },
    };
    const stack = {
      config: { "p:token": "plain", "p:cidrs": "10.0.0.0/8", "p:port": "80", on: "true" },
    };
    expect(stackConfigProblems("dev", p, stack)).toEqual([
      "Stack 'dev' with configuration key 'cidrs' must be of type 'array<string>'",
      "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
    ]);
    const fixed = {
      config: { ...stack.config, "p:token": { secure: "v1:abc" }, "p:cidrs": ["10.0.0.0/8"] },
    };
    expect(stackConfigProblems("dev", p, fixed)).toEqual([]);
  });

  it("reads integer and boolean text as the CLI does (strconv.Atoi, true/false)", () => {
    expect(validateConfigValue("integer", undefined, "-42")).toBe(true);
    expect(validateConfigValue("integer", undefined, "4.2")).toBe(false);
    expect(validateConfigValue("integer", undefined, "9223372036854775808")).toBe(false);
    expect(validateConfigValue("boolean", undefined, "True")).toBe(false);
    expect(validateConfigValue("array", undefined, [])).toBe(false);
  });

  it.each<[string, unknown, RegExp]>([
    [
      "a key with two namespaces",
      { config: { "a:b:c": 1 } },
      /could not parse a:b:c as a configuration key/,
    ],
    [
      "a secure value that is not a string",
      { config: { "p:k": { secure: 42 } } },
      /ciphertext string/,
    ],
    ["a key without a value", { config: { "p:k": null } }, /no value/],
    ["an encryption salt that is a mapping", { encryptionsalt: { a: 1 } }, /encryptionsalt/],
    ["environments that are not names", { environment: [1, 2] }, /environment/],
  ])("refuses a stack file with %s", (_, raw, message) => {
    expect(stackFileProblems(raw).join("\n")).toMatch(message);
  });

  it("accepts the compatibility key form ns:config:name and an environment list", () => {
    expect(
      stackFileProblems({ config: { "aws:config:region": "x" }, environment: ["a/b"] }),
    ).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ["without a runtime", { description: "x" }, "project is missing a 'runtime' attribute"],
    [
      "with a runtime list",
      { runtime: ["nodejs"] },
      "runtime section must be a string or an object with name and options attributes",
    ],
    [
      "with a version mapping",
      { runtime: "nodejs", version: { major: 1 } },
      "version: must be a string",
    ],
  ])("refuses a policy pack file %s", (_, raw, message) => {
    expect(policyPackProblems(raw)).toEqual([message]);
  });
});

describe("the offline plan applies the project's config as the CLI does", () => {
  it("gives a stack the declared defaults of the keys it leaves out, and keeps what it sets", () => {
    const files = readStack("local", ROOT);
    const file = readYaml("Pulumi.local.yaml").config;
    expect(file["platform:adminCidrs"]).toBeUndefined();
    expect(files.config["platform:adminCidrs"]).toBe("[]");
    expect(files.config["platform:sshPublicKey"]).toBe("");
    expect(files.config["platform:backups"]).toBe("{}");
    expect(files.config["platform:provider"]).toBe(file["platform:provider"]);
    expect(JSON.parse(files.config["platform:apps"])).toEqual(file["platform:apps"]);
  });

  function scratch(projectYaml: string, stackYaml: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-loader-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), projectYaml);
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stackYaml);
    return dir;
  }

  it("stops where the CLI stops: a key declared without default that the stack leaves out", () => {
    const dir = scratch(PULUMI_YAML_B6CEE47, LOCAL_STACK_B6CEE47);
    expect(() => readStack("dev", dir)).toThrow(
      /^Stack 'dev' is missing configuration values 'adminCidrs', 'backups', .* and 'policies'$/,
    );
  });

  it("reports that stop as invalid config, the CLI's message its one problem line", async () => {
    const dir = scratch(PULUMI_YAML_B6CEE47, LOCAL_STACK_B6CEE47);
    const { runPlan } = await import("../../plan/run");
    const result = await runPlan("dev", dir);
    expect(result.status).toBe("invalid-config");
    expect(result.problems).toEqual([
      "Stack 'dev' is missing configuration values 'adminCidrs', 'backups', 'cache', 'cdn', 'database', 'logging', 'monitoring', 'network', 'nodePools', 'objectStorage' and 'policies'",
    ]);
  });

  it("hands structured values over as Go's encoding/json writes them, keys sorted", () => {
    const dir = scratch(
      "name: p\nconfig:\n  extra:\n    default: { z: 1, a: '<b>' }\n",
      "config:\n  p:map: { b: 2, a: { d: true, c: [3, 1.5] } }\n  p:empty:\n  short: 7\n",
    );
    const { config } = readStack("dev", dir);
    expect(config).toEqual({
      "p:map": '{"a":{"c":[3,1.5],"d":true},"b":2}',
      "p:empty": "",
      "p:short": "7",
      "p:extra": '{"a":"\\u003cb\\u003e","z":1}',
    });
  });

  it("reads a stack that imports ESC environments (a list, or imports: of a definition)", () => {
    const list = scratch("name: p\n", "environment:\n  - platform/staging\nconfig:\n  p:a: 1\n");
    expect(readStack("dev", list)).toMatchObject({
      environments: ["platform/staging"],
      config: { "p:a": "1" },
    });
    const definition = scratch(
      "name: p\n",
      "environment:\n  imports:\n    - platform/base\n    - platform/prod:\n        merge: false\n",
    );
    expect(readStack("dev", definition).environments).toEqual(["platform/base", "platform/prod"]);
    expect(stackFileProblems({ environment: { imports: ["platform/base"] } })).toEqual([]);
  });

  it("refuses an environment: that is neither a list of names nor a definition", () => {
    const dir = scratch("name: p\n", "environment: platform/staging\n");
    expect(() => readStack("dev", dir)).toThrow(/environment: must be a list of ESC environment/);
    expect(stackFileProblems({ environment: "platform/staging" })).toEqual([
      "environment: must be a list of environment names or an environment definition",
    ]);
  });

  it("writes JSON that reads back to the same value, whatever order the file gives the keys", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(goJson(reversed)).toBe(goJson(value));
        expect(goJson(value)).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(goJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
