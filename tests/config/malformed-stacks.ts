/**
 * Malformed stack files made from the shipped ones, for the property test of the config gate:
 * wrong types, out-of-range numbers, bad enums, CIDRs, hosts, crons and images, unknown and
 * near-miss keys, nulls, duplicates, conflicting combinations, `secure:` values in odd places,
 * secret keys in clear, and YAML that does not parse.
 */
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { spawn } from "child_process";
import * as os from "os";
import * as pulumi from "@pulumi/pulumi";
import { checkStackConfig, ConfigError, runtimeSource, type StackConfig } from "../../config";
import {
  configText,
  isSecureValue,
  MissingConfigError,
  readStack,
  StackFileError,
  shippedStacks,
} from "../../plan/stack";

export const ROOT = path.resolve(__dirname, "../..");
export const SHIPPED = shippedStacks();

/** One generated stack file and what went into it. */
export interface Case {
  /** The shipped stack it was made from. */
  base: string;
  /** What was changed, for a failing case's report. */
  label: string;
  /** The stack file's text. */
  text: string;
  /** Texts behind `secure:` values or secret keys given in clear: never in any output. */
  secrets: string[];
  /** The kind of change, so a test can pick the cases that must be refused. */
  kind: string;
}

type Config = Record<string, unknown>;
type Change = { label: string; kind: string; apply(config: Config): void; secrets?: string[] };

const file = (stack: string) => fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
const configOf = (stack: string): Config => parse(file(stack)).config;

/** A `secure:` value whose ciphertext carries the text in base64, as the shipped placeholders do. */
export const secure = (text: string) => ({
  secure: `v1:dGVzdA==:${Buffer.from(text).toString("base64")}`,
});
/** The text behind a `secure:` value made by `secure`. */
export function decrypt(ciphertext: string): string {
  return Buffer.from(ciphertext.split(":").pop() ?? "", "base64").toString();
}

/** Sets a value at a path of keys below a top-level `platform:` key, creating maps on the way. */
function setAt(config: Config, key: string, path: (string | number)[], value: unknown) {
  const full = `platform:${key}`;
  if (path.length === 0) {
    config[full] = value;
    return;
  }
  let node = (config[full] ??= typeof path[0] === "number" ? [] : {}) as any;
  if (typeof node !== "object" || node === null) node = config[full] = {};
  for (const [i, p] of path.slice(0, -1).entries()) {
    const next = path[i + 1];
    if (typeof node[p] !== "object" || node[p] === null)
      node[p] = typeof next === "number" ? [] : {};
    node = node[p];
  }
  node[path[path.length - 1]] = value;
}

/** Paths a change may target, with the kind of value the schema wants there. */
const TARGETS: { key: string; path: (string | number)[]; want: string }[] = [
  { key: "provider", path: [], want: "enum" },
  { key: "tier", path: [], want: "enum" },
  { key: "region", path: [], want: "string" },
  { key: "domain", path: [], want: "host" },
  { key: "adminCidrs", path: [], want: "list" },
  { key: "adminCidrs", path: [0], want: "cidr" },
  { key: "sshPublicKey", path: [], want: "string" },
  { key: "kubernetes", path: ["version"], want: "string" },
  { key: "kubernetes", path: ["namespace"], want: "label" },
  { key: "network", path: ["cidr"], want: "cidr" },
  { key: "network", path: ["zones"], want: "int" },
  { key: "nodePools", path: ["app", "profile"], want: "enum" },
  { key: "nodePools", path: ["app", "min"], want: "int" },
  { key: "nodePools", path: ["app", "desired"], want: "int" },
  { key: "nodePools", path: ["db", "max"], want: "int" },
  { key: "database", path: ["mode"], want: "enum" },
  { key: "database", path: ["memoryGb"], want: "number" },
  { key: "database", path: ["vcpu"], want: "number" },
  { key: "database", path: ["replicas"], want: "int" },
  { key: "database", path: ["maxConnections"], want: "int" },
  { key: "database", path: ["profile"], want: "enum" },
  { key: "database", path: ["pooler", "enabled"], want: "bool" },
  { key: "cache", path: ["mode"], want: "enum" },
  { key: "cache", path: ["memoryMb"], want: "int" },
  { key: "cache", path: ["replicas"], want: "int" },
  { key: "objectStorage", path: ["mode"], want: "enum" },
  { key: "objectStorage", path: ["servers"], want: "int" },
  { key: "objectStorage", path: ["buckets", 0, "name"], want: "label" },
  { key: "objectStorage", path: ["buckets", 1, "purpose"], want: "enum" },
  { key: "cdn", path: ["enabled"], want: "bool" },
  { key: "cdn", path: ["mediaHost"], want: "label" },
  { key: "monitoring", path: ["retentionDays"], want: "int" },
  { key: "monitoring", path: ["storageGb"], want: "size" },
  { key: "logging", path: ["storageGb"], want: "size" },
  { key: "database", path: ["storageGb"], want: "size" },
  { key: "objectStorage", path: ["storageGb"], want: "size" },
  { key: "monitoring", path: ["receivers", "email", "smarthost"], want: "string" },
  { key: "logging", path: ["backend"], want: "enum" },
  { key: "backups", path: ["schedule"], want: "cron" },
  { key: "backups", path: ["fileSyncSchedule"], want: "cron" },
  { key: "backups", path: ["daily"], want: "int" },
  { key: "apps", path: [0, "name"], want: "label" },
  { key: "apps", path: [0, "image"], want: "image" },
  { key: "apps", path: [0, "port"], want: "int" },
  { key: "apps", path: [0, "host"], want: "label" },
  { key: "apps", path: [0, "pathPrefix"], want: "path" },
  { key: "apps", path: [0, "healthPath"], want: "path" },
  { key: "apps", path: [0, "resources", "requests", "cpu"], want: "quantity" },
  { key: "apps", path: [0, "resources", "limits", "memory"], want: "quantity" },
  { key: "apps", path: [0, "autoscaling", "minReplicas"], want: "int" },
  { key: "apps", path: [0, "env", "API_URL"], want: "string" },
  { key: "policies", path: ["enforcement"], want: "enum" },
  { key: "policies", path: ["overrides", "kubernetes-hpa-enforce-bounds"], want: "enum" },
];

