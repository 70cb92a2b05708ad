/**
 * Runs CrossGuard policies without the policy server: builds the same argument bags
 * (`ResourceValidationArgs`, `StackValidationArgs`) the server builds from the engine's requests,
 * and collects the messages a policy reports. `describeResourcePolicy` / `describeStackPolicy`
 * turn a compliant baseline plus one-change-per-case fixtures into jest tests.
 */
import { unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import type {
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PlatformPolicyConfig } from "../../policies/config";
import { typeToken, type TypeRef } from "../../policies/lib/stack";

/**
 * The policy SDK's marker for a value that is unknown during `pulumi preview` (an output of a
 * resource not yet created). Put it in a fixture to prove a policy copes with previews.
 */
export const UNKNOWN: string = require("@pulumi/policy/proxy").unknownStringValue;

/** The server reports a policy that reads an unknown value as "can't run during preview". */
function previewMessage(e: unknown): string {
  return `can't run during preview: ${(e as Error).message}`;
}

/** Thrown by `notApplicable`, as the server's own error is; the runners treat it as "no verdict". */
export class NotApplicableError extends Error {
  constructor(public readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}

/** A resource class (`aws.s3.Bucket`) or a type token (for custom resources). */
export type TypeArg = TypeRef;

export type Props = Record<string, any>;

/** Config a test hands to `getConfig`, and the stack's tags. */
export interface RunOptions {
  config?: Partial<PlatformPolicyConfig>;
  stackTags?: Record<string, string>;
}

/** A resource of a stack fixture. */
export interface Fixture {
  type: TypeArg;
  /** Unique within the fixture; the URN and references use it. */
  name: string;
  props: Props;
  opts?: Partial<PolicyResourceOptions>;
  /** Property name -> names of the fixtures it was computed from (the engine's propertyDependencies). */
  refs?: Record<string, string[]>;
  /** Names of fixtures it depends on without saying through which property (as the offline plan records). */
  dependsOn?: string[];
  /** Name of the parent fixture. */
  parent?: string;
}

export function typeOf(t: TypeArg): string {
  return typeToken(t);
}

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::platform::${type}::${name}`;
}

/** Resource options as the server decodes them, with the engine's defaults. */
export function policyOptions(opts: Partial<PolicyResourceOptions> = {}): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...opts,
  };
}

/** The server's type test: compare `__pulumiType`, else fall back to the class's `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const cls = resourceClass as { __pulumiType?: unknown; isInstance?: (o: unknown) => boolean };
  if (typeof cls.__pulumiType === "string" && cls.__pulumiType.length > 0) {
    return cls.__pulumiType === type;
  }
  return typeof cls.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

function throwNotApplicable(reason?: string): never {
  throw new NotApplicableError(reason);
}

function tagMap(tags: Record<string, string> = {}): ReadonlyMap<string, string> {
  return new Map(Object.entries(tags));
}

/** Builds the argument bag the server passes to a resource validation. */
export function resourceArgs(
  type: TypeArg,
  props: Props,
  opts?: Partial<PolicyResourceOptions>,
  run: RunOptions = {},
  name = "subject",
): ResourceValidationArgs {
  const token = typeOf(type);
  return {
    type: token,
    props,
    urn: urnOf(token, name),
    name,
    opts: policyOptions(opts),
    stackTags: tagMap(run.stackTags),
    isType: (cls) => isTypeOf(token, cls),
    asType: ((cls: unknown) =>
      isTypeOf(token, cls) ? props : undefined) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => ({ ...(run.config ?? {}) }) as T,
    notApplicable: throwNotApplicable,
  };
}

/** Builds the argument bag the server passes to a stack validation, with parents and dependencies linked. */
export function stackArgs(fixtures: Fixture[], run: RunOptions = {}): StackValidationArgs {
  const names = new Set<string>();
  for (const f of fixtures) {
    if (names.has(f.name)) throw new Error(`fixture name ${f.name} is used twice`);
    names.add(f.name);
  }
  const byName = new Map<string, PolicyResource>();
  for (const f of fixtures) {
    const token = typeOf(f.type);
    const props = unknownCheckingProxy(f.props);
    byName.set(f.name, {
      type: token,
      props,
      urn: urnOf(token, f.name),
      name: f.name,
      opts: policyOptions(f.opts),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(token, cls),
      asType: ((cls: unknown) =>
        isTypeOf(token, cls) ? props : undefined) as PolicyResource["asType"],
    });
  }
  const resolve = (n: string) => {
    const r = byName.get(n);
    if (!r) throw new Error(`fixture refers to unknown resource ${n}`);
    return r;
  };
  for (const f of fixtures) {
    const r = byName.get(f.name)!;
    if (f.parent) r.parent = resolve(f.parent);
    for (const [prop, refs] of Object.entries(f.refs ?? {})) {
      r.propertyDependencies[prop] = refs.map(resolve);
    }
    const direct = (f.dependsOn ?? []).map(resolve);
    r.dependencies = [...new Set([...Object.values(r.propertyDependencies).flat(), ...direct])];
  }
  return {
    resources: fixtures.map((f) => byName.get(f.name)!),
    stackTags: tagMap(run.stackTags),
    getConfig: <T extends object>() => ({ ...(run.config ?? {}) }) as T,
    notApplicable: throwNotApplicable,
  };
}

/**
 * Deep copy of plain data (functions such as resource classes are kept by reference). Not
 * `structuredClone`: under jest its objects come from another realm, fail `instanceof Object`,
 * and the SDK's unknown-checking proxy silently skips them.
 */
export function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)])) as T;
  }
  return value;
}

