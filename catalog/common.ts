import { Source } from "./types";

/**
 * prices.md was compiled in late 2026. A row whose source carries no date (a public price map, a
 * docs page) was read then, so it is dated to the year only.
 */
export const COMPILED = "2026";

/** A prices.md row whose source column is "–": prices.md computed it, and says why in its note. */
export function estimate(section: string, note: string): Source {
  return { ref: `prices.md ${section}`, date: COMPILED, status: "estimate", note };
}

/** Monthly figures are kept to the cent, as prices.md shows them. */
export function cents(usd: number): number {
  return Math.round(usd * 100) / 100;
}