/** Values that are wrong (or right by accident) for each kind of key. */
const BAD: Record<string, unknown[]> = {
  any: [
    null,
    "",
    0,
    -1,
    1.5,
    true,
    [],
    {},
    ["x"],
    { a: 1 },
    "x".repeat(100_000),
    "ünïcødé",
    "2024",
  ],
  enum: ["huge", "Managed", "AWS", "self_hosted", "mandatory ", "none"],
  string: ["2024", "true", "null", "us-east-1", "ash", "fsn1", " ", "a\nb"],
  host: ["example", "a..b", "-x.com", "EXAMPLE.COM", `${"a".repeat(64)}.com`, "example.com."],
  label: [
    "media",
    "data",
    "gateway",
    "kube-system",
    "MEDIA",
    "-x",
    "a".repeat(64),
    "x",
    "platform",
  ],
  cidr: [
    "10.0.0.1/16",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "0.0.0.0/0",
    "::/0",
    "2001:db8::/16",
    "2001:db8::/48",
    "10.42.0.0/16",
    "10.244.0.0/20",
    "300.1.1.1/8",
    "10.0.0.0/33",
    "100.64.0.0/16",
    "10.0.0.0/25",
    "192.168.0.0/16",
  ],
  int: [0, -1, 1e9, 0.5, 7, 51, 101, 65536, 5001, 3, "3"],
  size: [1, 10, 19, 20000, 70000, 1e9, Number.MAX_SAFE_INTEGER],
  number: [0, 0.25, 0.5, -1, 1e6, 4097, 0.05, "1"],
  bool: ["yes", 1, "true", null, true, false],
  list: ["203.0.113.0/24", [], null, [1, 2], ["0.0.0.0/1", "128.0.0.0/1"]],
  cron: [
    "99 99 * * *",
    "*/0 * * * *",
    "0 2 * *",
    "@daily",
    "TZ=UTC 0 2 * * *",
    "0 2 * * 7",
    "0 2 * JAN-DEC MON",
    "30 3 * * 1-5",
    "0 2 31 2 *",
    "5-1 * * * *",
  ],
  image: [
    "nginx",
    "nginx:latest",
    "Registry.example.com/App:1",
    "app@sha256:abc",
    "registry:5000/team/app",
    "registry.example.com/team/app:1.2.3",
    `app@sha256:${"a".repeat(64)}`,
    "app:1.0 ; rm -rf /",
  ],
  path: ["/", "api", "/api/", "//x", "/a/../b", "/with space", "/%zz", "/ok/path"],
  quantity: ["0", "0m", "100m", "4", "1Gi", "16Gi", "64Gi", "-1", "1.5Gi", "1e3"],
};

const target = fc.constantFrom(...TARGETS);
const valueFor = (want: string) => fc.constantFrom(...BAD[want], ...BAD.any);

const setValue: fc.Arbitrary<Change> = target.chain((t) =>
  valueFor(t.want).map((value) => ({
    label: `platform:${t.key}${t.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")} = ${JSON.stringify(value)?.slice(0, 40)}`,
    kind: "value",
    apply: (c: Config) => setAt(c, t.key, t.path, value),
  })),
);

const NEAR_MISSES = [
  "databse",
  "Database",
  "region ",
  "apps_",
  "nodepools",
  "cdn.enabled",
  "monitoring:receivers",
];
const unknownKey: fc.Arbitrary<Change> = fc.oneof(
  fc.constantFrom(...NEAR_MISSES).map((k) => ({
    label: `unknown key platform:${k}`,
    kind: "unknown",
    apply: (c: Config) => {
      c[`platform:${k}`] = { mode: "managed" };
    },
  })),
  fc
    .constantFrom(
      ["database", "modes"],
      ["apps", 0, "imag"],
      ["cache", "sentinels"],
      ["backups", "offsite", "endpont"],
      ["objectStorage", "buckets", 0, "purpse"],
    )
    .map(([key, ...p]) => ({
      label: `near-miss key under platform:${String(key)}: ${p.join(".")}`,
      kind: "unknown",
      apply: (c: Config) => setAt(c, key as string, p as (string | number)[], "x"),
    })),
);

