/**
 * The cron syntax Kubernetes accepts in a CronJob's `spec.schedule`: kubernetes/kubernetes
 * (pkg/apis/batch/validation) parses it with robfig/cron v3's standard parser (parser.go:
 * `ParseStandard`), five fields of comma-separated ranges `a`, `a-b`, `*` or `?`, each with an
 * optional `/step`, month and weekday names (jan-dec, sun-sat), and refuses `TZ=` / `CRON_TZ=`
 * prefixes. The stack config keeps the five fields (no `@daily` descriptors): CloudNativePG's
 * six-field schedules are built from them by prepending a seconds field.
 */

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export const CRON_FIELDS: readonly Field[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day of week", min: 0, max: 6, names: WEEKDAYS },
];

function value(text: string, field: Field): number | undefined {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return field === CRON_FIELDS[3] ? named + 1 : named;
  return /^\d{1,4}$/.test(text) ? Number(text) : undefined;
}

/** Why one field is refused, or undefined when robfig/cron v3 would accept it. */
function fieldProblem(text: string, field: Field): string | undefined {
  for (const range of text.split(",")) {
    const [span, step, extra] = range.split("/");
    if (extra !== undefined) return `${field.name} "${range}" has more than one /`;
    if (step !== undefined && !(/^\d{1,4}$/.test(step) && Number(step) > 0))
      return `${field.name} "${range}" needs a step of at least 1`;
    if (span === "*" || span === "?") continue;
    const [lowText, highText, more] = span.split("-");
    if (more !== undefined) return `${field.name} "${range}" has more than one -`;
    const low = value(lowText, field);
    // "a/step" runs from a to the field's end, as robfig/cron reads it.
    const high = highText === undefined ? (step ? field.max : low) : value(highText, field);
    if (low === undefined || high === undefined)
      return `${field.name} "${range}" is not a number${field.names ? " or name" : ""}`;
    if (low < field.min || high > field.max)
      return `${field.name} "${range}" lies outside ${field.min}-${field.max}`;
    if (low > high) return `${field.name} "${range}" runs backwards`;
  }
  return undefined;
}

/** Why a five-field schedule is refused by Kubernetes, or undefined when it is accepted. */
export function cronProblem(schedule: string): string | undefined {
  if (/^\s*(CRON_)?TZ=/.test(schedule)) return "takes no time zone (schedules run in UTC)";
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5 || schedule.trim() === "") return `has ${fields.length} field(s), not 5`;
  for (const [i, text] of fields.entries()) {
    const problem = fieldProblem(text, CRON_FIELDS[i]);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The minute and hour of a schedule that runs once a day at one fixed time ("0 2 * * *"), or
 * undefined: AWS Backup plans and RDS backup windows take one daily time.
 */
export function fixedDailyTime(schedule: string): { minute: number; hour: number } | undefined {
  const [minute, hour, ...days] = schedule.trim().split(/\s+/);
  if (days.length !== 3 || !days.every((d) => d === "*" || d === "?")) return undefined;
  if (!/^\d{1,2}$/.test(minute ?? "") || !/^\d{1,2}$/.test(hour ?? "")) return undefined;
  if (Number(minute) > 59 || Number(hour) > 23) return undefined;
  return { minute: Number(minute), hour: Number(hour) };
}
