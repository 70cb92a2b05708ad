/**
 * The plan's "time to deploy" section: the critical path of a first `pulumi up` (plan/duration.ts)
 * beside the tiers document's figure for the stack's tier.
 */
import { criticalPath, type PathStep } from "./duration";
import type { Registered } from "./mocks";

const QUICK_REFERENCE = "infrastructure-recommendations.md, Quick Reference";

/**
 * The document's "Time to deploy" per tier (Quick Reference: Small 1-2 hours, Medium 1-2 days,
 * Large 1-2 weeks, Enterprise 1-3 months). It counts the whole rollout by people, of which the
 * `pulumi up` is a part; local and staging have no figure there.
 */
export const DOCUMENTED_TIME_TO_DEPLOY: Record<string, string> = {
  small: "1-2 hours",
  medium: "1-2 days",
  large: "1-2 weeks",
  enterprise: "1-3 months",
};

export interface DeployTime {
  /** Estimated minutes of a first `pulumi up`, the longest chain of typical creation times. */
  minutes: number;
  /** The chain's longest steps, in the order they run. */
  path: PathStep[];
  /** The chain has this many steps in all. */
  steps: number;
  /** The document's figure for the tier, or null where it gives none. */
  documented: { tier: string; figure: string; doc: string } | null;
  /** Where the typical times come from. */
  sources: string;
}

/** The longest `top` steps of the critical path, kept in path order. */
function longest(path: PathStep[], top: number): PathStep[] {
  const keep = new Set([...path].sort((a, b) => b.minutes - a.minutes).slice(0, top));
  return path.filter((s) => keep.has(s));
}

export function deployTime(resources: readonly Registered[], tier?: string, top = 5): DeployTime {
  const { minutes, path } = criticalPath(resources);
  const figure = tier ? DOCUMENTED_TIME_TO_DEPLOY[tier] : undefined;
  return {
    minutes: Math.round(minutes),
    path: longest(path, top),
    steps: path.length,
    documented: figure ? { tier: tier!, figure, doc: QUICK_REFERENCE } : null,
    sources: "plan/duration.ts, CREATION_TIMES",
  };
}

const documented = (d: DeployTime) =>
  d.documented
    ? `the document's time to deploy for the ${d.documented.tier} tier is ${d.documented.figure}, ` +
      `the whole rollout (${d.documented.doc})`
    : "the tiers document gives no time to deploy for this tier";

const step = (s: PathStep) => `${s.name} (${s.type}): ${s.minutes} min from minute ${s.startsAt}`;

export function deployTimeLines(d: DeployTime): string[] {
  return [
    `time to deploy: a first \`pulumi up\` takes about ${d.minutes} min on its critical path of ` +
      `${d.steps} resources (typical creation times: ${d.sources}); ${documented(d)}`,
    ...d.path.map((s) => `  ${step(s)}`),
  ];
}

export function deployTimeMarkdown(d: DeployTime): string[] {
  return [
    `**Time to deploy:** about ${d.minutes} min for a first \`pulumi up\` — ${documented(d)}`,
    "",
    ...d.path.map((s) => `- ${step(s)}`),
    "",
    `Critical path of ${d.steps} resources; typical creation times and their sources in ${d.sources}.`,
  ];
}