const removeKey: fc.Arbitrary<Change> = fc
  .constantFrom(
    "platform:provider",
    "platform:domain",
    "platform:apps",
    "platform:region",
    "hcloud:token",
    "platform:offsiteAccessKeyId",
    "kubernetes:kubeconfig",
  )
  .map((key) => ({
    label: `without ${key}`,
    kind: key === "kubernetes:kubeconfig" ? "kubeconfig" : "remove",
    apply: (c: Config) => {
      delete c[key];
    },
  }));

const apps = (c: Config) => (Array.isArray(c["platform:apps"]) ? c["platform:apps"] : []) as any[];
const firstApp = { name: "api", image: "registry.example.com/api:1.0.0", port: 3000 };
const ensureApp = (c: Config) => {
  if (apps(c).length === 0) c["platform:apps"] = [{ ...firstApp }];
  return apps(c);
};

const duplicate: fc.Arbitrary<Change> = fc.constantFrom<Change>(
  {
    label: "two apps of one name",
    kind: "duplicate",
    apply: (c) => {
      const list = ensureApp(c);
      list.push({ ...list[0] });
    },
  },
  {
    label: "two public apps on one host and path",
    kind: "duplicate",
    apply: (c) => {
      const list = ensureApp(c);
      list.push({ ...list[0], name: "copy" });
    },
  },
  {
    label: "two buckets of one purpose",
    kind: "duplicate",
    apply: (c) => {
      const store = (c["platform:objectStorage"] ??= {}) as any;
      store.buckets = [
        { name: "media", purpose: "media", noncurrentVersionDays: 30, archiveAfterDays: 0 },
        { name: "media-two", purpose: "media", noncurrentVersionDays: 30, archiveAfterDays: 0 },
        { name: "backup", purpose: "backup", noncurrentVersionDays: 30, archiveAfterDays: 0 },
      ];
    },
  },
  {
    label: "two buckets of one name",
    kind: "duplicate",
    apply: (c) => {
      const store = (c["platform:objectStorage"] ??= {}) as any;
      store.buckets = [
        { name: "store", purpose: "media", noncurrentVersionDays: 30, archiveAfterDays: 0 },
        { name: "store", purpose: "backup", noncurrentVersionDays: 30, archiveAfterDays: 0 },
      ];
    },
  },
  {
    label: "apps namespace is the platform's data namespace",
    kind: "duplicate",
    apply: (c) => setAt(c, "kubernetes", ["namespace"], "data"),
  },
  {
    label: "70 public hosts",
    kind: "duplicate",
    apply: (c) => {
      c["platform:apps"] = Array.from({ length: 70 }, (_, i) => ({
        ...firstApp,
        name: `app${i}`,
        host: `h${i}`,
      }));
    },
  },
  {
    label: "an app on the CDN's media host",
    kind: "duplicate",
    apply: (c) => {
      ensureApp(c)[0].host = "media";
      setAt(c, "cdn", ["enabled"], true);
    },
  },
  {
    label: "an app env setting the platform's DATABASE_URL",
    kind: "duplicate",
    apply: (c) => {
      ensureApp(c)[0].env = { DATABASE_URL: "postgres://elsewhere" };
    },
  },
);

const conflict: fc.Arbitrary<Change> = fc.oneof(
  fc.constantFrom("aws", "digitalocean", "hetzner", "existing").map((provider) => ({
    label: `provider switched to ${provider}`,
    kind: "conflict",
    apply: (c: Config) => {
      c["platform:provider"] = provider;
    },
  })),
  fc.constantFrom("local", "staging", "small", "medium", "large", "enterprise").map((tier) => ({
    label: `tier switched to ${tier}`,
    kind: "conflict",
    apply: (c: Config) => {
      c["platform:tier"] = tier;
    },
  })),
  fc.constantFrom<Change>(
    {
      label: "paging, chat and email receivers without their secrets",
      kind: "conflict",
      apply: (c) =>
        setAt(c, "monitoring", ["receivers"], {
          paging: { type: "webhook" },
          chat: { channel: "#alerts" },
          email: {
            to: ["ops@example.com"],
            from: "alerts@example.com",
            smarthost: "smtp.example.com",
          },
        }),
    },
    {
      label: "an off-site copy with no database",
      kind: "conflict",
      apply: (c) => {
        setAt(c, "database", ["mode"], "none");
        setAt(c, "backups", ["offsite"], {
          endpoint: "https://hel1.your-objectstorage.com",
          region: "hel1",
          bucket: "offsite-bucket",
        });
      },
    },
    {
      label: "managed data services on hetzner",
      kind: "conflict",
      apply: (c) => {
        c["platform:provider"] = "hetzner";
        setAt(c, "database", ["mode"], "managed");
      },
    },
    {
      label: "CDN on for hetzner",
      kind: "conflict",
      apply: (c) => {
        c["platform:provider"] = "hetzner";
        setAt(c, "cdn", ["enabled"], true);
      },
    },
    {
      label: "requests above limits",
      kind: "conflict",
      apply: (c) => {
        ensureApp(c)[0].resources = {
          requests: { cpu: "4", memory: "8Gi" },
          limits: { cpu: "1", memory: "1Gi" },
        };
      },
    },
  ),
);

