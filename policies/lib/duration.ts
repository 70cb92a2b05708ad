const SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Seconds in a Go duration string as cert-manager writes them ("2160h", "720h0m0s", "90m"). */
export function parseGoDuration(text: string): number | undefined {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text.trim()) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * SECONDS[p[2]], 0);
}

/** Days in a CloudNativePG retention policy ("30d", "4w", "1m"; a month counts as 30 days). */
export function parseRetentionDays(text: string): number | undefined {
  const m = /^([1-9]\d*)([dwm])$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * { d: 1, w: 7, m: 30 }[m[2] as "d" | "w" | "m"];
}

export const DAY_SECONDS = 86400;
