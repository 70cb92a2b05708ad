import { UnknownValueError } from "@pulumi/policy";

/**
 * True when a property is given. During `pulumi preview` a value computed from another new resource
 * (a generated auth token, a KMS key ARN) is still unknown, and reading it would throw; being there
 * is enough to know it was set.
 */
export function isGiven(obj: object | undefined, key: string): boolean {
  if (!obj || !(key in obj)) return false;
  try {
    const value = (obj as Record<string, unknown>)[key];
    if (Array.isArray(value)) return value.length > 0;
    return value !== undefined && value !== null && value !== "";
  } catch (e) {
    if (e instanceof UnknownValueError) return true;
    throw e;
  }
}

/**
 * Runs `read` and answers `fallback` when it touches a value still unknown in preview: stack
 * policies see outputs, and a new resource's computed outputs (a bucket's `versioning`, a server's
 * `labels` when none were given) are unknown until it exists.
 */
export function whenKnown<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return fallback;
    throw e;
  }
}