const SECRET_PLACES: [string, (string | number)[]][] = [
  ["domain", []],
  ["region", []],
  ["adminCidrs", [0]],
  ["network", ["cidr"]],
  ["database", ["profile"]],
  ["monitoring", ["receivers", "email", "smarthost"]],
  ["backups", ["schedule"]],
  ["apps", [0, "env", "API_KEY"]],
  ["apps", [0, "image"]],
  ["policies", ["overrides", "kubernetes-hpa-enforce-bounds"]],
];
const secretText = fc.stringMatching(/^[A-Za-z0-9]{6,12}$/).map((s) => `S3cr3t-${s}`);

const secureValue: fc.Arbitrary<Change> = fc
  .tuple(fc.constantFrom(...SECRET_PLACES), secretText)
  .map(([[key, p], text]) => ({
    label: `secure: value at platform:${key} ${p.join(".")}`,
    kind: key === "apps" && p[1] === "env" ? "secure-env" : "secure",
    secrets: [text],
    apply: (c: Config) => setAt(c, key, p, secure(text)),
  }));

const SECRET_KEYS_IN_CLEAR = [
  "platform:smtpPassword",
  "platform:pagingSecret",
  "hcloud:token",
  "kubernetes:kubeconfig",
  "digitalocean:token",
];
const inClear: fc.Arbitrary<Change> = fc
  .tuple(fc.constantFrom(...SECRET_KEYS_IN_CLEAR), secretText)
  .map(([key, text]) => ({
    label: `${key} in clear`,
    kind: "in-clear",
    secrets: [text],
    apply: (c: Config) => {
      c[key] = text;
    },
  }));

/** Text changes after which the file no longer parses as YAML. */
/** Appends nine levels of YAML aliases, nine wide: 9^9 nodes once expanded. */
export const withAliasBomb = (t: string) =>
  `${t}\n  platform:bomb:\n    a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from(
    { length: 8 },
    (_, i) =>
      `    b${i}: &b${i} [${Array(9)
        .fill(i ? `*b${i - 1}` : "*a")
        .join(", ")}]`,
  ).join("\n")}\n`;

const UNPARSABLE: { label: string; edit(text: string): string }[] = [
  { label: "a tab in the indentation", edit: (t) => t.replace("\n  platform:", "\n\tplatform:") },
  {
    label: "a key twice",
    edit: (t) =>
      t.replace("config:\n", "config:\n  platform:tier: local\n  platform:tier: small\n"),
  },
  { label: "an unclosed bracket", edit: (t) => `${t}\n  platform:adminCidrs: [10.0.0.0/8\n` },
  {
    label: "deep nesting",
    edit: (t) => `${t}\n  platform:deep: ${"[".repeat(5000)}${"]".repeat(5000)}\n`,
  },
  {
    label: "an alias bomb",
    edit: withAliasBomb,
  },
  { label: "an unterminated quote", edit: (t) => t.replace("platform:tier: ", 'platform:tier: "') },
  { label: "a stray colon mapping", edit: (t) => `${t}\n  : : :\n` },
  { label: "binary garbage", edit: (t) => `${t}\n\u0000\u0001\u0002` },
];
const unparsable = fc.constantFrom(...UNPARSABLE);

/** A shipped stack whose first app gets a `secure:` env value: legitimate, and kept secret. */
export const secureEnvStack: fc.Arbitrary<Case> = fc
  .tuple(fc.constantFrom(...SHIPPED), secretText)
  .map(([base, text]) => {
    const config = configOf(base);
    ensureApp(config)[0].env = { API_KEY: secure(text), LOG_LEVEL: "info" };
    return {
      base,
      label: "secure: value at platform:apps[0].env.API_KEY",
      text: stringify({ config }),
      secrets: [text],
      kind: "secure-env",
    };
  });

/** A malformed stack file: one to three changes to a shipped stack, or text that does not parse. */
export const malformedStack: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...SHIPPED),
        fc.array(
          fc.oneof(
            { weight: 5, arbitrary: setValue },
            { weight: 1, arbitrary: unknownKey },
            { weight: 1, arbitrary: removeKey },
            { weight: 1, arbitrary: duplicate },
            { weight: 1, arbitrary: conflict },
            { weight: 1, arbitrary: secureValue },
            { weight: 1, arbitrary: inClear },
          ),
          { minLength: 1, maxLength: 3 },
        ),
      )
      .map(([base, changes]) => {
        const config = configOf(base);
        for (const change of changes) change.apply(config);
        return {
          base,
          label: changes.map((c) => c.label).join("; "),
          text: stringify({ config }),
          secrets: changes.flatMap((c) => c.secrets ?? []),
          kind: changes.map((c) => c.kind).join("+"),
        };
      }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...SHIPPED), unparsable).map(([base, u]) => ({
      base,
      label: u.label,
      text: u.edit(file(base)),
      secrets: [],
      kind: "yaml",
    })),
  },
);

// --- One probe per rule of the gate ------------------------------------------------------------

/**
 * A change that breaks exactly one rule of the gate on any of its base stacks, and the key the
 * refusal must name. Every rule has one, so removing any rule lets its probe through.
 */
export interface Probe {
  rule: string;
  bases: string[];
  /** The start of a problem line the refusal must contain. */
  refuse: string;
  apply(config: Config): void;
  secrets?: string[];
}

