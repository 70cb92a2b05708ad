import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { validateResourceOfType } from "@pulumi/policy";
import type { Resource } from "@pulumi/pulumi";

/**
 * The platform's stateful-resource rule: a resource that holds data carries the protect option.
 * Reports `what` as unprotected, with the provider's `hint`, when it does not.
 */
export function reportUnprotected(
  args: ResourceValidationArgs,
  report: ReportViolation,
  what: string,
  hint: string,
): void {
  if (!args.opts.protect) report(`${what} is unprotected: ${hint}`);
}

/** A check of every resource of a type whose only rule is the protect option. */
export function requireProtect<TResource extends Resource, TArgs>(
  resourceClass: { new (name: string, args: TArgs, ...rest: any[]): TResource },
  what: string,
  hint: string,
): ResourceValidation {
  return validateResourceOfType(resourceClass, (_props, args, report) =>
    reportUnprotected(args, report, what, hint),
  );
}
