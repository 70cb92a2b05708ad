import type { PolicyResource } from "@pulumi/policy";
import type { Resource } from "@pulumi/pulumi";
import { whenKnown } from "./props";

/** An SDK resource class, e.g. `aws.s3.Bucket`. */
export type ResourceClass = new (...args: any[]) => Resource;

/** A resource class or a type token: what stack policies filter on. */
export type TypeRef = string | ResourceClass;

/** The type token of a class: generated SDK classes carry it as the (internal) `__pulumiType`. */
export function typeToken(t: TypeRef): string {
  return typeof t === "string" ? t : (t as unknown as { __pulumiType: string }).__pulumiType;
}

/** Resources of any of the given types, in stack order. */
export function ofType(resources: PolicyResource[], ...types: TypeRef[]): PolicyResource[] {
  const tokens = new Set(types.map(typeToken));
  return resources.filter((r) => tokens.has(r.type));
}

/**
 * True when `from.props[prop]` points at `to`. The engine's property dependencies decide when it
 * recorded them; else the value is compared with `to`'s identifying outputs (`id`, bucket name...);
 * else, when nothing better is known (offline inputs carry no ids), any dependency on `to` counts.
 */
export function refersTo(
  from: PolicyResource,
  prop: string,
  to: PolicyResource,
  keys: string[] = ["id"],
): boolean {
  const deps = from.propertyDependencies?.[prop] ?? [];
  if (deps.length > 0) return deps.some((d) => d.urn === to.urn);
  const value = whenKnown(() => from.props[prop], undefined);
  if (value === undefined || value === null) return false;
  // Providers mix number and string ids (hcloud serverIds are numbers, outputs' id a string).
  const values = (Array.isArray(value) ? value : [value]).map(String);
  if (keys.some((k) => to.props[k] !== undefined && values.includes(String(to.props[k]))))
    return true;
  return (from.dependencies ?? []).some((d) => d.urn === to.urn);
}

/** A short "type name" label for messages. */
export function describe(r: PolicyResource): string {
  return `${r.type.split(":").pop()} ${r.name}`;
}
