import type {
  EnforcementLevel,
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { Registered } from "./mocks";

export interface Violation {
  policy: string;
  enforcementLevel: EnforcementLevel;
  /** URN of the resource at fault; the stack for stack-wide rules without one. */
  resource: string;
  message: string;
}

export interface EvaluationOptions {
  /** The same config every policy of the pack receives (`pulumi preview --policy-pack-config`). */
  config: object;
  /** The pack's level; a policy's own level or an override wins. */
  enforcement: EnforcementLevel;
  overrides: Record<string, EnforcementLevel>;
  stackTags?: Record<string, string>;
}

/** Thrown by `notApplicable`; not an Error, so no stack trace is captured thousands of times. */
class NotApplicable {
  constructor(public readonly reason?: string) {}
}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

/** Type check the way the policy server does it: by the class's Pulumi type token. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const token = (resourceClass as { __pulumiType?: string }).__pulumiType;
  if (token) return token === type;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type });
}

const levelOf = (
  p: ResourceValidationPolicy | StackValidationPolicy,
  o: EvaluationOptions,
): EnforcementLevel => o.overrides[p.name] ?? p.enforcementLevel ?? o.enforcement;

/**
 * Runs a CrossGuard policy list over the registered resources the way `pulumi preview --policy-pack`
 * does: every resource policy on every custom resource, then every stack policy on the whole set.
 */
export async function evaluatePolicies(
  policies: Policies,
  registered: Registered[],
  o: EvaluationOptions,
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const stackTags = new Map(Object.entries(o.stackTags ?? {}));
  const custom = registered.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
  const byUrn = new Map<string, PolicyResource>();
  for (const r of custom) {
    byUrn.set(r.urn, {
      type: r.type,
      props: r.inputs,
      urn: r.urn,
      name: r.name,
      opts: {
        protect: r.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: r.parent,
      },
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      asType: ((cls: unknown) =>
        isTypeOf(r.type, cls) ? r.inputs : undefined) as PolicyResource["asType"],
    });
  }
  for (const r of custom) {
    const pr = byUrn.get(r.urn)!;
    pr.parent = r.parent ? byUrn.get(r.parent) : undefined;
    pr.propertyDependencies = Object.fromEntries(
      Object.entries(r.propertyDependencies).map(([k, urns]) => [
        k,
        urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => !!d),
      ]),
    );
    pr.dependencies = r.dependencies
      .map((d) => byUrn.get(d))
      .filter((d): d is PolicyResource => !!d);
  }

  for (const p of policies) {
    const level = levelOf(p, o);
    if (level === "disabled") continue;
    const report =
      (fallbackUrn: string): ReportViolation =>
      (message, urn) =>
        violations.push({
          policy: p.name,
          enforcementLevel: level === "remediate" ? "mandatory" : level,
          resource: urn ?? fallbackUrn,
          message: typeof message === "string" ? message : String(message),
        });
    const getConfig = <T extends object>() => o.config as T;
    try {
      if ("validateStack" in p) {
        await p.validateStack(
          { resources: [...byUrn.values()], stackTags, getConfig, notApplicable },
          report("stack"),
        );
        continue;
      }
      type Validation = ((a: ResourceValidationArgs, rv: ReportViolation) => unknown) & {
        __pulumiType?: string;
      };
      const validations = (
        p.validateResource ? ([] as unknown[]).concat(p.validateResource) : []
      ) as Validation[];
      // validateResourceOfType tags its function with the type it judges: skip the others quickly.
      const judges = (v: Validation, type: string) => !v.__pulumiType || v.__pulumiType === type;
      for (const r of byUrn.values()) {
        const applicable = validations.filter((v) => judges(v, r.type));
        if (applicable.length === 0) continue;
        const args: ResourceValidationArgs = {
          type: r.type,
          props: r.props,
          urn: r.urn,
          name: r.name,
          opts: r.opts,
          stackTags,
          isType: r.isType,
          asType: ((cls: unknown) =>
            isTypeOf(r.type, cls) ? r.props : undefined) as ResourceValidationArgs["asType"],
          getConfig,
          notApplicable,
        };
        for (const v of applicable) {
          try {
            await v(args, report(r.urn));
          } catch (e) {
            if (!(e instanceof NotApplicable)) throw e;
          }
        }
      }
    } catch (e) {
      if (!(e instanceof NotApplicable))
        throw new Error(`policy ${p.name} failed: ${(e as Error).message}`);
    }
  }
  return violations;
}
