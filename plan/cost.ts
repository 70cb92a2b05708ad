import type { Provider } from "../catalog/types";
import type { CostUsage } from "../config";
import type { VolumeRate } from "../components/kit/cloud-layer";
import type { Registered } from "./mocks";

/** A priced resource: what it costs a month at list price, and how that was worked out. */
export interface CostLine {
  urn: string;
  type: string;
  name: string;
  monthlyUsd: number;
  basis: string;
  /** A node pool's cost with every pool at its minimum and at its maximum; absent when fixed. */
  floorUsd?: number;
  ceilingUsd?: number;
}

/** What a scaling resource (a node pool) costs at its minimum and maximum size. */
export interface PoolRange {
  floorUsd: number;
  ceilingUsd: number;
}

/** Prices one resource from its inputs; undefined when the type costs nothing by itself. */
export type Pricer = (
  inputs: Record<string, any>,
  provider: Provider,
  /** The stack's expected usage (`cost.usage`); without it usage-billed lines stay unestimated. */
  usage?: CostUsage,
) => { monthlyUsd: number; basis: string; range?: PoolRange } | undefined;

const pricers: Record<string, Pricer> = {};

/** A layer's volume rate when every storage class makes one volume of the claimed size. */
export function flatVolumeRate(perGbMonthUsd: number, what: string): () => VolumeRate {
  return () => ({ perGbMonthUsd, what });
}

/** Entries of a layer's unpriced table: each of `types`, left unpriced for the same `reason`. */
export function unpriced(reason: string, types: string[]): Record<string, string> {
  return Object.fromEntries(types.map((type) => [type, reason]));
}

/** Cloud layers register the pricers of the resource types they create (see plan/pricers/). */
export function registerPricers(entries: Record<string, Pricer>): void {
  Object.assign(pricers, entries);
}

export interface CostReport {
  monthlyUsd: number;
  /** Monthly USD per top-level component (the stack's direct children). */
  byComponent: Record<string, number>;
  /** Monthly USD with every node pool at its minimum size, and at its maximum. */
  floorUsd: number;
  ceilingUsd: number;
  lines: CostLine[];
}

/** The stack's direct child a resource sits under: the component its cost is reported against. */
function topComponent(r: Registered, byUrn: Map<string, Registered>): string {
  let cur = r;
  for (;;) {
    const parent = cur.parent ? byUrn.get(cur.parent) : undefined;
    if (!parent || parent.type === "pulumi:pulumi:Stack") return cur.name;
    cur = parent;
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Monthly list-price estimate of every registered resource that has a pricer. */
export function priceStack(
  registered: Registered[],
  provider: Provider,
  usage?: CostUsage,
): CostReport {
  const byUrn = new Map(registered.map((r) => [r.urn, r]));
  const lines: CostLine[] = [];
  const byComponent: Record<string, number> = {};
  for (const r of registered) {
    const priced = pricers[r.type]?.(r.inputs, provider, usage);
    if (!priced) continue;
    lines.push({
      urn: r.urn,
      type: r.type,
      name: r.name,
      monthlyUsd: round(priced.monthlyUsd),
      basis: priced.basis,
      ...(priced.range
        ? { floorUsd: round(priced.range.floorUsd), ceilingUsd: round(priced.range.ceilingUsd) }
        : {}),
    });
    const c = topComponent(r, byUrn);
    byComponent[c] = round((byComponent[c] ?? 0) + priced.monthlyUsd);
  }
  const sum = (f: (l: CostLine) => number) => round(lines.reduce((s, l) => s + f(l), 0));
  return {
    monthlyUsd: sum((l) => l.monthlyUsd),
    byComponent,
    floorUsd: sum((l) => l.floorUsd ?? l.monthlyUsd),
    ceilingUsd: sum((l) => l.ceilingUsd ?? l.monthlyUsd),
    lines,
  };
}
