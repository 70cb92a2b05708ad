import { ConfigError, NAMESPACE, pathOf, type Problem } from "../../config/problems";

/**
 * The one way a cloud layer refuses its input: the config gate's `ConfigError`, one line per
 * problem naming the `platform:` key and what is allowed. The offline plan reports it as an invalid
 * config (exit 2); `pulumi up` stops with those lines and no stack trace (a `RunError`). The gate
 * (config/providers.ts) refuses what it can before any resource exists; a layer reaches this only
 * for what it learns while building.
 */
export function problemLine(problem: Pick<Problem, "path" | "message" | "key">): string {
  return `${problem.key ?? `${NAMESPACE}:${pathOf(problem.path)}`}: ${problem.message}`;
}

/** Stops the program over the config value at `path` (under `platform:`): `message` says what is allowed. */
export function configProblem(path: readonly (string | number)[], message: string): never {
  throw new ConfigError([problemLine({ path, message })]);
}

/** Stops the program when any problem is listed, with one line for each; returns otherwise. */
export function refuseProblems(
  problems: readonly Pick<Problem, "path" | "message" | "key">[],
): void {
  if (problems.length) throw new ConfigError(problems.map(problemLine));
}
