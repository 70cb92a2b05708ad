/** HSTS max-age of one year, as Infrastructure recommendations, Security Infrastructure writes it. */
export const HSTS_MAX_AGE = 31536000;
export const HSTS_HEADER = "Strict-Transport-Security";

/** What is wrong with a Strict-Transport-Security value, or [] when it meets the documents. */
export function hstsProblems(value: string): string[] {
  const directives = value.split(";").map((d) => d.trim().toLowerCase());
  const maxAge = directives.map((d) => /^max-age=(\d+)$/.exec(d)).find((m) => m)?.[1];
  const problems: string[] = [];
  if (maxAge === undefined || Number(maxAge) < HSTS_MAX_AGE) {
    problems.push(`max-age is ${maxAge ?? "missing"}; use at least ${HSTS_MAX_AGE}`);
  }
  if (!directives.includes("includesubdomains")) problems.push("includeSubDomains is missing");
  return problems;
}