function collector(): { messages: string[]; report: ReportViolation } {
  const messages: string[] = [];
  return { messages, report: (message: string) => void messages.push(message) };
}

/**
 * Runs every validation of a resource policy against one resource and returns the messages it
 * reported. A validation that declares itself not applicable contributes nothing, as on the server.
 */
export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  type: TypeArg,
  props: Props,
  opts?: Partial<PolicyResourceOptions>,
  run: RunOptions = {},
): Promise<string[]> {
  const { messages, report } = collector();
  const validations: ResourceValidation[] = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : policy.validateResource
      ? [policy.validateResource]
      : [];
  for (const validate of validations) {
    // Props reach policies behind the server's unknown-checking proxy.
    const args = resourceArgs(type, unknownCheckingProxy(clone(props)), opts, run);
    try {
      await validate(args, report);
    } catch (e) {
      if (e instanceof UnknownValueError) messages.push(previewMessage(e));
      else if (!(e instanceof NotApplicableError)) throw e;
    }
  }
  return messages;
}

/** Runs a stack policy against a set of resources and returns the messages it reported. */
export async function runStackPolicy(
  policy: StackValidationPolicy,
  resources: Fixture[],
  run: RunOptions = {},
): Promise<string[]> {
  const { messages, report } = collector();
  try {
    await policy.validateStack(stackArgs(clone(resources), run), report);
  } catch (e) {
    if (e instanceof UnknownValueError) messages.push(previewMessage(e));
    else if (!(e instanceof NotApplicableError)) throw e;
  }
  return messages;
}

