import * as pulumi from "@pulumi/pulumi";

/** One stack output as the plan reports it: a secret's value is never kept. */
export type PlanOutput = { secret: true } | { secret: false; value: unknown };

/**
 * The program module's exports, resolved the way `pulumi up` records stack outputs: every Output
 * (also nested in objects) awaited, and an output holding any secret reported as secret, without
 * its value. Undefined exports are left out, as the CLI leaves them out.
 */
export async function resolveOutputs(
  exported: Record<string, unknown>,
): Promise<Record<string, PlanOutput>> {
  const entries = await Promise.all(
    Object.entries(exported).map(async ([name, raw]): Promise<[string, PlanOutput | undefined]> => {
      // `output` lifts nested Outputs and carries their secretness up to the whole value.
      const out = pulumi.output(raw);
      if (await pulumi.isSecret(out)) return [name, { secret: true }];
      // The value behind an Output; an internal of @pulumi/pulumi's OutputImpl (output.ts).
      const value = await (out as unknown as { promise(): Promise<unknown> }).promise();
      return [name, value === undefined ? undefined : { secret: false, value }];
    }),
  );
  return Object.fromEntries(entries.filter((e): e is [string, PlanOutput] => e[1] !== undefined));
}