const ALL = SHIPPED;
const AWS = ["production", "production-large"];
const DO = ["staging", "production-do"];
const HETZNER = ["small", "production-hetzner"];
const CLOUDS = [...AWS, ...DO, ...HETZNER];
const merge = (c: Config, key: string, value: Record<string, unknown>) => {
  const current = c[`platform:${key}`];
  c[`platform:${key}`] = { ...(current && typeof current === "object" ? current : {}), ...value };
};
const app0 = (c: Config, value: Record<string, unknown>) => Object.assign(ensureApp(c)[0], value);
const bucketOf = (name: string, purpose: string) => ({
  name,
  purpose,
  noncurrentVersionDays: 30,
  archiveAfterDays: 0,
});
const email = {
  to: ["ops@example.com"],
  from: "alerts@example.com",
  smarthost: "smtp.example.com:587",
};

export const PROBES: Probe[] = [
  // The schema, key by key.
  {
    rule: "provider enum",
    bases: ALL,
    refuse: "platform:provider: must be one of",
    apply: (c) => setAt(c, "provider", [], "huge"),
  },
  {
    rule: "tier enum",
    bases: ALL,
    refuse: "platform:tier: must be one of",
    apply: (c) => setAt(c, "tier", [], "huge"),
  },
  {
    rule: "region length",
    bases: ALL,
    refuse: "platform:region: must be at most",
    apply: (c) => setAt(c, "region", [], "r".repeat(100_000)),
  },
  {
    rule: "domain",
    bases: ALL,
    refuse: "platform:domain: must be a DNS",
    apply: (c) => setAt(c, "domain", [], "a..b"),
  },
  {
    rule: "admin network width",
    bases: ALL,
    refuse: "platform:adminCidrs[0]: admits a share of",
    apply: (c) => setAt(c, "adminCidrs", [], ["0.0.0.0/1", "128.0.0.0/1"]),
  },
  {
    rule: "admin network host bits",
    bases: ALL,
    refuse: "platform:adminCidrs[0]: has host bits set;",
    apply: (c) => setAt(c, "adminCidrs", [], ["203.0.113.7/24"]),
  },
  {
    rule: "admin network syntax",
    bases: ALL,
    refuse: "platform:adminCidrs[0]: must be an IPv4",
    apply: (c) => setAt(c, "adminCidrs", [], ["300.1.1.1/8"]),
  },
  {
    rule: "network host bits",
    bases: ALL,
    refuse: "platform:network.cidr: has host bits set;",
    apply: (c) => setAt(c, "network", ["cidr"], "10.0.0.1/16"),
  },
  {
    rule: "kubernetes version syntax",
    bases: ALL,
    refuse: "platform:kubernetes.version: must be a Kubernetes",
    apply: (c) => setAt(c, "kubernetes", ["version"], "1.x"),
  },
  {
    rule: "namespace syntax",
    bases: ALL,
    refuse: "platform:kubernetes.namespace: must be a lowercase",
    apply: (c) => setAt(c, "kubernetes", ["namespace"], "Data"),
  },
  {
    rule: "database memory floor",
    bases: ALL,
    refuse: "platform:database.memoryGb: must be 0 (the",
    apply: (c) => setAt(c, "database", ["memoryGb"], 0.25),
  },
  {
    rule: "database vcpu floor",
    bases: ALL,
    refuse: "platform:database.vcpu: must be 0 (the",
    apply: (c) => setAt(c, "database", ["vcpu"], 0.05),
  },
  {
    rule: "database connections",
    bases: ALL,
    refuse: "platform:database.maxConnections: must be at least",
    apply: (c) => setAt(c, "database", ["maxConnections"], 7),
  },
  {
    rule: "bucket name",
    bases: ALL,
    refuse: "platform:objectStorage.buckets[0].name: must be a bucket",
    apply: (c) =>
      merge(c, "objectStorage", {
        buckets: [bucketOf("x", "media"), bucketOf("backup", "backup")],
      }),
  },
  {
    rule: "media host label",
    bases: ALL,
    refuse: "platform:cdn.mediaHost: must be a host",
    apply: (c) => setAt(c, "cdn", ["mediaHost"], "-x"),
  },
  {
    rule: "smarthost host:port",
    bases: ALL,
    refuse: "platform:monitoring.receivers.email.smarthost: must be host:port such",
    secrets: ["S3cr3t-smtp-pass"],
    apply: (c) => {
      c["platform:smtpPassword"] = secure("S3cr3t-smtp-pass");
      setAt(c, "monitoring", ["receivers", "email"], { ...email, smarthost: "smtp.example.com" });
    },
  },
  {
    rule: "cron syntax",
    bases: ALL,
    refuse: "platform:backups.schedule: must be a five-field",
    apply: (c) => setAt(c, "backups", ["schedule"], "99 99 * * *"),
  },
  {
    rule: "cron step",
    bases: ALL,
    refuse: "platform:backups.fileSyncSchedule: must be a five-field",
    apply: (c) => setAt(c, "backups", ["fileSyncSchedule"], "*/0 * * * *"),
  },
  {
    rule: "image pinned",
    bases: ALL,
    refuse: "platform:apps[0].image: must be pinned by",
    apply: (c) => app0(c, { image: "nginx:latest" }),
  },
  {
    rule: "image reference",
    bases: ALL,
    refuse: "platform:apps[0].image: must be an image",
    apply: (c) => app0(c, { image: "Registry.example.com/App:1" }),
  },
  {
    rule: "app port",
    bases: ALL,
    refuse: "platform:apps[0].port: must be at most",
    apply: (c) => app0(c, { port: 65536 }),
  },
  {
    rule: "app host label",
    bases: ALL,
    refuse: "platform:apps[0].host: must be a host",
    apply: (c) => app0(c, { host: "-x" }),
  },
  {
    rule: "path prefix",
    bases: ALL,
    refuse: "platform:apps[0].pathPrefix: must not contain //,",
    apply: (c) => app0(c, { pathPrefix: "//x" }),
  },
  {
    rule: "health path",
    bases: ALL,
    refuse: "platform:apps[0].healthPath: must be a URL",
    apply: (c) => app0(c, { healthPath: "api" }),
  },
  {
    rule: "requests within limits",
    bases: ALL,
    refuse: "platform:apps[0].resources.requests.cpu: must not exceed limits.cpu",
    apply: (c) =>
      app0(c, {
        resources: { requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
      }),
  },
  {
    rule: "memory quantity",
    bases: ALL,
    refuse: "platform:apps[0].resources.limits.memory: must be a memory",
    apply: (c) =>
      app0(c, {
        resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "0Mi" } },
      }),
  },
  {
    rule: "env name",
    bases: ALL,
    refuse:
      "platform:apps[0].env.bad-name: is not a valid key: it must be an environment variable name",
    apply: (c) => app0(c, { env: { "bad-name": "x" } }),
  },
  {
    rule: "unknown key",
    bases: ALL,
    refuse: "platform:databse: is not a known",
    apply: (c) => setAt(c, "databse", ["mode"], "managed"),
  },
  {
    rule: "near-miss nested key",
    bases: ALL,
    refuse: "platform:database.modes: is not a known",
    apply: (c) => setAt(c, "database", ["modes"], "managed"),
  },
  {
    rule: "pool min above max",
    bases: CLOUDS,
    refuse: "platform:nodePools.app.min: must not exceed max",
    apply: (c) =>
      setAt(c, "nodePools", ["app"], { profile: "medium-app", min: 3, max: 2, desired: 2 }),
  },
  {
    rule: "production enforcement",
    bases: ["production", "production-hetzner", "small"],
    refuse: 'platform:policies.enforcement: must be "mandatory" for',
    apply: (c) => setAt(c, "policies", ["enforcement"], "advisory"),
  },
  {
    rule: "managed data where none is sold",
    bases: HETZNER,
    refuse: "platform:database.mode: managed is not offered",
    apply: (c) => setAt(c, "database", ["mode"], "managed"),
  },
  {
    rule: "autoscaling bounds",
    bases: ALL,
    refuse: "platform:apps[0].autoscaling.minReplicas: must not exceed maxReplicas",
    apply: (c) => app0(c, { autoscaling: { minReplicas: 5, maxReplicas: 4, cpuPercent: 70 } }),
  },
  {
    rule: "app names",
    bases: ALL,
    refuse: "platform:apps[1].name: duplicates the name of",
    apply: (c) => {
      const list = ensureApp(c);
      list.splice(1, list.length - 1, { ...list[0], public: false });
    },
  },
  // Names across keys.
  {
    rule: "platform namespace",
    bases: ALL,
    refuse: "platform:kubernetes.namespace: must not be one",
    apply: (c) => setAt(c, "kubernetes", ["namespace"], "data"),
  },
  {
    rule: "bucket purposes",
    bases: ALL,
    refuse:
      "platform:objectStorage.buckets[1].purpose: must differ from objectStorage.buckets[0].purpose:",
    apply: (c) =>
      merge(c, "objectStorage", {
        buckets: [
          bucketOf("media", "media"),
          bucketOf("pics", "media"),
          bucketOf("backup", "backup"),
        ],
      }),
  },
  {
    rule: "bucket names",
    bases: ALL,
    refuse:
      "platform:objectStorage.buckets[1].name: must differ from objectStorage.buckets[0].name",
    apply: (c) =>
      merge(c, "objectStorage", {
        buckets: [bucketOf("store", "media"), bucketOf("store", "backup")],
      }),
  },
  {
    rule: "backup bucket",
    bases: ALL,
    refuse: "platform:objectStorage.buckets: must include a bucket",
    apply: (c) => merge(c, "objectStorage", { buckets: [bucketOf("media", "media")] }),
  },
  {
    rule: "host and path",
    bases: ALL,
    refuse: "platform:apps[1].pathPrefix: must differ from apps[0]'s",
    apply: (c) => {
      const list = ensureApp(c);
      list.splice(1, list.length - 1, { ...list[0], name: "copy" });
    },
  },
  {
    rule: "gateway listeners",
    bases: ALL,
    refuse: "platform:apps: must name at most",
    apply: (c) =>
      setAt(
        c,
        "apps",
        [],
        Array.from({ length: 70 }, (_, i) => ({ ...firstApp, name: `a${i}`, host: `h${i}` })),
      ),
  },
  {
    rule: "CDN media host",
    bases: AWS,
    refuse: "platform:apps[0].host: must differ from cdn.mediaHost:",
    apply: (c) => app0(c, { host: "media" }),
  },
  {
    rule: "platform env",
    bases: ALL,
    refuse: "platform:apps[0].env.DATABASE_URL: is set by the",
    apply: (c) => app0(c, { env: { DATABASE_URL: "postgres://x" } }),
  },
  {
    rule: "policy names",
    bases: ALL,
    refuse: "platform:policies.overrides.no-such-policy: must name a policy",
    apply: (c) => setAt(c, "policies", ["overrides"], { "no-such-policy": "mandatory" }),
  },
  // What each provider can build.
  {
    rule: "cloud regions",
    bases: CLOUDS,
    refuse: "platform:region: must be one of",
    apply: (c) => setAt(c, "region", [], "ash"),
  },
  {
    rule: "region label",
    bases: ["local"],
    refuse: "platform:region: must be a label",
    apply: (c) => setAt(c, "region", [], "a b"),
  },
  {
    rule: "CDN where none is built",
    bases: [...HETZNER, "local"],
    refuse: "platform:cdn.enabled: must be false on",
    apply: (c) => setAt(c, "cdn", ["enabled"], true),
  },
  {
    rule: "DigitalOcean CDN fronts Spaces",
    bases: DO,
    refuse: "platform:cdn.enabled: must be false unless",
    apply: (c) => {
      setAt(c, "objectStorage", ["mode"], "self-hosted");
      setAt(c, "cdn", ["enabled"], true);
    },
  },
  {
    rule: "k3s ranges",
    bases: HETZNER,
    refuse: "platform:network.cidr: must not overlap k3s's",
    apply: (c) => setAt(c, "network", ["cidr"], "10.42.0.0/16"),
  },
  {
    rule: "DOKS ranges",
    bases: DO,
    refuse: "platform:network.cidr: must not overlap 10.244.0.0/16,",
    apply: (c) => setAt(c, "network", ["cidr"], "10.244.0.0/16"),
  },
  {
    rule: "VPC size",
    bases: AWS,
    refuse: "platform:network.cidr: must be a /16",
    apply: (c) => setAt(c, "network", ["cidr"], "10.0.0.0/24"),
  },
  {
    rule: "IPv4 admin networks on aws",
    bases: AWS,
    refuse: "platform:adminCidrs[0]: must be IPv4 on",
    apply: (c) => setAt(c, "adminCidrs", [], ["2001:db8::/48"]),
  },
  {
    rule: "daily backup time on aws",
    bases: AWS,
    refuse: "platform:backups.schedule: must run once a",
    apply: (c) => setAt(c, "backups", ["schedule"], "0 2 * * 1"),
  },
  {
    rule: "EKS add-on versions",
    bases: AWS,
    refuse: "platform:kubernetes.version: must have pinned EKS",
    apply: (c) => setAt(c, "kubernetes", ["version"], "1.20"),
  },
  {
    rule: "k3s releases",
    bases: HETZNER,
    refuse: "platform:kubernetes.version: must have a pinned",
    apply: (c) => setAt(c, "kubernetes", ["version"], "1.20"),
  },
  {
    rule: "a Hetzner app server",
    bases: HETZNER,
    refuse: "platform:nodePools.app: needs at least one",
    apply: (c) =>
      setAt(c, "nodePools", ["app"], { profile: "medium-app", min: 0, max: 1, desired: 0 }),
  },
  {
    rule: "managed cache size",
    bases: ["production"],
    refuse: "platform:cache.replicas: must be at most",
    apply: (c) => setAt(c, "cache", ["replicas"], 6),
  },
  {
    rule: "one volume per claim",
    bases: [...AWS, ...DO],
    refuse: "platform:monitoring.storageGb: must fit one",
    apply: (c) => setAt(c, "monitoring", ["storageGb"], 70000),
  },
  {
    rule: "RDS storage",
    bases: AWS,
    refuse: "platform:database.storageGb: must be 20 to",
    apply: (c) => setAt(c, "database", ["storageGb"], 19),
  },
  {
    rule: "shared database node",
    bases: ["production-hetzner"],
    refuse: "platform:database.memoryGb: must leave each of",
    apply: (c) => setAt(c, "database", ["memoryGb"], 0.75),
  },
  {
    rule: "cross-region pair",
    bases: AWS,
    refuse: "platform:region: must have a paired",
    apply: (c) => setAt(c, "region", [], "af-south-1"),
  },
  // Secrets.
  {
    rule: "secret key in clear",
    bases: ALL,
    refuse: "platform:smtpPassword: must be a secret,",
    secrets: ["S3cr3t-in-clear"],
    apply: (c) => void (c["platform:smtpPassword"] = "S3cr3t-in-clear"),
  },
  {
    rule: "provider token in clear",
    bases: ALL,
    refuse: "digitalocean:token: must be a secret,",
    secrets: ["S3cr3t-do-token"],
    apply: (c) => void (c["digitalocean:token"] = "S3cr3t-do-token"),
  },
  {
    rule: "kubeconfig in clear",
    bases: ALL,
    refuse: "kubernetes:kubeconfig: must be a secret,",
    secrets: ["S3cr3t-kubeconfig"],
    apply: (c) => void (c["kubernetes:kubeconfig"] = "S3cr3t-kubeconfig"),
  },
  {
    rule: "secure where nothing stays secret",
    bases: ALL,
    refuse: "platform:domain: must not come from",
    secrets: ["S3cr3t-domain"],
    apply: (c) => setAt(c, "domain", [], secure("S3cr3t-domain")),
  },
  {
    rule: "off-site keys",
    bases: HETZNER,
    refuse: "platform:offsiteAccessKeyId: is required by backups.offsite:",
    apply: (c) => void delete c["platform:offsiteAccessKeyId"],
  },
  {
    rule: "hcloud token",
    bases: HETZNER,
    refuse: "hcloud:token: is required by provider",
    apply: (c) => void delete c["hcloud:token"],
  },
  {
    rule: "receiver secrets",
    bases: ["local", "staging"],
    refuse: "platform:chatWebhookUrl: is required by monitoring.receivers.chat:",
    apply: (c) => setAt(c, "monitoring", ["receivers", "chat"], { channel: "#alerts" }),
  },
  {
    rule: "webhook URL",
    bases: ["local", "staging"],
    refuse: "platform:pagingSecret: must be the http(s)",
    secrets: ["S3cr3t-not-a-url"],
    apply: (c) => {
      c["platform:pagingSecret"] = secure("S3cr3t-not-a-url");
      setAt(c, "monitoring", ["receivers", "paging"], { type: "webhook" });
    },
  },
];