/** Sets `path` ("a.b.0.c" or an array of keys) to `value`, creating objects on the way; undefined deletes. */
export function setPath(target: Props, path: string | (string | number)[], value: unknown): void {
  const keys = typeof path === "string" ? path.split(".") : path.map(String);
  let node: Props = target;
  for (const [i, key] of keys.slice(0, -1).entries()) {
    if (node[key] === undefined || node[key] === null)
      node[key] = /^\d+$/.test(keys[i + 1]) ? [] : {};
    node = node[key];
  }
  const last = keys[keys.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
}

type Path = string | (string | number)[];

/** One insecure change to a compliant resource: a property, an option or a config key. */
export interface ResourceCase {
  /** The rule the change breaks, in the documents' words. */
  rule: string;
  set?: [path: Path, value: unknown];
  opts?: Partial<PolicyResourceOptions>;
  config?: Partial<PlatformPolicyConfig>;
  /** Every reported message must match this, so the case proves the rule it names. */
  expect: RegExp;
}

/** A compliant resource of one type and the changes that must each be flagged. */
export interface ResourceSuite {
  type: TypeArg;
  props: Props;
  opts?: Partial<PolicyResourceOptions>;
  config?: Partial<PlatformPolicyConfig>;
  cases: ResourceCase[];
  /** Other compliant variants (one change each) that must still pass. */
  passes?: Omit<ResourceCase, "expect">[];
}

function oneChange(
  c: { set?: unknown; opts?: object; config?: object; remove?: unknown; add?: unknown },
  rule: string,
) {
  const changes =
    (c.set ? 1 : 0) +
    (c.remove ? 1 : 0) +
    (c.add ? 1 : 0) +
    Object.keys(c.opts ?? {}).length +
    Object.keys(c.config ?? {}).length;
  if (changes !== 1)
    throw new Error(`case "${rule}" must change exactly one thing (changes ${changes})`);
}

function applyResourceCase(suite: ResourceSuite, c: Omit<ResourceCase, "expect">) {
  oneChange(c, c.rule);
  const props = clone(suite.props);
  if (c.set) setPath(props, c.set[0], c.set[1]);
  const opts = { ...suite.opts, ...c.opts };
  const config = { ...suite.config, ...c.config };
  return { props, opts, config };
}

function expectViolations(messages: string[], pattern: RegExp) {
  expect(messages.length).toBeGreaterThan(0);
  for (const m of messages) expect(m).toMatch(pattern);
}

/** jest tests for a resource policy: each suite's baseline passes, each case is flagged. */
export function describeResourcePolicy(
  policy: ResourceValidationPolicy,
  suites: ResourceSuite[],
): void {
  if (suites.length === 0 || suites.some((s) => s.cases.length === 0)) {
    throw new Error(`${policy.name}: every fixture needs at least one failing case`);
  }
  describe(policy.name, () => {
    for (const suite of suites) {
      const type = typeOf(suite.type);
      it(`passes a compliant ${type}`, async () => {
        const run = { config: suite.config };
        expect(await runResourcePolicy(policy, suite.type, suite.props, suite.opts, run)).toEqual(
          [],
        );
      });
      for (const c of suite.passes ?? []) {
        it(`passes ${type} when ${c.rule}`, async () => {
          const { props, opts, config } = applyResourceCase(suite, c);
          expect(await runResourcePolicy(policy, suite.type, props, opts, { config })).toEqual([]);
        });
      }
      for (const c of suite.cases) {
        it(`flags ${type}: ${c.rule}`, async () => {
          const { props, opts, config } = applyResourceCase(suite, c);
          expectViolations(
            await runResourcePolicy(policy, suite.type, props, opts, { config }),
            c.expect,
          );
        });
      }
    }
    it("reports nothing on resources of other types", async () => {
      expect(await runResourcePolicy(policy, "test:index:Unrelated", { spec: {} })).toEqual([]);
    });
  });
}

/** One insecure change to a compliant stack. */
export interface StackCase {
  rule: string;
  /** On the named resource, set a property. */
  set?: [name: string, path: Path, value: unknown];
  /** Drop the named resource. */
  remove?: string;
  /** Add a resource. */
  add?: Fixture;
  config?: Partial<PlatformPolicyConfig>;
  expect: RegExp;
}

export interface StackSuite {
  resources: Fixture[];
  config?: Partial<PlatformPolicyConfig>;
  cases: StackCase[];
  passes?: Omit<StackCase, "expect">[];
}

function applyStackCase(suite: StackSuite, c: Omit<StackCase, "expect">) {
  oneChange(c, c.rule);
  let resources = clone(suite.resources);
  if (c.set) {
    const [name, path, value] = c.set;
    const target = resources.find((r) => r.name === name);
    if (!target) throw new Error(`case "${c.rule}" names unknown resource ${name}`);
    setPath(target.props, path, value);
  }
  if (c.remove) {
    if (!resources.some((r) => r.name === c.remove)) throw new Error(`no resource ${c.remove}`);
    resources = resources.filter((r) => r.name !== c.remove);
    for (const r of resources) {
      for (const [k, v] of Object.entries(r.refs ?? {}))
        r.refs![k] = v.filter((n) => n !== c.remove);
    }
  }
  if (c.add) resources.push(c.add);
  return { resources, config: { ...suite.config, ...c.config } };
}

/** jest tests for a stack policy: the baseline stack passes, each case is flagged. */
export function describeStackPolicy(policy: StackValidationPolicy, suites: StackSuite[]): void {
  if (suites.length === 0 || suites.some((s) => s.cases.length === 0)) {
    throw new Error(`${policy.name}: every fixture needs at least one failing case`);
  }
  describe(policy.name, () => {
    suites.forEach((suite, i) => {
      const label = suites.length > 1 ? ` #${i + 1}` : "";
      it(`passes the compliant stack${label}`, async () => {
        expect(await runStackPolicy(policy, suite.resources, { config: suite.config })).toEqual([]);
      });
      for (const c of suite.passes ?? []) {
        it(`passes${label} when ${c.rule}`, async () => {
          const { resources, config } = applyStackCase(suite, c);
          expect(await runStackPolicy(policy, resources, { config })).toEqual([]);
        });
      }
      for (const c of suite.cases) {
        it(`flags${label}: ${c.rule}`, async () => {
          const { resources, config } = applyStackCase(suite, c);
          expectViolations(await runStackPolicy(policy, resources, { config }), c.expect);
        });
      }
    });
    it("reports nothing on an empty stack", async () => {
      expect(await runStackPolicy(policy, [])).toEqual([]);
    });
  });
}
