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
  const values = await outputValues(exported);
  return Object.fromEntries(
    Object.entries(values).map(([name, o]): [string, PlanOutput] =>
      o.secret ? [name, { secret: true }] : [name, { secret: false, value: o.value }],
    ),
  );
}

/**
 * Every export's value and secretness, secrets with their (offline) values: what another stack's
 * plan reads through a StackReference (plan/references.ts). Never rendered.
 */
export async function outputValues(
  exported: Record<string, unknown>,
): Promise<Record<string, { secret: boolean; value: unknown }>> {
  const entries = await Promise.all(
    Object.entries(exported).map(
      async ([name, raw]): Promise<[string, { secret: boolean; value: unknown } | undefined]> => {
        // `output` lifts nested Outputs and carries their secretness up to the whole value.
        const out = pulumi.output(raw);
        const secret = await pulumi.isSecret(out);
        // The value behind an Output; an internal of @pulumi/pulumi's OutputImpl (output.ts).
        const value = await (out as unknown as { promise(): Promise<unknown> }).promise();
        return [name, value === undefined ? undefined : { secret, value }];
      },
    ),
  );
  return Object.fromEntries(
    entries.filter((e): e is [string, { secret: boolean; value: unknown }] => e[1] !== undefined),
  );
}
