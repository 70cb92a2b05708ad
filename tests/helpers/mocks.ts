import * as pulumi from "@pulumi/pulumi";
import { Recorder, Registered } from "../../plan/mocks";

/**
 * Registers whatever `build` creates under the runtime's mocks and returns every registration,
 * awaited (never assert inside an unawaited apply).
 */
export async function record(
  build: () => void,
  config: Record<string, string> = {},
): Promise<Registered[]> {
  pulumi.runtime.setAllConfig(config);
  const recorder = new Recorder("platform", "test");
  // The runtime captures a stack trace per promise and resource it registers, and jest maps each
  // through source maps: most of a recording's time. Assertions run after, with traces back on.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    build();
    return await recorder.settle();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export const ofType = (rs: Registered[], type: string) => rs.filter((r) => r.type === type);
export const one = (rs: Registered[], type: string, name?: string) => {
  const found = ofType(rs, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1)
    throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
  return found[0];
};

/** A registration made by hand, for pure functions over registrations (pricers, sums, policies). */
export const registered = (type: string, inputs: Record<string, any>, name = "r"): Registered => ({
  urn: `urn:pulumi:test::platform::${type}::${name}`,
  type,
  name,
  parent: undefined,
  custom: true,
  protect: false,
  inputs,
  dependencies: [],
  propertyDependencies: {},
  provider: undefined,
});