/** A probe on one of its bases, as a stack file. */
export function probeCase(probe: Probe, pick: number): Case & { refuse: string } {
  const base = probe.bases[pick % probe.bases.length];
  const config = configOf(base);
  probe.apply(config);
  return {
    base,
    label: probe.rule,
    text: stringify({ config }),
    secrets: probe.secrets ?? [],
    kind: "probe",
    refuse: probe.refuse,
  };
}

// --- Running a stack file through the gate -----------------------------------------------------

/** A scratch project: the real Pulumi.yaml and an index.ts that is the real program. */
export function scratchProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-"));
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  // The shipped stacks too: a generated stack may reference one (multiRegion.primaryStack), and
  // the offline plan plans the referenced stack from its file.
  for (const f of fs.readdirSync(ROOT))
    if (/^Pulumi\..+\.yaml$/.test(f)) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  fs.writeFileSync(
    path.join(dir, "index.ts"),
    `export * from ${JSON.stringify(path.join(ROOT, "index"))};\n`,
  );
  return dir;
}

function reveal(v: unknown): unknown {
  if (isSecureValue(v)) return decrypt((v as { secure: string }).secure);
  if (Array.isArray(v)) return v.map(reveal);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
  return v;
}

/** What the gate made of a stack file. */
export interface GateOutcome {
  accepted: boolean;
  /** Problem lines (config problems, or the stack file's own). */
  lines: string[];
  config?: StackConfig;
  /** An exception that is not a refusal: the gate crashed. */
  crash?: Error;
}

