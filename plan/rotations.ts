import type { Registered } from "./mocks";
import { ROTATING } from "./mock-outputs/time";

/** A generated secret that an update after `next` replaces (components/kit/rotation.ts). */
export interface Rotation {
  /** The password resource's name. */
  secret: string;
  days: number;
  /** RFC 3339: the Rotating's `rotationRfc3339`, which the password keeps. */
  next: string;
}

/**
 * Every rotated secret of a recording with its period and next date: a RandomPassword whose
 * `keepers.rotation` came from a Rotating (its property dependency on `keepers`).
 */
export function rotations(resources: readonly Registered[]): Rotation[] {
  const rotating = new Map(resources.filter((r) => r.type === ROTATING).map((r) => [r.urn, r]));
  const out: Rotation[] = [];
  for (const r of resources) {
    const next = r.inputs.keepers?.rotation;
    const source = (r.propertyDependencies.keepers ?? []).map((u) => rotating.get(u)).find(Boolean);
    if (typeof next === "string" && source)
      out.push({ secret: r.name, days: source.inputs.rotationDays, next });
  }
  return out.sort((a, b) => a.next.localeCompare(b.next) || a.secret.localeCompare(b.secret));
}

/** One line per rotated secret: name, period and the date of its next replacement. */
export function rotationLines(resources: readonly Registered[]): string[] {
  return rotations(resources).map(
    (r) => `${r.secret}: every ${r.days} days, next ${r.next.slice(0, 10)}`,
  );
}