/**
 * Runs a stack file through what `pulumi up` and the plan run before any resource: the stack file
 * read as the CLI reads it, then the config gate on the runtime's config. Secure values carry their
 * text (as the CLI decrypts them), so a leak shows.
 */
export function gate(dir: string, name: string, text: string): GateOutcome {
  fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), text);
  try {
    const files = readStack(name, dir);
    const doc = (parse(text) as { config?: Record<string, unknown> })?.config ?? {};
    for (const key of files.secretKeys)
      if (doc[key] !== undefined) files.config[key] = configText(reveal(doc[key]));
    pulumi.runtime.setAllConfig(files.config, files.secretKeys);
    return { accepted: true, lines: [], config: checkStackConfig(runtimeSource()) };
  } catch (e) {
    if (e instanceof ConfigError) return { accepted: false, lines: e.problems };
    if (e instanceof StackFileError || e instanceof MissingConfigError)
      return { accepted: false, lines: e.message.split("\n") };
    return { accepted: false, lines: [], crash: e as Error };
  }
}

/** What the offline plan did with a stack file. */
export interface PlanOutcome {
  status: number | null;
  out: string;
  json?: { status: string; problems: string[]; resources: unknown[] };
}

/** Plans stack files in child processes (the Pulumi runtime keeps global state), two at a time. */
export async function plans(
  dir: string,
  files: Record<string, string>,
): Promise<Map<string, PlanOutcome>> {
  const out = new Map<string, PlanOutcome>();
  const queue = Object.entries(files);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [name, text] = next;
      fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), text);
      out.set(
        name,
        await new Promise<PlanOutcome>((resolve) => {
          const child = spawn(
            process.execPath,
            ["-r", "./plan/register.js", "plan/cli.ts", name, "--json"],
            { cwd: ROOT, env: { ...process.env, PLAN_ROOT: dir } },
          );
          let stdout = "";
          let stderr = "";
          child.stdout.on("data", (d) => (stdout += d));
          child.stderr.on("data", (d) => (stderr += d));
          child.on("close", (status) => {
            let json;
            try {
              json = JSON.parse(stdout);
            } catch {
              json = undefined;
            }
            resolve({ status, out: stdout + stderr, json });
          });
        }),
      );
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

/** A problem line names a key (`platform:<path>`, `<provider>:<key>`), a file position, or is the CLI's own. */
export const NAMED_LINE =
  /^(platform:(\[".*?"\])?[^\s:]*|[a-z][a-z0-9]*:[A-Za-z][\w]*|Pulumi(\.[^\s:]+)?\.yaml(:\d+:\d+)?): \S|^Stack '[^']+' is missing configuration values? /;
